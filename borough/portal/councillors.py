"""Councillors' pages (issue 26): raise an enquiry for a resident with their consent, follow
it, and see the ward's open enquiries and requests by service. In English, like the hub:
these are pages for the council's members, not for residents.

A councillor sees their own enquiries and their wards' numbers, never a resident's other
requests or details (``accounts.organisation_policies``); every other account gets a 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from borough.accounts.organisation_policies import is_councillor
from borough.cases.enquiries import (
    EnquiryInvalid,
    councillor_enquiries,
    councillor_wards,
    enquiry_for,
    enquiry_raise,
    ward_open_enquiries,
)
from borough.cases.models import MemberEnquiry
from borough.cases.selectors import case_public_events, sla_clock
from borough.core.actors import ResidentActor
from borough.core.models import AuditEvent
from borough.core.services import audit_record
from borough.insights.selectors import ward_weekly_requests

from .request_page import public_headline

#: How many weeks of requests the ward page shows.
WARD_WEEKS = 8


def _councillor(request) -> ResidentActor:
    if not is_councillor(request.user):
        raise Http404("For councillors")
    return ResidentActor(user=request.user)


@never_cache
@login_required
def councillor_home(request):
    """The ward dashboard: your enquiries, each ward's open enquiries and requests by service
    over the last weeks (numbers only)."""
    _councillor(request)
    wards = councillor_wards(request.user)
    today = timezone.localdate()
    open_counts = ward_open_enquiries([w.pk for w in wards])
    week_starts = [today - dt.timedelta(days=7 * (WARD_WEEKS - n) - 1) for n in range(WARD_WEEKS)]
    return render(
        request,
        "portal/councillor/home.html",
        {
            "enquiries": councillor_enquiries(request.user),
            "wards": [
                {
                    "ward": ward,
                    "open_enquiries": open_counts.get(ward.pk, 0),
                    "rows": ward_weekly_requests(ward.pk, weeks=WARD_WEEKS, today=today),
                }
                for ward in wards
            ],
            "week_starts": week_starts,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def councillor_enquiry_new(request):
    actor = _councillor(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            case = enquiry_raise(actor, request.POST.dict())
        except EnquiryInvalid as invalid:
            errors = invalid.errors
        else:
            messages.success(
                request,
                f"Enquiry {case.reference} raised. The council aims to answer by "
                f"{case.due_date.day} {case.due_date:%B %Y}.",
            )
            return redirect("portal:councillor_enquiry", reference=case.reference)
    return render(
        request,
        "portal/councillor/enquiry_new.html",
        {
            "wards": councillor_wards(request.user),
            "methods": MemberEnquiry.ConsentMethod.choices,
            "errors": errors,
            "entered": request.POST,
        },
        status=400 if errors else 200,
    )


@never_cache
@login_required
def councillor_enquiry(request, reference: str):
    """One of your enquiries: status, due date, the public updates and the consent recorded."""
    actor = _councillor(request)
    enquiry = enquiry_for(actor, reference)
    if enquiry is None:
        raise Http404("No such enquiry of yours")
    case = enquiry.case
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEWED,
        object_type="cases.member_enquiry",
        object_id=case.pk,
        resident_id=case.resident_id,
        summary="Councillor followed their enquiry",
    )
    return render(
        request,
        "portal/councillor/enquiry.html",
        {
            "enquiry": enquiry,
            "case": case,
            "clock": sla_clock(case),
            "events": [
                {"event": e, "headline": public_headline(e)} for e in case_public_events(case)
            ],
        },
    )
