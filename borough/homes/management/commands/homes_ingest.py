"""Subscribe to the devices' telemetry and store it: ``manage.py homes_ingest``."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from borough.homes.ingest import Ingestor
from borough.homes.mqtt import Subscriber
from borough.homes.pipeline import homes_check, ingest_and_evaluate
from borough.homes.telemetry import FloodGuard


class Command(BaseCommand):
    help = "Subscribe to the sensors' MQTT topics, store readings and run the rules."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.HOMES_MQTT_HOST)
        parser.add_argument("--port", type=int, default=settings.HOMES_MQTT_PORT)
        parser.add_argument(
            "--until-idle",
            type=float,
            default=None,
            help="Stop after this many seconds without a message (tests, demos, benchmarks)",
        )
        parser.add_argument(
            "--flood-limit", type=int, default=30, help="Messages one device may send a minute"
        )
        parser.add_argument(
            "--client-id",
            default="borough-ingest",
            help="MQTT client id: a persistent session, so the broker keeps messages while the "
            "ingest restarts ('' for a clean session)",
        )

    def handle(self, *args, host, port, until_idle, flood_limit, client_id, **options):
        ingestor = Ingestor(FloodGuard(limit=flood_limit))
        stored = refused = 0
        last_check = time.monotonic()
        with Subscriber(host, port, client_id=client_id) as subscriber:
            ready = options.get("ready")
            if ready is not None:
                ready.set()
            for raw in subscriber.batches(idle=until_idle):
                if raw:
                    batch = ingest_and_evaluate(ingestor, raw)
                    stored += batch.stored
                    refused += sum(batch.refused.values())
                if time.monotonic() - last_check > 60:
                    homes_check()
                    last_check = time.monotonic()
        self.stdout.write(f"Stored {stored} readings; refused {refused} messages.")
