"""The council's rules, read against the hourly roll-ups: mould risk, no heat or a boiler fault,
a sensor gone silent. A rule that fires calls ``services.alert_raise`` (a repair case) or
``services.task_raise`` (a maintenance task for the device)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from borough.core.actors import SystemActor

from .models import Alert, Device, DeviceKind, HourlyReading, MaintenanceTask, Rule, RuleKind
from .selectors import rules as current_rules
from .selectors import sharing_off
from .services import alert_raise, task_raise

ACTOR = SystemActor("homes-rules")
# A rule that fired for a home does not add to its case again for this long.
REFIRE_AFTER = dt.timedelta(hours=12)
EVIDENCE_HOURS = 72


def _series(rows: list[HourlyReading]) -> list[dict]:
    return [
        {
            "hour": row.hour.isoformat(),
            "temperature": None if row.temperature is None else round(row.temperature, 1),
            "humidity": None if row.humidity is None else round(row.humidity, 1),
            "co2": None if row.co2 is None else round(row.co2),
            "faults": row.faults,
        }
        for row in rows
    ]


def _mould(rule: Rule, rows: list[HourlyReading]) -> str | None:
    damp_cold = [
        r
        for r in rows
        if r.humidity is not None
        and r.temperature is not None
        and r.humidity >= (rule.humidity_at_least or 100)
        and r.temperature < (rule.temperature_below or 0)
    ]
    if len(damp_cold) * 100 < rule.share_of_hours * rule.hours:
        return None
    mean_rh = sum(r.humidity or 0.0 for r in damp_cold) / len(damp_cold)
    mean_t = sum(r.temperature or 0.0 for r in damp_cold) / len(damp_cold)
    return (
        f"{len(damp_cold)} of the last {rule.hours} hours at {rule.humidity_at_least:g}% relative "
        f"humidity or more and below {rule.temperature_below:g}°C (mean {mean_rh:.0f}%, "
        f"{mean_t:.1f}°C)."
    )


def _no_heat(
    rule: Rule, env: list[HourlyReading], boiler: list[HourlyReading], now: dt.datetime
) -> str | None:
    latest = [r for r in boiler if r.hour >= now - dt.timedelta(hours=2)]
    faults = [r for r in latest if r.faults]
    if faults:
        return f"The boiler reported a fault at {faults[-1].hour:%d %b %H:00}."
    months = {int(m) for m in rule.heating_months.split(",") if m}
    if timezone.localtime(now).month not in months:
        return None
    cold = [
        r
        for r in env
        if r.temperature is not None and r.temperature < (rule.temperature_below or 0)
    ]
    if len(cold) * 100 < rule.share_of_hours * rule.hours:
        return None
    return (
        f"{len(cold)} of the last {rule.hours} hours below {rule.temperature_below:g}°C "
        "in the heating season."
    )


def evaluate(property_ids: set[int], now: dt.datetime | None = None) -> list[Alert]:
    """Run the mould and no-heat rules for these homes; returns the alerts raised or added to."""
    now = now or timezone.now()
    rules = current_rules()
    property_ids = set(property_ids) - sharing_off(set(property_ids))
    longest = max([r.hours for r in rules.values()] + [EVIDENCE_HOURS])
    since = now - dt.timedelta(hours=longest)
    devices = {
        d.pk: d for d in Device.objects.filter(property_id__in=property_ids, removed_on=None)
    }
    by_device: dict[int, list[HourlyReading]] = defaultdict(list)
    for row in HourlyReading.objects.filter(device_id__in=devices, hour__gte=since).order_by(
        "hour"
    ):
        by_device[row.device_id].append(row)
    recent = {
        (a.property_id, a.kind): a.last_fired_at
        for a in Alert.objects.filter(property_id__in=property_ids, closed_at__isnull=True)
    }
    homes: dict[int, list[Device]] = defaultdict(list)
    for device in devices.values():
        homes[device.property_id].append(device)
    raised = []
    for property_id in sorted(property_ids):
        mine = homes[property_id]
        for kind in (RuleKind.MOULD, RuleKind.NO_HEAT):
            rule = rules.get(kind)
            if rule is None or not rule.enabled:
                continue
            last = recent.get((property_id, kind))
            if last is not None and now - last < REFIRE_AFTER:
                continue
            window = now - dt.timedelta(hours=rule.hours)
            found: str | None = None
            fired_on: Device | None = None
            for candidate in mine:
                rows = [r for r in by_device[candidate.pk] if r.hour >= window]
                if kind == RuleKind.MOULD and candidate.kind == DeviceKind.ENVIRONMENT:
                    found = _mould(rule, rows)
                elif kind == RuleKind.NO_HEAT:
                    env = rows if candidate.kind == DeviceKind.ENVIRONMENT else []
                    boiler = rows if candidate.kind == DeviceKind.BOILER else []
                    found = _no_heat(rule, env, boiler, now)
                if found:
                    fired_on = candidate
                    break
            if not found or fired_on is None:
                continue
            # The chart shows the room's temperature and humidity, whichever device fired.
            shown = next((d for d in mine if d.kind == DeviceKind.ENVIRONMENT), fired_on)
            evidence_since = now - dt.timedelta(hours=EVIDENCE_HOURS)
            evidence = {
                "uprn": property_id,
                "device": fired_on.device_id,
                "summary": found,
                "hours": _series([r for r in by_device[shown.pk] if r.hour >= evidence_since]),
            }
            raised.append(
                alert_raise(
                    actor=ACTOR,
                    property_id=property_id,
                    kind=kind,
                    evidence=evidence,
                    room=shown.room,
                    now=now,
                )
            )
    return raised


def check_silent(now: dt.datetime | None = None) -> int:
    """Open a maintenance task for each device silent longer than the rule allows."""
    now = now or timezone.now()
    rule = Rule.objects.filter(kind=RuleKind.SILENT, enabled=True).first()
    if rule is None:
        return 0
    cutoff = now - dt.timedelta(hours=rule.hours)
    silent = Device.objects.filter(removed_on=None, last_seen_at__lt=cutoff).exclude(
        pk__in=MaintenanceTask.objects.filter(done_at=None).values("device_id")
    )
    silent = silent.exclude(
        property_id__in=sharing_off(set(silent.values_list("property_id", flat=True)))
    )
    raised = 0
    for device in silent:
        task_raise(
            actor=ACTOR,
            device=device,
            now=now,
            reason=f"No message since {timezone.localtime(device.last_seen_at):%d %b %Y %H:%M}",
        )
        raised += 1
    return raised
