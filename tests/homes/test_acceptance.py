"""Issue 27's acceptance, with the real MQTT broker (Mosquitto at 127.0.0.1:1883): the
simulator's damp home becomes a case with the right priority and Awaab's Law deadline, a silent
sensor raises a maintenance task, a duplicate alarm adds to the open case, and bad payloads are
counted and refused while the good ones are stored."""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
from django.utils import timezone

from borough.cases.models import CaseEvent, Priority
from borough.core.actors import ResidentActor
from borough.core.working_days import add_working_days
from borough.homes import simulator, telemetry
from borough.homes.ingest import Ingestor
from borough.homes.management.commands.homes_simulate import register
from borough.homes.models import Alert, MaintenanceTask, Reading, RuleKind
from borough.homes.mqtt import Publisher, Subscriber
from borough.homes.pipeline import homes_check, ingest_and_evaluate
from borough.homes.selectors import ingest_counts
from borough.homes.services import sharing_set
from borough.homes.telemetry import FloodGuard, topic_for

pytestmark = pytest.mark.django_db


def _through_broker(messages: list[tuple[str, bytes]], ingestor: Ingestor, now=None):
    """Publish over MQTT, receive as the ingest does, process until the broker goes quiet."""
    with Subscriber() as subscriber:
        with Publisher() as publisher:
            for topic, payload in messages:
                publisher.publish(topic, payload)
        batches = []
        deadline = time.monotonic() + 10
        received = 0
        for raw in subscriber.batches(wait=0.05, idle=0.3):
            received += len(raw)
            if raw:
                batches.append(ingest_and_evaluate(ingestor, raw, now=now))
            if received >= len(messages) or time.monotonic() > deadline:
                break
    return batches


@pytest.fixture
def played(homes):
    """The simulator's four homes (the vulnerable one damp, one with a failing boiler, one
    whose sensor drops out, one fine), 80 hours of history through the broker."""
    sim = simulator.homes(homes["uprns"], damp=1, boilers=1, silent=1)
    register(sim)
    now = timezone.now()
    messages = list(simulator.history(sim, now=now, hours=80))
    ingestor = Ingestor(FloodGuard(limit=1000))
    batches = _through_broker(messages, ingestor)
    return {**homes, "sim": sim, "now": now, "ingestor": ingestor, "batches": batches}


def test_a_damp_home_becomes_one_case_with_awaabs_deadline_and_a_repeat_adds_to_it(
    played,
):
    damp_uprn = played["uprns"][0]
    alert = Alert.objects.get(property_id=damp_uprn, kind=RuleKind.MOULD)
    case = alert.case
    assert case.service.slug == "report-damp-and-mould"
    # What went over MQTT named devices only: no UPRN in any topic or payload.
    messages = list(simulator.history(played["sim"], now=played["now"], hours=2))
    topic = re.compile(rf"^{telemetry.TOPIC_PREFIX}(env|blr)-[0-9a-f]{{10}}/telemetry$")
    assert all(topic.match(t) for t, _ in messages)
    uprns = [str(u) for u in played["uprns"]]
    assert not any(u in t or u.encode() in p for t, p in messages for u in uprns)
    # The household has a health condition recorded with consent: high, not normal.
    assert case.priority == Priority.HIGH
    assert case.resident == played["tenants"][0]
    assert alert.hazard == "significant"
    due = add_working_days(timezone.localdate(alert.opened_at), 10)
    assert timezone.localdate(alert.investigate_by) == due
    texts = [e.text for e in case.events.all()]
    assert any("Awaab's Law (significant hazard): investigate by" in t for t in texts)
    assert any(
        "relative humidity" in t and f"/hub/homes/properties/{damp_uprn}/" in t for t in texts
    )
    # The tenant is told, publicly, and can answer on MyAccount.
    told = case.events.get(kind=CaseEvent.Kind.PUBLIC_UPDATE)
    assert "already reported" in told.text
    # Evidence: the last days' hourly readings for the chart.
    assert len(alert.evidence["hours"]) >= 70
    # The fine homes raised nothing; the failing boiler raised a repair, high (no needs),
    # though its tenant has no phone on record.
    assert not Alert.objects.filter(property_id=played["uprns"][3]).exists()
    boiler = Alert.objects.get(property_id=played["uprns"][1], kind=RuleKind.NO_HEAT)
    assert boiler.case.service.slug == "report-housing-repair"
    assert boiler.case.priority == Priority.HIGH

    # Thirteen hours later the home is still damp: the alarm adds to the open case.
    damp_uprn = played["uprns"][0]
    first = Alert.objects.get(property_id=damp_uprn, kind=RuleKind.MOULD)
    notes = first.case.events.count()
    later = played["now"] + dt.timedelta(hours=13)
    sim = [h for h in played["sim"] if h.uprn == damp_uprn]
    _through_broker(
        list(simulator.history(sim, now=later, hours=14)), played["ingestor"], now=later
    )
    alerts = Alert.objects.filter(property_id=damp_uprn, kind=RuleKind.MOULD)
    assert alerts.count() == 1
    again = alerts.get()
    assert again.case_id == first.case_id and again.times_fired == 2
    assert first.case.events.count() == notes + 1
    assert "Fired again (2 times in all)" in first.case.events.last().text


