"""Rectification and objection in the hub (issue 23, point 4): log a request with its
one-month clock, decide it with reasons (and the exemption a refusal relies on), and see that
the person was told. Also lists the single view corrections a source system does not hold yet,
with that system's owner from the register, so the owner can make them at source."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.governance.models import InformationAsset, RightsRequest
from borough.governance.outcomes import outcome_message
from borough.governance.rights import (
    REFUSALS,
    RESIDENT_FIELDS,
    RESIDENT_RECORD,
    field_labels,
    rights_decide,
    rights_extend,
    rights_letter_posted,
    rights_log,
)
from borough.governance.services import Invalid
from borough.people.models import ProcessingActivity
from borough.singleview.corrections import CORRECTABLE, corrections_outstanding
from borough.singleview.labels import source_name

from .governance import governance_required

KINDS = {
    "rectification": RightsRequest.Kind.RECTIFICATION,
    "objection": RightsRequest.Kind.OBJECTION,
}


def _received_on(post) -> dt.date | None:
    try:
        return dt.date(
            int(post.get("received_on-year", "")),
            int(post.get("received_on-month", "")),
            int(post.get("received_on-day", "")),
        )
    except ValueError:
        return None


@governance_required
def rights_list(request):
    requests = RightsRequest.objects.select_related("resident")
    owners = dict(
        InformationAsset.objects.filter(system_key__startswith="linkage_source:").values_list(
            "system_key", "owner"
        )
    )
    outstanding = [
        (c, source_name(c.source), owners.get(f"linkage_source:{c.source}", ""))
        for c in corrections_outstanding()
    ]
    return render(
        request,
        "hub/governance/rights.html",
        {
            "open": requests.filter(status=RightsRequest.Status.RECEIVED),
            "decided": requests.exclude(status=RightsRequest.Status.RECEIVED).order_by(
                "-decided_at"
            )[:50],
            "outstanding": outstanding,
            "fields": CORRECTABLE,
            "today": timezone.localdate(),
        },
    )


@governance_required
def rights_new(request, kind: str):
    if kind not in KINDS:
        raise Http404
    errors: dict[str, str] = {}
    entered = {"resident": request.GET.get("resident", ""), "record": RESIDENT_RECORD}
    if request.method == "POST":
        entered = {key: request.POST.get(key, "").strip() for key in request.POST}
        # Each record has its own list of details; the one that goes with the chosen record.
        chosen = "source_field" if entered.get("record") == "source" else "resident_field"
        entered["field"] = entered.get(chosen, "")
        try:
            made = rights_log(
                actor=StaffActor(request.user),
                kind=KINDS[kind],
                data=entered,
                received_on=_received_on(request.POST),
            )
        except Invalid as invalid:
            errors = dict(invalid.errors)
            if "received_on" in errors:
                errors["received_on-day"] = errors.pop("received_on")
            if "field" in errors:
                errors[chosen] = errors.pop("field")
        else:
            due = f"{made.due_on.day} {made.due_on:%B %Y}"
            messages.success(request, f"{made.reference} is logged: decide it by {due}")
            return redirect("hub:governance_right", request_id=made.pk)
    return render(
        request,
        "hub/governance/rights_form.html",
        {
            "kind": kind,
            "errors": errors,
            "entered": entered,
            "resident_fields": [(k, label) for k, (label, _) in RESIDENT_FIELDS.items()],
            "source_fields": list(CORRECTABLE.items()),
            "activities": ProcessingActivity.choices,
        },
        status=400 if errors else 200,
    )


def _request_or_404(request_id: int) -> RightsRequest:
    found = RightsRequest.objects.select_related("resident").filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


def _page(request, rights_request: RightsRequest, *, errors=None, entered=None, status=200):
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="rights_request",
        object_id=rights_request.pk,
        resident_id=rights_request.resident_id,
        summary="rights request viewed",
    )
    letter = None
    resident = rights_request.resident
    if rights_request.status != RightsRequest.Status.RECEIVED and rights_request.told_at is None:
        language = resident.preferred_language if resident else ""
        letter = outcome_message(rights_request, language)
    return render(
        request,
        "hub/governance/right.html",
        {
            "rr": rights_request,
            "field_label": field_labels(rights_request),
            "activity_label": ProcessingActivity(rights_request.activity).label
            if rights_request.activity
            else "",
            "record_label": "Their details on Borough"
            if rights_request.record == RESIDENT_RECORD
            else f"Single view record {rights_request.record}",
            "refusals": [
                (e.value, e.label) for e in REFUSALS[RightsRequest.Kind(rights_request.kind)]
            ],
            "letter": letter,
            "errors": errors or {},
            "entered": entered or {},
            "today": timezone.localdate(),
        },
        status=status,
    )


@never_cache
@governance_required
def right_detail(request, request_id: int):
    rights_request = _request_or_404(request_id)
    if request.method == "POST":
        entered = {key: request.POST.get(key, "").strip() for key in request.POST}
        try:
            rights_decide(
                actor=StaffActor(request.user),
                request=rights_request,
                decision=entered.get("decision", ""),
                exemption=entered.get("exemption", ""),
                reasons=entered.get("reasons", ""),
            )
        except Invalid as invalid:
            rights_request.refresh_from_db()
            return _page(
                request, rights_request, errors=invalid.errors, entered=entered, status=400
            )
        messages.success(
            request,
            f"{rights_request.reference} is {rights_request.get_status_display().lower()}: "
            f"{rights_request.told_how}",
        )
        return redirect("hub:governance_right", request_id=rights_request.pk)
    return _page(request, rights_request)


@require_POST
@governance_required
def right_extend(request, request_id: int):
    rights_request = _request_or_404(request_id)
    try:
        rights_extend(
            actor=StaffActor(request.user),
            request=rights_request,
            months=request.POST.get("months", ""),
            reason=request.POST.get("extension_reason", ""),
        )
    except Invalid as invalid:
        entered = {"extension_reason": request.POST.get("extension_reason", "")}
        return _page(request, rights_request, errors=invalid.errors, entered=entered, status=400)
    extended = rights_request.extended_to
    assert extended is not None
    messages.success(request, f"The deadline is now {extended.day} {extended:%B %Y}")
    return redirect("hub:governance_right", request_id=rights_request.pk)


@require_POST
@governance_required
def right_posted(request, request_id: int):
    rights_request = _request_or_404(request_id)
    try:
        rights_letter_posted(actor=StaffActor(request.user), request=rights_request)
    except Invalid as invalid:
        return _page(request, rights_request, errors=invalid.errors, status=400)
    messages.success(request, "Recorded: the letter is posted")
    return redirect("hub:governance_right", request_id=rights_request.pk)
