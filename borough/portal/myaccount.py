"""MyAccount: a signed-in resident's requests, property and bin days, details, saved forms and
"download my data". A request's own page is in ``request_page``."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from borough.accounts.organisation_policies import is_councillor
from borough.accounts.organisations import organisations_of
from borough.cases.models import CaseEvent
from borough.cases.selectors import resident_requests
from borough.catalogue.journey import postcode_check
from borough.contacts.selectors import (
    contacts_for_resident,
    feedback_for_cases,
    form_sessions_saved,
)
from borough.contacts.services import SAVED_FORM_DAYS, form_session_discard
from borough.core.actors import ResidentActor
from borough.core.languages import language_choices
from borough.core.services import audit_record
from borough.inclusion.models import Partner
from borough.payments.agreements import agreements_for_user
from borough.people.export import resident_data
from borough.people.services import (
    DetailsInvalid,
    resident_address_set,
    resident_details_update,
    resident_for_account,
    resident_language_set,
)
from borough.places.collections import collections_by_day, collections_coming
from borough.places.selectors import example_postcode, properties_at_postcode
from borough.processes.library.bulky import bookings_for_user
from borough.processes.selectors import permits_for_resident

from .my_data import chats_data, files_data, needs_data, objections_data
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
            "subscriptions": agreements_for_user(request.user),
            "bulky_bookings": bookings_for_user(request.user),
            "permits": permits_for_resident(resident),
            "organisations": organisations_of(request.user),
            "is_councillor": is_councillor(request.user),
            "inclusion_partner": Partner.objects.for_member(request.user).exists(),
        },
    )


def _own_record(request):
    """The signed-in resident's record, started now if their account has none yet."""
    signed_in_resident(request)  # staff are not residents
    return resident_for_account(user=request.user, actor=ResidentActor(user=request.user))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_details(request):
    """Change name, phone number, whether we send updates and how (email, text or letter). A
    new account adds them here. Nothing is saved if anything is wrong."""
    resident = signed_in_resident(request)
    user = request.user
    errors: dict[str, str] = {}
    entered = {
        "first_name": resident.first_name if resident else user.first_name,
        "last_name": resident.last_name if resident else user.last_name,
        "phone": resident.phone if resident else "",
        "email_updates": "yes" if resident is None or resident.email_updates else "no",
        "contact_by": (resident.contact_by if resident else "") or "email",
        "preferred_language": (resident.preferred_language if resident else "")
        or (get_language() or "en").split("-")[0],
    }
    if request.method == "POST":
        entered = {
            "first_name": request.POST.get("first_name", "")[:200],
            "last_name": request.POST.get("last_name", "")[:200],
            "phone": request.POST.get("phone", "")[:40],
            "email_updates": request.POST.get("email_updates", ""),
            "contact_by": request.POST.get("contact_by", "")[:10],
            # Not posted (an older page): the language stays as it is.
            "preferred_language": request.POST.get(
                "preferred_language", entered["preferred_language"]
            )[:12],
        }
        if entered["email_updates"] not in ("yes", "no"):
            errors["email_updates"] = _("Select yes if you want updates on your requests")
        if entered["preferred_language"] not in {code for code, _n, _m in language_choices()}:
            errors["preferred_language"] = _("Select a language from the list")
        if not errors:
            resident = _own_record(request)
            try:
                resident_details_update(
                    resident=resident,
                    first_name=entered["first_name"],
                    last_name=entered["last_name"],
                    phone=entered["phone"],
                    email_updates=entered["email_updates"] == "yes",
                    contact_by=entered["contact_by"] or None,
                    actor=ResidentActor(resident=resident, user=user),
                )
                resident_language_set(
                    resident=resident,
                    language=entered["preferred_language"],
                    actor=ResidentActor(resident=resident, user=user),
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
            "languages": language_choices(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_address(request):
    """Add or change the address: a postcode, then the address from the list (as the forms
    ask it). Nothing is saved until an address is chosen."""
    resident = signed_in_resident(request)
    entered = request.POST.get("postcode", request.GET.get("postcode", ""))[:20]
    errors: dict[str, str] = {}
    postcode = None
    if entered or "postcode" in request.GET:
        error, postcode = postcode_check(entered)
        if error:
            errors["postcode"] = error
    properties = properties_at_postcode(postcode) if postcode else []
    if request.method == "POST" and postcode:
        chosen = next(
            (prop for prop in properties if str(prop.uprn) == request.POST.get("uprn", "")), None
        )
        if chosen is None:
            errors["uprn"] = _("Select your address")
        else:
            resident = _own_record(request)
            resident_address_set(
                resident=resident,
                prop=chosen,
                actor=ResidentActor(resident=resident, user=request.user),
            )
            messages.success(request, _("Your address has been saved"))
            return redirect("portal:my_account")
    return render(
        request,
        "portal/myaccount/address.html",
        {
            "resident": resident,
            "entered": entered,
            "postcode": postcode,
            "properties": properties,
            "example_postcode": example_postcode(),
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
    """Download my data: the resident record, needs, requests with their public timelines and
    files, chats, contacts and feedback, as one JSON file. Audited."""
    resident = signed_in_resident(request)
    if resident is None:
        return _download(request, _account_only_data(request.user), object_id=None)
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
                # What an agent typed about a contact is their note, not the resident's words.
                "about": _contact_about(contact),
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
        "needs": needs_data(resident),
        "files": files_data(cases),
        "chats": chats_data(resident, request.user),
        "objections_upheld": objections_data(resident),
    }
    return _download(request, data, object_id=resident.pk)


def _contact_about(contact) -> str | None:
    """What a contact was about, as the resident may read it: the service, never the words
    a member of staff wrote about it (internal notes are not shown to residents)."""
    if contact.service_id:
        return contact.service.name
    if contact.handled_by_id is None:
        return contact.reason or None
    return None


def _account_only_data(user) -> dict:
    """What we hold for an account with no resident record yet: the account itself."""
    return {
        "exported_at": timezone.now(),
        "resident": {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "address": None,
        },
        "requests": [],
        "contacts": [],
        "feedback": [],
        "needs": [],
        "files": [],
        "chats": chats_data(None, user),
    }


def _download(request, data: dict, *, object_id: int | None) -> HttpResponse:
    """The data as a JSON file to download; the download is audited."""
    audit_record(
        actor=request.user,
        action="downloaded",
        object_type="resident" if object_id else "user",
        object_id=object_id or request.user.pk,
        resident_id=object_id,
        summary=(
            f"resident {object_id} downloaded their data"
            if object_id
            else f"user {request.user.pk} downloaded their data"
        ),
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-council-data.json"'
    return response
