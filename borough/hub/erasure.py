"""Erasure in the hub (issue 23): an information governance officer erases a resident's data
after confirming, and sees the log of erasures (counts and exemptions, never the data)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from borough.core.actors import StaffActor
from borough.governance.erasure import EXEMPTIONS, erasure_apply
from borough.governance.models import ErasureRecord
from borough.governance.services import Invalid
from borough.people.selectors import resident_get

from .governance import governance_required


@governance_required
def erasure(request):
    """Find the resident, confirm what goes and what is kept, erase."""
    errors: dict[str, str] = {}
    entered = {
        key: request.POST.get(key, request.GET.get(key, "")).strip()
        for key in ("resident", "reason")
    }
    resident = resident_get(int(entered["resident"])) if entered["resident"].isdigit() else None
    if request.method == "POST":
        if resident is None:
            errors["resident"] = "There is no resident with this number"
        elif request.POST.get("confirm") != "yes":
            errors["confirm"] = "Confirm that this person's data is to be erased"
        try:
            if errors:
                raise Invalid(errors)
            assert resident is not None
            record = erasure_apply(
                actor=StaffActor(request.user), resident=resident, reason=entered["reason"]
            )
        except Invalid as invalid:
            errors = {**invalid.errors, **errors}
        else:
            messages.success(
                request, f"Resident {record.resident_id}'s data is erased, but for the exemptions"
            )
            return redirect("hub:governance_erasure")
    return render(
        request,
        "hub/governance/erasure.html",
        {
            "errors": errors,
            "entered": entered,
            "resident": resident,
            "exemptions": EXEMPTIONS.items(),
            "records": ErasureRecord.objects.all()[:20],
        },
        status=400 if errors else 200,
    )
