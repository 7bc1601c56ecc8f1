"""Play a borough's worth of sensors: ``manage.py homes_simulate --homes 200``.

Registers an environment sensor and a boiler monitor in each of the first ``--homes`` homes with
a household, then publishes their last ``--hours`` of readings over MQTT (run ``homes_ingest``
beside it). ``--direct`` hands the same messages to the ingest in this process instead, without a
broker (``make run``'s demo)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from borough.core.actors import SystemActor
from borough.homes import simulator
from borough.homes.ingest import Ingestor
from borough.homes.models import Device, DeviceKind
from borough.homes.mqtt import Publisher
from borough.homes.pipeline import homes_check, ingest_and_evaluate
from borough.homes.services import device_register
from borough.homes.telemetry import FloodGuard
from borough.people.models import Household

ACTOR = SystemActor("homes-simulator")


def register(sim_homes: list[simulator.SimHome]) -> None:
    today = timezone.localdate()
    for home in sim_homes:
        device_register(
            actor=ACTOR,
            device_id=home.env_device,
            kind=DeviceKind.ENVIRONMENT,
            property_id=home.uprn,
            room=home.room,
            installed_on=today,
        )
        device_register(
            actor=ACTOR,
            device_id=home.boiler_device,
            kind=DeviceKind.BOILER,
            property_id=home.uprn,
            room="kitchen",
            installed_on=today,
        )


class Command(BaseCommand):
    help = "Simulate sensors in council homes: damp homes, failing boilers, silent sensors."

    def add_arguments(self, parser):
        parser.add_argument("--homes", type=int, default=20)
        parser.add_argument("--damp", type=int, default=2)
        parser.add_argument("--boilers", type=int, default=1)
        parser.add_argument("--silent", type=int, default=1)
        parser.add_argument("--hours", type=int, default=96, help="Hours of history to send")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument(
            "--direct", action="store_true", help="Ingest in this process, without the MQTT broker"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when devices are registered already"
        )

    def handle(
        self, *args, homes, damp, boilers, silent, hours, host, port, direct, if_empty, **options
    ):
        if if_empty and Device.objects.exists():
            self.stdout.write("Devices are registered already: nothing simulated.")
            return
        uprns = list(
            Household.objects.filter(moved_out__isnull=True)
            .order_by("property_id")
            .values_list("property_id", flat=True)
            .distinct()[:homes]
        )
        sim_homes = simulator.homes(uprns, damp=damp, boilers=boilers, silent=silent)
        register(sim_homes)
        now = timezone.now()
        messages = list(simulator.history(sim_homes, now=now, hours=hours))
        started = time.monotonic()
        if direct:
            ingestor = Ingestor(FloodGuard(limit=10**6))
            for start in range(0, len(messages), 500):
                chunk = [(t, p, time.monotonic()) for t, p in messages[start : start + 500]]
                ingest_and_evaluate(ingestor, chunk)
            homes_check()
        else:
            with Publisher(host, port) as publisher:
                for topic, payload in messages:
                    publisher.publish(topic, payload)
        self.stdout.write(
            f"{len(sim_homes)} homes, {len(messages)} messages "
            f"{'ingested' if direct else 'published'} in {time.monotonic() - started:.1f}s."
        )
