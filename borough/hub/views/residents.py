"""Resident 360: a resident's details, household, requests and contacts; logging a contact."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from borough.accounts.policies import can_see_record_access, can_see_resident, may_use_single_view
from borough.assistant.selectors import conversations_for_resident
from borough.assistant.staff import resident_summary
from borough.cases.selectors import cases_for_resident
from borough.contacts.models import Contact
from borough.contacts.selectors import contacts_for_resident
from borough.contacts.services import STAFFED_CHANNELS, ContactInvalid, contact_log
from borough.core.actors import StaffActor
from borough.core.languages import language_choices
from borough.core.selectors import audit_for_resident
from borough.core.services import audit_record
from borough.notify.selectors import returned_letters_for
from borough.people.selectors import household_members, resident_get
from borough.people.services import DetailsInvalid, resident_language_set
from borough.singleview.residents import people_for_resident
from borough.telephony.selectors import resident_calls

from ..access import staff_required
from ..forms import ContactLogForm
from ..resident_search import MAX_RESULTS, resident_search
from ..words import language_name


def _resident_or_403(request, resident_id: int):
    resident = resident_get(resident_id)
    if resident is None:
        raise Http404("No such resident")
    resident_cases = list(cases_for_resident(resident))
    if not can_see_resident(
        request.user, resident, case_team_ids={case.team_id for case in resident_cases}
    ):
        raise PermissionDenied
    return resident, resident_cases


ACCESS_PAGE_SIZE = 50


def _case_team_ids(resident_cases) -> set[int]:
    return {case.team_id for case in resident_cases}


def _render_resident(request, resident, resident_cases, *, errors=None, entered=None):
    contacts, chats = contacts_for_resident(resident), conversations_for_resident(resident)
    return render(
        request,
        "hub/resident.html",
        {
            "resident": resident,
            "household": household_members(resident),
            "cases": resident_cases,
            "contacts": contacts,
            "chats": chats,
            # Phone calls through the voice gateway, each with its transcript (issue 21).
            "calls": resident_calls(resident.pk),
            # "In brief" (issue 22, point 5): from the requests, contacts and chats shown here.
            "summary": resident_summary(
                resident, list(resident_cases), list(contacts), list(chats)
            ),
            "preferred_language": language_name(resident.preferred_language),
            "languages": language_choices(),
            # Letters that came back (GOV.UK Notify's returned-letter callback): check the address.
            "returned_letters": list(returned_letters_for(resident.pk)[:3]),
            "today": timezone.localdate(),
            "errors": errors or {},
            "form_has_errors": bool(errors),
            "entered": entered or {},
            "channels": [(c.value, c.label) for c in STAFFED_CHANNELS],
            "outcomes": Contact.Outcome.choices,
            "may_see_access": can_see_record_access(
                request.user, case_team_ids=_case_team_ids(resident_cases)
            ),
            # The single view is the data team's: only they see the link to it.
            "single_view": people_for_resident(resident)
            if may_use_single_view(request.user)
            else None,
        },
    )


@staff_required
def resident_detail(request, resident_id: int):
    """Resident 360: details, household, needs, every case and every contact. Audited."""
    resident, resident_cases = _resident_or_403(request, resident_id)
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        summary=f"resident {resident.pk}",
    )
    return _render_resident(request, resident, resident_cases)


@staff_required
@require_POST
def resident_contact(request, resident_id: int):
    """Log a phone, face-to-face, email or letter contact handled for this resident."""
    resident, resident_cases = _resident_or_403(request, resident_id)
    form = ContactLogForm(request.POST)
    form.is_valid()  # every field is optional: contact_log says what is missing
    try:
        contact_log(actor=StaffActor(request.user), resident=resident, **form.cleaned_data)
    except ContactInvalid as invalid:
        return _render_resident(
            request, resident, resident_cases, errors=invalid.errors, entered=request.POST
        )
    messages.success(request, "Contact logged")
    return redirect("hub:resident", resident_id=resident.pk)


@staff_required
@require_POST
def resident_language(request, resident_id: int):
    """Set the language we write to the resident in (they asked, on the phone or at a desk)."""
    resident, _cases = _resident_or_403(request, resident_id)
    try:
        resident_language_set(
            resident=resident,
            language=request.POST.get("preferred_language", ""),
            actor=StaffActor(request.user),
        )
    except DetailsInvalid as invalid:
        messages.error(request, next(iter(invalid.errors.values())))
    else:
        messages.success(request, "Language changed: messages to them are now written in it")
    return redirect("hub:resident", resident_id=resident.pk)


@staff_required
def resident_access(request, resident_id: int):
    """Who has viewed or changed this resident's record, their cases, contacts and needs: every
    row of the audit log about them, newest first, from the hub, the admin and the APIs. Team
    leads of their cases' teams, the data protection team and admins only; opening it is itself
    audited."""
    resident = resident_get(resident_id)
    if resident is None:
        raise Http404("No such resident")
    case_team_ids = _case_team_ids(cases_for_resident(resident))
    if not can_see_record_access(request.user, case_team_ids=case_team_ids):
        raise PermissionDenied
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="resident_access_log",
        object_id=resident.pk,
        resident_id=resident.pk,
        summary=f"who has seen or changed resident {resident.pk}",
    )
    page = Paginator(audit_for_resident(resident.pk), ACCESS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "hub/resident_access.html", {"resident": resident, "page": page})


@staff_required
def resident_search_page(request):
    """Find a caller: residents by name, phone, email, address, postcode or case reference,
    among those this member of staff may see. Audited: one entry for each resident shown
    (never what was typed)."""
    text = request.GET.get("q", "").strip()[:100]
    found, more = resident_search(text, user=request.user) if text else ([], False)
    for resident in found:
        # Each resident whose details the results show, as the resident page records a view.
        audit_record(
            actor=request.user,
            action="searched",
            object_type="resident",
            object_id=resident.pk,
            resident_id=resident.pk,
            summary=f"resident {resident.pk} in a resident search",
        )
    return render(
        request,
        "hub/resident_search.html",
        {"text": text, "residents": found, "more": more, "limit": MAX_RESULTS},
    )
