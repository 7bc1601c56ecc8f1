"""Resident parking permits in the hub (issue 19): civil enforcement officers check whether a
vehicle has a permit by its registration number (VRM). Permits are virtual: nothing is shown in
the car. Only the parking team (officers and team leads), admins and superusers; each lookup
is audited (a VRM leads to a permit holder's request). It shows the permit, its zone and dates
and the request's reference, not the holder's name or address."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from borough.accounts.models import Role
from borough.accounts.policies import in_team_roles_or_admin
from borough.core.services import audit_record
from borough.processes.selectors import permits_for_vrm
from borough.processes.ves import BadRegistration, normalise_vrm

from .access import staff_required


def may_look_up_permits(user) -> bool:
    return in_team_roles_or_admin(user, "parking", (Role.OFFICER, Role.TEAM_LEAD))


@staff_required
@require_GET
def permit_lookup(request):
    if not may_look_up_permits(request.user):
        raise PermissionDenied
    text = request.GET.get("vrm", "").strip()[:20]
    error, vrm, permits, valid = "", "", [], None
    if text:
        try:
            vrm = normalise_vrm(text)
        except BadRegistration as bad:
            error = str(bad)
        else:
            permits = permits_for_vrm(vrm)
            today = timezone.localdate()
            valid = next((p for p in permits if p.valid_from <= today <= p.valid_to), None)
            audit_record(
                actor=request.user,
                action="viewed",
                object_type="parking_permit",
                object_id=vrm,
                summary=f"Looked up parking permits for a vehicle ({len(permits)} found)",
                channel="hub",
            )
    return render(
        request,
        "hub/permit_lookup.html",
        {"text": text, "vrm": vrm, "permits": permits, "valid": valid, "error": error},
        status=400 if error else 200,
    )
