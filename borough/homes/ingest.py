"""The ingest: MQTT messages checked, stored in batches, rolled up by the hour, counted.

``Ingestor.process`` takes a batch of raw messages (topic, payload, arrival time) and never
raises for a bad one: each is stored or counted under the reason it was refused
(``IngestCount``), so one broken or hostile device cannot stop the rest. The MQTT side
(``mqtt.py``) only hands it batches.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from .models import Device, HourlyReading, IngestCount, Reading
from .selectors import sharing_off
from .telemetry import FloodGuard, Message, Refused, parse

log = logging.getLogger(__name__)


@dataclass
class Batch:
    """What one batch did: readings stored, refusals by reason, and the homes it touched."""

    stored: int = 0
    refused: Counter = field(default_factory=Counter)
    properties: set[int] = field(default_factory=set)
    devices: set[int] = field(default_factory=set)


class Ingestor:
    def __init__(self, flood: FloodGuard | None = None):
        self.flood = flood or FloodGuard()

    def process(self, raw: list[tuple[str, bytes, float]], now: dt.datetime | None = None) -> Batch:
        now = now or timezone.now()
        batch = Batch()
        messages: list[Message] = []
        for topic, payload, arrived in raw:
            try:
                parsed = parse(topic, payload, now)
            except Refused as refused:
                batch.refused[refused.reason] += 1
                continue
            if not self.flood.allow(parsed[0].device_id, arrived):
                batch.refused["flood"] += 1
                continue
            messages.extend(parsed)
        if messages:
            self._store(messages, batch)
        _count(batch)
        return batch

    def _store(self, messages: list[Message], batch: Batch) -> None:
        devices = {
            d.device_id: d
            for d in Device.objects.filter(
                device_id__in={m.device_id for m in messages}, removed_on__isnull=True
            )
        }
        off = sharing_off({d.property_id for d in devices.values()})
        rows: list[Reading] = []
        latest: dict[int, Message] = {}
        for message in messages:
            device = devices.get(message.device_id)
            if device is None:
                batch.refused["unknown_device"] += 1
                continue
            if device.property_id in off:
                batch.refused["sharing_off"] += 1
                continue
            rows.append(
                Reading(
                    device=device,
                    at=message.at,
                    temperature=message.temperature,
                    humidity=message.humidity,
                    co2=message.co2,
                    boiler=message.boiler,
                    fault_code=message.fault_code,
                )
            )
            if device.pk not in latest or message.at > latest[device.pk].at:
                latest[device.pk] = message
            batch.properties.add(device.property_id)
            batch.devices.add(device.pk)
        if not rows:
            return
        changed = []
        by_pk = {d.pk: d for d in devices.values()}
        for device_pk, message in latest.items():
            device = by_pk[device_pk]
            if device.last_seen_at is None or device.last_seen_at < message.at:
                device.last_seen_at = message.at
                if message.battery is not None:
                    device.battery_percent = message.battery
                changed.append(device)
        with transaction.atomic():
            Reading.objects.bulk_create(rows, batch_size=2000)
            _mark_seen(changed)
            roll_up({(r.device_id, _hour(r.at)) for r in rows})
        batch.stored = len(rows)


def _mark_seen(devices: list[Device]) -> None:
    """One UPDATE ... FROM a VALUES list per thousand devices (PostgreSQL, and SQLite from 3.33):
    Django's bulk_update builds a CASE per row, too slow at a borough's rate. The ingest is the
    only writer of these two columns."""
    table = Device._meta.db_table
    for start in range(0, len(devices), 1000):
        chunk = devices[start : start + 1000]
        row = (
            "(%s::bigint, %s::timestamptz, %s::integer)"
            if connection.vendor == "postgresql"
            else "(%s, %s, %s)"
        )
        values = ", ".join([row] * len(chunk))
        params: list = []
        for device in chunk:
            params += [device.pk, device.last_seen_at, device.battery_percent]
        with connection.cursor() as cursor:
            cursor.execute(
                # Only placeholders are joined in: the table name is the model's, fixed.
                f"WITH v(id, seen, battery) AS (VALUES {values}) "  # noqa: S608
                f"UPDATE {table} SET last_seen_at = v.seen, battery_percent = v.battery "
                f"FROM v WHERE {table}.id = v.id",
                params,
            )


def _hour(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def roll_up(hours: set[tuple[int, dt.datetime]]) -> None:
    """Recompute the hourly roll-ups of these (device, hour) pairs from the raw readings."""
    if not hours:
        return
    devices = {device for device, _ in hours}
    start = min(hour for _, hour in hours)
    end = max(hour for _, hour in hours) + dt.timedelta(hours=1)
    totals = (
        Reading.objects.filter(device_id__in=devices, at__gte=start, at__lt=end)
        .annotate(hour=TruncHour("at", tzinfo=dt.UTC))
        .values("device_id", "hour")
        .annotate(
            n=Count("id"),
            t=Avg("temperature"),
            h=Avg("humidity"),
            c=Avg("co2"),
            f=Count("id", filter=Q(boiler="fault")),
        )
    )
    rows = [
        HourlyReading(
            device_id=row["device_id"],
            hour=row["hour"],
            count=row["n"],
            temperature=row["t"],
            humidity=row["h"],
            co2=row["c"],
            faults=row["f"],
        )
        for row in totals
        if (row["device_id"], _hour(row["hour"])) in hours
    ]
    HourlyReading.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["device", "hour"],
        update_fields=["count", "temperature", "humidity", "co2", "faults"],
    )


def _count(batch: Batch) -> None:
    counts = dict(batch.refused)
    if batch.stored:
        counts["stored"] = batch.stored
    for reason, number in counts.items():
        updated = IngestCount.objects.filter(reason=reason).update(
            count=F("count") + number, updated_at=timezone.now()
        )
        if not updated:
            IngestCount.objects.get_or_create(reason=reason, defaults={"count": 0})
            IngestCount.objects.filter(reason=reason).update(count=F("count") + number)
    if batch.refused:
        log.warning("homes ingest refused %s", dict(batch.refused))
