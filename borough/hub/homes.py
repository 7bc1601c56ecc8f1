"""Sensors in council homes for the housing team (issue 27): the homes at risk on one page, a
home's readings as charts with their tables, the devices that need attention, and the rules'
thresholds (team leads and admins change them)."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from borough.accounts.homes_policies import can_see_homes, can_tune_home_rules
from borough.core.actors import StaffActor
from borough.homes.charts import home_charts
from borough.homes.models import MaintenanceTask, RuleKind
from borough.homes.selectors import (
    devices_at,
    devices_needing_attention,
    homes_at_risk,
    hours_of,
    ingest_counts,
    rules,
    sharing_of,
)
from borough.homes.services import Invalid, rule_update
from borough.homes.services import task_done as task_done_service
from borough.places.selectors import property_get

from .access import staff_required

CHART_DAYS = {7: "7 days", 30: "30 days", 90: "90 days"}


def homes_required(view):
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not can_see_homes(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wraps(view)(wrapper)


@homes_required
def homes(request):
    return render(
        request,
        "hub/homes/at_risk.html",
        {
            "alerts": homes_at_risk(),
            "now": timezone.now(),
            "can_tune": can_tune_home_rules(request.user),
        },
    )


@homes_required
def home(request, uprn: int):
    place = property_get(uprn)
    if place is None:
        raise Http404
    try:
        days = int(request.GET.get("days", 7))
    except ValueError:
        days = 7
    days = days if days in CHART_DAYS else 7
    devices = devices_at(uprn)
    env = [d.pk for d in devices if d.kind == "environment"]
    now = timezone.now()
    rows = hours_of(env, now - dt.timedelta(days=days))
    sharing = sharing_of(uprn)
    return render(
        request,
        "hub/homes/home.html",
        {
            "place": place,
            "devices": devices,
            "days": days,
            "choices": CHART_DAYS,
            "sharing": sharing,
            **home_charts(rows, days=days, rules=rules(), now=now),
            "alerts": [a for a in homes_at_risk() if a.property_id == uprn],
        },
    )


@homes_required
@require_POST
def task_done(request, task_id: int):
    """A housing officer records a device's maintenance done (battery changed, sensor back)."""
    task = MaintenanceTask.objects.filter(pk=task_id, done_at__isnull=True).first()
    if task is None:
        raise Http404
    task_done_service(actor=StaffActor(request.user), task=task)
    messages.success(request, f"Maintenance recorded as done: {task.device.device_id}")
    return redirect("hub:homes_devices")


@homes_required
def devices(request):
    return render(
        request,
        "hub/homes/devices.html",
        {
            "rows": devices_needing_attention(),
            "counts": sorted(ingest_counts().items()),
        },
    )


def _number(value: str, kind=float):
    value = value.strip()
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        return "bad"


@homes_required
def rules_page(request):
    if not can_tune_home_rules(request.user):
        raise PermissionDenied
    current = rules()
    errors: dict[str, str] = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        rule = current.get(kind)
        if rule is None:
            raise Http404
        values = {
            "enabled": request.POST.get("enabled") == "yes",
            "hours": _number(request.POST.get("hours", ""), int),
            "share_of_hours": _number(request.POST.get("share_of_hours", ""), int),
            "heating_months": request.POST.get("heating_months", rule.heating_months).strip(),
        }
        for name in ("humidity_at_least", "temperature_below"):
            if name in request.POST:
                values[name] = _number(request.POST[name])
        bad = {k: "Enter a number" for k, v in values.items() if v == "bad"}
        try:
            if bad:
                raise Invalid(bad)
            rule_update(actor=StaffActor(request.user), rule=rule, values=values)
        except Invalid as invalid:
            errors = {f"{kind}-{k}": v for k, v in invalid.errors.items()}
        else:
            messages.success(request, f"Rule saved: {rule.get_kind_display()}")
            return redirect("hub:homes_rules")
    return render(
        request,
        "hub/homes/rules.html",
        {
            "rules": [current[k] for k in RuleKind.values if k in current],
            "errors": errors,
        },
    )
