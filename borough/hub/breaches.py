"""The breach log in the hub (issue 23): log a suspected breach, see its 72-hour clock, find
the people affected through the audit log, record the report to the ICO."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from borough.core.actors import StaffActor
from borough.governance.breaches import breach_find_affected, breach_log, breach_reported
from borough.governance.models import Breach
from borough.governance.register import register_rows
from borough.governance.services import Invalid

from .governance import governance_required


def _date(post, name: str) -> dt.date | None:
    try:
        return dt.date(
            int(post.get(f"{name}-year", "")),
            int(post.get(f"{name}-month", "")),
            int(post.get(f"{name}-day", "")),
        )
    except ValueError:
        return None


def _moment(post) -> dt.datetime | None:
    day = _date(post, "discovered")
    try:
        hour, minute = (int(part) for part in post.get("discovered_time", "").split(":"))
        moment = dt.datetime.combine(day, dt.time(hour, minute)) if day else None
    except ValueError:
        return None
    return timezone.make_aware(moment) if moment else None


@governance_required
def breaches(request):
    return render(
        request,
        "hub/governance/breaches.html",
        {"breaches": Breach.objects.all()[:50], "now": timezone.now()},
    )


@governance_required
def breach_new(request):
    errors: dict[str, str] = {}
    entered: dict = {"systems": []}
    if request.method == "POST":
        entered = {key: request.POST.get(key, "") for key in request.POST}
        entered["systems"] = request.POST.getlist("systems")
        try:
            breach = breach_log(
                actor=StaffActor(request.user),
                title=entered.get("title", ""),
                description=entered.get("description", ""),
                discovered_at=_moment(request.POST),
                risk=entered.get("risk", ""),
                systems=entered["systems"],
                data_categories=entered.get("data_categories", ""),
            )
        except Invalid as invalid:
            errors = invalid.errors
            if "discovered_at" in errors:
                errors["discovered-day"] = errors.pop("discovered_at")
        else:
            messages.success(request, "The breach is logged: the 72 hours to tell the ICO started")
            return redirect("hub:governance_breach", breach_id=breach.pk)
    return render(
        request,
        "hub/governance/breach_form.html",
        {
            "errors": errors,
            "entered": entered,
            "risks": Breach.Risk.choices,
            "rows": register_rows(),
        },
        status=400 if errors else 200,
    )


@governance_required
def breach_detail(request, breach_id: int):
    breach = Breach.objects.filter(pk=breach_id).first()
    if breach is None:
        raise Http404
    errors: dict[str, str] = {}
    entered = {key: request.POST.get(key, "") for key in request.POST}
    if request.method == "POST":
        actor = StaffActor(request.user)
        try:
            if request.POST.get("action") == "reported":
                breach_reported(
                    actor=actor, breach=breach, reference=entered.get("ico_reference", "")
                )
                messages.success(request, "The report to the ICO is recorded")
            else:
                ids = breach_find_affected(
                    actor=actor,
                    breach=breach,
                    staff_email=entered.get("staff_email", ""),
                    start=_date(request.POST, "start"),
                    end=_date(request.POST, "end"),
                )
                messages.success(request, f"{len(ids)} people's records were seen in that time")
        except Invalid as invalid:
            errors = invalid.errors
            if "start" in errors:
                errors["start-day"] = errors.pop("start")
        else:
            return redirect("hub:governance_breach", breach_id=breach.pk)
    names = {row.key: row.name for row in register_rows()}
    return render(
        request,
        "hub/governance/breach.html",
        {
            "breach": breach,
            "systems": [names.get(key, key) for key in breach.systems],
            "errors": errors,
            "entered": entered,
            "now": timezone.now(),
        },
        status=400 if errors else 200,
    )
