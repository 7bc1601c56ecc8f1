"""Reads for the homes pages, the rules and the ingest: roll-ups, homes at risk, devices that
need attention, a home's sharing choice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from borough.people.models import Need, Resident, ResidentNeed

from .models import Alert, Device, HourlyReading, IngestCount, MaintenanceTask, Rule, Sharing

#: Recorded needs (each held with its consent, ``people.ResidentNeed``) that make damp, mould and
#: cold more dangerous, so raise a sensor case's priority.
NEEDS_THAT_RAISE_PRIORITY = {Need.HEALTH, Need.MOBILITY}
#: Below this a device's battery needs changing.
LOW_BATTERY = 15


def sharing_off(property_ids: set[int]) -> set[int]:
    """The properties among these whose latest recorded choice is not to share readings."""
    if not property_ids:
        return set()
    latest: dict[int, bool] = {}
    for property_id, sharing in (
        Sharing.objects.filter(property_id__in=property_ids)
        .order_by("recorded_at", "pk")
        .values_list("property_id", "sharing")
    ):
        latest[property_id] = sharing
    return {property_id for property_id, sharing in latest.items() if not sharing}


def sharing_of(property_id: int) -> Sharing | None:
    return Sharing.objects.filter(property_id=property_id).order_by("-recorded_at", "-pk").first()


def rules() -> dict[str, Rule]:
    return {rule.kind: rule for rule in Rule.objects.all()}


def hours_of(device_ids, since: dt.datetime) -> list[HourlyReading]:
    return list(
        HourlyReading.objects.filter(device_id__in=device_ids, hour__gte=since).order_by(
            "hour", "device_id"
        )
    )


def devices_at(property_id: int) -> list[Device]:
    return list(Device.objects.filter(property_id=property_id, removed_on__isnull=True))


def household_at(property_id: int) -> list[Resident]:
    """The people living at the property now (their current household), first joined first."""
    return list(
        Resident.objects.filter(
            household__property_id=property_id, household__moved_out__isnull=True
        ).order_by("pk")
    )


def vulnerable_at(property_id: int) -> bool:
    """Does anyone living there have a need recorded (with consent, not withdrawn) that makes
    damp or cold more dangerous?"""
    return ResidentNeed.objects.filter(
        resident__household__property_id=property_id,
        resident__household__moved_out__isnull=True,
        need__in=NEEDS_THAT_RAISE_PRIORITY,
        withdrawn_at__isnull=True,
    ).exists()


def open_alert(property_id: int, kind: str) -> Alert | None:
    return (
        Alert.objects.filter(property_id=property_id, kind=kind, closed_at__isnull=True)
        .select_related("case")
        .first()
    )


def homes_at_risk() -> list[Alert]:
    """Every open alert, soonest Awaab's Law deadline first, with its home and case."""
    return list(
        Alert.objects.filter(closed_at__isnull=True)
        .select_related("property__usrn", "case")
        .order_by(F("investigate_by").asc(nulls_last=True), "-last_fired_at")
    )


@dataclass(frozen=True)
class DeviceAttention:
    device: Device
    reasons: list[str]
    task: MaintenanceTask | None = None


def devices_needing_attention(now: dt.datetime | None = None) -> list[DeviceAttention]:
    """Devices silent past the rule's hours, with a low battery, or with an open task."""
    now = now or timezone.now()
    silent = Rule.objects.filter(kind="silent").first()
    silent_since = now - dt.timedelta(hours=silent.hours if silent else 24)
    tasks = {t.device_id: t for t in MaintenanceTask.objects.filter(done_at__isnull=True)}
    devices = (
        Device.objects.filter(removed_on__isnull=True)
        .filter(
            Q(last_seen_at__lt=silent_since)
            | Q(last_seen_at__isnull=True)
            | Q(battery_percent__lt=LOW_BATTERY)
            | Q(pk__in=list(tasks))
        )
        .select_related("property__usrn")[:500]
    )
    rows = []
    for device in devices:
        reasons = []
        if device.last_seen_at is None or device.last_seen_at < silent_since:
            reasons.append("Silent" if device.last_seen_at else "Never heard from")
        if device.battery_percent is not None and device.battery_percent < LOW_BATTERY:
            reasons.append(f"Battery {device.battery_percent}%")
        if device.pk in tasks:
            reasons.append(f"Maintenance task since {tasks[device.pk].raised_at:%d %b %Y %H:%M}")
        rows.append(DeviceAttention(device, reasons, tasks.get(device.pk)))
    return rows


def ingest_counts() -> dict[str, int]:
    return dict(IngestCount.objects.values_list("reason", "count"))


#: The catalogue services a sensor rule raises its cases under (``services.SERVICE_FOR``).
SENSOR_SERVICES = {"report-damp-and-mould", "report-housing-repair"}


def alert_for_case(case) -> Alert | None:
    """The sensor alert that opened ``case``, if one did (no query for other cases)."""
    if case.channel != "api" or case.service.slug not in SENSOR_SERVICES:
        return None
    return Alert.objects.filter(case=case).order_by("-opened_at").first()
