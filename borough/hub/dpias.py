"""DPIAs in the hub (issue 23): the processing that needs one, each DPIA with its outcome and
review date (overdue reviews tagged), linked from the register."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from borough.core.actors import StaffActor
from borough.governance.dpias import NEEDED, dpia_save
from borough.governance.models import Dpia
from borough.governance.register import register_rows
from borough.governance.services import Invalid

from .governance import governance_required


@governance_required
def dpias(request):
    assessed = set(Dpia.objects.values_list("activity", flat=True))
    return render(
        request,
        "hub/governance/dpias.html",
        {
            "dpias": Dpia.objects.all(),
            "missing": [activity for activity in NEEDED if activity not in assessed],
            "today": timezone.localdate(),
        },
    )


def _review_on(post) -> dt.date | None:
    try:
        return dt.date(
            int(post.get("review_on-year", "")),
            int(post.get("review_on-month", "")),
            int(post.get("review_on-day", "")),
        )
    except ValueError:
        return None


def _form(request, dpia: Dpia | None):
    errors: dict[str, str] = {}
    if dpia is not None:
        entered = {
            f: getattr(dpia, f)
            for f in ("activity", "register_key", "description", "risks", "measures", "outcome")
        }
        entered["dpo_advice"] = dpia.dpo_advice
        entered.update(
            {
                "review_on-day": str(dpia.review_on.day),
                "review_on-month": str(dpia.review_on.month),
                "review_on-year": str(dpia.review_on.year),
            }
        )
    else:
        entered = {
            "activity": request.GET.get("activity", ""),
            "register_key": request.GET.get("system", ""),
            "outcome": "draft",
        }
    if request.method == "POST":
        entered = {key: request.POST.get(key, "") for key in request.POST}
        try:
            saved = dpia_save(
                actor=StaffActor(request.user),
                data=entered,
                review_on=_review_on(request.POST),
                dpia=dpia,
            )
        except Invalid as invalid:
            errors = invalid.errors
            if "review_on" in errors:
                errors["review_on-day"] = errors.pop("review_on")
        else:
            messages.success(request, f"The DPIA of {saved.activity} is saved")
            return redirect("hub:governance_dpias")
    return render(
        request,
        "hub/governance/dpia_form.html",
        {
            "errors": errors,
            "entered": entered,
            "dpia": dpia,
            "outcomes": Dpia.Outcome.choices,
            "rows": [(row.key, f"{row.name} ({row.kind})") for row in register_rows()],
        },
        status=400 if errors else 200,
    )


@governance_required
def dpia_new(request):
    return _form(request, None)


@governance_required
def dpia_edit(request, dpia_id: int):
    dpia = Dpia.objects.filter(pk=dpia_id).first()
    if dpia is None:
        raise Http404
    return _form(request, dpia)
