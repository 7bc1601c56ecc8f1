"""The community directory in the hub (issue 26): the directory team sees each proposed change
as a diff against what is published, approves (publishing it) or rejects it with a reason, and
makes invite links for organisations' representatives. ``accounts.directory_policies``."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from borough.accounts.directory_policies import can_review_directory
from borough.core.actors import StaffActor
from borough.directory.models import Organisation, Proposal
from borough.directory.selectors import proposals_pending
from borough.directory.services import ProposalInvalid, diff, invite_token, proposal_decide

from .access import staff_required

LABELS = {
    "name": "Name",
    "description": "What it does",
    "url": "Web address",
    "email": "Email",
    "phone": "Phone",
    "eligibility": "Who can use it",
    "minimum_age": "Youngest age",
    "maximum_age": "Oldest age",
    "cost": "Cost",
    "days": "Days",
    "opens_at": "Opens",
    "closes_at": "Closes",
    "location": "Place",
    "needs": "Needs it helps with",
}


def directory_required(view):
    """Hub staff of the directory team; anyone else in the hub is refused (403)."""

    @staff_required
    def wrapper(request, *args, **kwargs):
        if not can_review_directory(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wraps(view)(wrapper)


@directory_required
def proposals(request):
    decided = (
        Proposal.objects.exclude(status=Proposal.Status.PENDING)
        .select_related("organisation")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "hub/directory/proposals.html",
        {
            "pending": proposals_pending(),
            "decided": decided,
            "organisations": Organisation.objects.order_by("name"),
        },
    )


@directory_required
def proposal(request, proposal_id: int):
    found = (
        Proposal.objects.select_related("organisation", "service").filter(pk=proposal_id).first()
    )
    if found is None:
        raise Http404
    errors = {}
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in ("approve", "reject"):
            errors["decision"] = "Choose whether to approve or reject the change"
        else:
            try:
                proposal_decide(
                    StaffActor(request.user),
                    found,
                    approve=decision == "approve",
                    reason=request.POST.get("reason", ""),
                )
            except ProposalInvalid as invalid:
                errors = invalid.errors
            else:
                messages.success(
                    request,
                    "Change approved and published"
                    if decision == "approve"
                    else "Change rejected: the representative sees your reason",
                )
                return redirect("hub:directory")
    rows = [{**row, "label": LABELS[row["field"]]} for row in diff(found)]
    return render(
        request,
        "hub/directory/proposal.html",
        {
            "proposal": found,
            "rows": rows,
            "errors": errors,
            "form_has_errors": bool(errors),
            "entered": request.POST,
        },
    )


@require_POST
@directory_required
def invite(request, organisation_id: str):
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    token = invite_token(StaffActor(request.user), organisation)
    link = request.build_absolute_uri(reverse("portal:directory_join", args=[token]))
    return render(
        request, "hub/directory/invite.html", {"organisation": organisation, "link": link}
    )
