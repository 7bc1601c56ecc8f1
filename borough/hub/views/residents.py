"""Resident 360: a resident's details, household, requests and contacts; logging a contact."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from borough.accounts.policies import can_see_resident, may_use_single_view
from borough.cases.selectors import cases_for_resident
from borough.contacts.models import Contact
from borough.contacts.selectors import contacts_for_resident
from borough.contacts.services import STAFFED_CHANNELS, ContactInvalid, contact_log
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.people.selectors import household_members, resident_get
from borough.singleview.residents import people_for_resident

from ..access import staff_required
from ..forms import ContactLogForm


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


def _render_resident(request, resident, resident_cases, *, errors=None, entered=None):
    return render(
        request,
        "hub/resident.html",
        {
            "resident": resident,
            "household": household_members(resident),
            "cases": resident_cases,
            "contacts": contacts_for_resident(resident),
            "today": timezone.localdate(),
            "errors": errors or {},
            "form_has_errors": bool(errors),
            "entered": entered or {},
            "channels": [(c.value, c.label) for c in STAFFED_CHANNELS],
            "outcomes": Contact.Outcome.choices,
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
