"""Organisations in the hub (issue 26), shown like residents: find one by name, and its page
with its members, its requests and the contacts about them. Agents and admins see any
organisation; officers and team leads those with a request in their teams, and only those
requests (``accounts.organisation_policies``). Every view and every search result is audited.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from borough.accounts.models import Organisation
from borough.accounts.organisation_policies import can_see_organisation
from borough.accounts.policies import visible_team_ids
from borough.cases.models import OPEN_STATUSES, Case
from borough.contacts.models import Contact
from borough.core.models import AuditEvent
from borough.core.services import audit_record

from .access import staff_required

MAX_RESULTS = 25


def _visible(user):
    """The organisations ``user`` may see: every one, or those with a request in their teams."""
    organisations = Organisation.objects.all()
    team_ids = visible_team_ids(user)
    if team_ids is not None:
        organisations = organisations.filter(cases__team_id__in=team_ids).distinct()
    return organisations


@staff_required
def organisation_search(request):
    """Find an organisation by name, email or a member's email."""
    text = request.GET.get("q", "").strip()[:100]
    found: list[Organisation] = []
    if text:
        found = list(
            _visible(request.user)
            .filter(
                Q(name__icontains=text)
                | Q(email__iexact=text)
                | Q(members__user__email__iexact=text)
            )
            .distinct()
            .annotate(
                open_requests=Count(
                    "cases", filter=Q(cases__status__in=OPEN_STATUSES), distinct=True
                ),
                member_count=Count("members", distinct=True),
            )
            .order_by("name")[: MAX_RESULTS + 1]
        )
        for organisation in found[:MAX_RESULTS]:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.SEARCHED,
                object_type="accounts.organisation",
                object_id=organisation.pk,
                summary=f"organisation {organisation.pk} in an organisation search",
            )
    return render(
        request,
        "hub/organisations/search.html",
        {
            "text": text,
            "organisations": found[:MAX_RESULTS],
            "more": len(found) > MAX_RESULTS,
            "limit": MAX_RESULTS,
        },
    )


@staff_required
def organisation_detail(request, pk: int):
    """An organisation's members, requests (those this member of staff may see) and the
    contacts about them. Audited."""
    organisation = get_object_or_404(Organisation, pk=pk)
    cases = Case.objects.filter(organisation=organisation).select_related("service", "team")
    case_team_ids = set(cases.values_list("team_id", flat=True))
    if not can_see_organisation(request.user, case_team_ids=case_team_ids):
        raise PermissionDenied
    team_ids = visible_team_ids(request.user)
    if team_ids is not None:
        cases = cases.filter(team_id__in=team_ids)
    contacts = (
        Contact.objects.filter(case__in=cases)
        .select_related("case", "handled_by")
        .order_by("-started_at")[:100]
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEWED,
        object_type="accounts.organisation",
        object_id=organisation.pk,
        summary=f"organisation {organisation.pk}",
    )
    return render(
        request,
        "hub/organisations/detail.html",
        {
            "organisation": organisation,
            "members": organisation.members.select_related("user").order_by("role", "user__email"),
            "cases": cases.order_by("-created_at")[:100],
            "contacts": contacts,
            "listing": getattr(organisation, "directory_entry", None),
        },
    )
