"""Where readings are kept and for how long: monthly partitions on PostgreSQL, and the retention
schedule removes readings (and their hourly roll-ups) past its period."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from borough.core.actors import SystemActor
from borough.governance.models import RecordKind, RetentionRule
from borough.governance.retention import retention_apply
from borough.homes.ingest import Ingestor
from borough.homes.models import HourlyReading, Reading
from borough.homes.services import device_register
from borough.homes.telemetry import topic_for

pytestmark = pytest.mark.django_db


def test_readings_go_to_their_month_and_retention_removes_old_ones(homes):
    device_register(
        actor=SystemActor("tests"),
        device_id="env-store",
        kind="environment",
        property_id=homes["uprns"][0],
        room="bedroom",
        installed_on=dt.date(2025, 1, 1),
    )
    now = timezone.now()
    old = now - dt.timedelta(days=500)
    raw = [
        (topic_for("env-store"), json.dumps({"at": at.isoformat(), "humidity": 55}).encode(), 0.0)
        for at in (old, now - dt.timedelta(hours=1))
    ]
    assert Ingestor().process(raw, now=now).stored == 2
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT tableoid::regclass::text FROM homes_reading ORDER BY at")
            tables = [row[0] for row in cursor.fetchall()]
        # Older than every monthly table: the default partition; this hour: this month's.
        assert tables == ["homes_reading_default", f"homes_reading_{now:%Y_%m}"]
    rule = RetentionRule.objects.get(kind=RecordKind.SENSOR_READINGS)
    assert rule.keep_days == 400
    run = retention_apply(actor=SystemActor("retention"), now=now)
    assert run.counts[RecordKind.SENSOR_READINGS] == 1
    assert list(Reading.objects.values_list("humidity", flat=True)) == [55]
    assert HourlyReading.objects.count() == 1