def test_a_silent_sensor_raises_a_maintenance_task_not_a_case(played):
    silent = next(h for h in played["sim"] if h.scenario == simulator.DROPS_OUT)
    done = homes_check(now=played["now"])
    tasks = MaintenanceTask.objects.filter(device__property_id=silent.uprn, done_at=None)
    assert done["silent"] == 2 and tasks.count() == 2  # its sensor and its boiler monitor
    assert "No message since" in tasks.first().reason
    assert not Alert.objects.filter(property_id=silent.uprn).exists()
    # Checked again: no second task for the same device.
    assert homes_check(now=played["now"])["silent"] == 0


def test_a_damp_case_still_received_after_awaabs_deadline_is_escalated_once(played):
    alert = Alert.objects.get(property_id=played["uprns"][0], kind=RuleKind.MOULD)
    assert homes_check(now=alert.investigate_by - dt.timedelta(minutes=1))["escalated"] == 0
    assert homes_check(now=alert.investigate_by + dt.timedelta(minutes=1))["escalated"] == 1
    alert.case.refresh_from_db()
    assert alert.case.priority == Priority.URGENT
    assert "Escalated: Awaab's Law investigation deadline" in alert.case.events.last().text
    assert homes_check(now=alert.investigate_by + dt.timedelta(days=1))["escalated"] == 0


def test_bad_payloads_and_homes_not_sharing_are_counted_and_refused_without_stopping_ingest(
    played,
):
    device = played["sim"][3].env_device
    before = Reading.objects.count()
    good = json.dumps({"at": timezone.now().isoformat(), "temperature": 19.0, "humidity": 50})
    messages = [
        (topic_for(device), b"{not json"),
        (topic_for("env-unknown"), good.encode()),
        (
            topic_for(device),
            json.dumps({"at": timezone.now().isoformat(), "humidity": 140}).encode(),
        ),
        (
            topic_for(device),
            json.dumps({"at": timezone.now().isoformat(), "temperature": -80}).encode(),
        ),
        (topic_for(device), good.encode()),
    ]
    flooder = played["sim"][2].env_device
    messages += [(topic_for(flooder), good.encode())] * 8
    ingestor = Ingestor(FloodGuard(limit=5, window=60))
    _through_broker(messages, ingestor)
    counts = ingest_counts()
    assert counts["malformed_json"] == 1
    assert counts["unknown_device"] == 1
    assert counts["out_of_range"] == 2
    assert counts["flood"] == 3
    # The good message from the same device, and the flooder's first five, were stored.
    assert Reading.objects.count() == before + 6

    # A home whose tenant switched sharing off: its readings are refused, not stored.
    tenant = played["tenants"][3]
    sharing_set(actor=ResidentActor(resident=tenant), property_id=played["uprns"][3], sharing=False)
    device = played["sim"][3].env_device
    before = Reading.objects.filter(device__device_id=device).count()
    good = json.dumps({"at": timezone.now().isoformat(), "temperature": 19.0})
    _through_broker([(topic_for(device), good.encode())], Ingestor())
    assert Reading.objects.filter(device__device_id=device).count() == before
    assert ingest_counts()["sharing_off"] == 1
