"""MyAccount: a signed-in resident's requests, property and bin days, details, saved forms and
"download my data". A request's own page is in ``request_page``."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from borough.cases.models import CaseEvent
from borough.cases.selectors import resident_requests
from borough.contacts.selectors import (
    contacts_for_resident,
    feedback_for_cases,
    form_sessions_saved,
)
from borough.contacts.services import SAVED_FORM_DAYS, form_session_discard
from borough.core.actors import ResidentActor
from borough.core.services import audit_record
from borough.people.export import resident_data
from borough.people.services import DetailsInvalid, resident_contact_update
from borough.places.collections import collections_by_day, collections_coming

from .progress import Journeys
from .request_page import answer_rows, public_headline, signed_in_resident

BIN_DAYS_SHOWN = 14


@never_cache
@login_required
def my_account(request):
    """The dashboard: requests, property and bin days, details, saved forms, download."""
    resident = signed_in_resident(request)
    prop = resident.household.property if resident and resident.household_id else None
    collections = (
        collections_coming(prop, start=timezone.localdate(), days=BIN_DAYS_SHOWN)
        if prop is not None
        else []
    )
    saved = [
        {"session": session, "keep_until": session.saved_at + dt.timedelta(days=SAVED_FORM_DAYS)}
        for session in form_sessions_saved(user=request.user)
    ]
    return render(
        request,
        "portal/myaccount/dashboard.html",
        {
            "resident": resident,
            "requests": resident_requests(resident) if resident else [],
            "property": prop,
            "collections": collections_by_day(collections),
            "saved": saved,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_details(request):
    """Change phone number and whether we email updates. Nothing is saved if anything is wrong."""
    resident = signed_in_resident(request)
    if resident is None:
        raise Http404("No resident record")
    errors: dict[str, str] = {}
    entered = {"phone": resident.phone, "email_updates": "yes" if resident.email_updates else "no"}
    if request.method == "POST":
        entered = {
            "phone": request.POST.get("phone", "")[:40],
            "email_updates": request.POST.get("email_updates", ""),
        }
        if entered["email_updates"] not in ("yes", "no"):
            errors["email_updates"] = _("Select yes if you want updates on your requests by email")
        else:
            try:
                resident_contact_update(
                    resident=resident,
                    phone=entered["phone"],
                    email_updates=entered["email_updates"] == "yes",
                    actor=ResidentActor(resident=resident, user=request.user),
                )
            except DetailsInvalid as invalid:
                errors = invalid.errors
            else:
                messages.success(request, _("Your details have been saved"))
                return redirect("portal:my_account")
    return render(
        request,
        "portal/myaccount/details.html",
        {
            "resident": resident,
            "entered": entered,
            "errors": errors,
            "form_has_errors": bool(errors),
        },
    )


@login_required
@require_POST
def saved_form_delete(request, token):
    """Delete a form the resident saved to finish later."""
    if form_session_discard(token=token, user=request.user):
        Journeys(request.session, request.user).discard(str(token))
        messages.success(request, _("Your saved answers have been deleted"))
    return redirect("portal:my_account")


@never_cache
@login_required
def my_data(request):
    """Download my data: the resident record, requests with their public timelines, contacts
    and feedback, as one JSON file. Audited."""
    resident = signed_in_resident(request)
    if resident is None:
        raise Http404("No resident record")
    cases = [item.case for item in resident_requests(resident, limit=1000)]
    events: dict[int, list[CaseEvent]] = {}
    for event in CaseEvent.objects.filter(case__in=cases, is_public=True).order_by("at", "id"):
        events.setdefault(event.case_id, []).append(event)
    prop = resident.household.property if resident.household_id else None
    data = {
        "exported_at": timezone.now(),
        "resident": {
            **resident_data(resident),
            "address": prop.single_line if prop else None,
            "uprn": prop.uprn if prop else None,
        },
        "requests": [
            {
                "reference": case.reference,
                "service": case.service.name,
                "status": case.public_state_label,
                "created_at": case.created_at,
                "closed_at": case.closed_at,
                "answers": {row["question"]: row["answer"] for row in answer_rows(case)},
                "timeline": [
                    {"at": event.at, "what": public_headline(event), "text": event.text}
                    for event in events.get(case.pk, [])
                ],
            }
            for case in cases
        ],
        "contacts": [
            {
                "at": contact.started_at,
                "channel": contact.get_channel_display(),
                "direction": contact.get_direction_display(),
                "about": contact.reason,
                "outcome": contact.get_outcome_display(),
                "request": contact.case.reference if contact.case else None,
            }
            for contact in contacts_for_resident(resident, limit=1000)
        ],
        "feedback": [
            {
                "at": item.given_at,
                "service": item.service.name,
                "when": item.get_point_display(),
                "answer": item.get_score_display(),
                "comment": item.comment,
            }
            for item in feedback_for_cases(cases)
        ],
    }
    audit_record(
        actor=request.user,
        action="downloaded",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        summary=f"resident {resident.pk} downloaded their data",
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-council-data.json"'
    return response
