"""Ingest and rules together: what ``homes_ingest`` runs for each batch, and what the simulator's
demo and the tests call. Also the periodic check (silent sensors, Awaab's Law escalation)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from borough.core.actors import SystemActor

from .ingest import Batch, Ingestor
from .partitions import ensure_partitions
from .rules import check_silent, evaluate
from .services import alerts_escalate


def ingest_and_evaluate(ingestor: Ingestor, raw: list, now: dt.datetime | None = None) -> Batch:
    """Store a batch of MQTT messages, then run the rules for the homes it touched."""
    batch = ingestor.process(raw, now=now)
    if batch.properties:
        evaluate(batch.properties, now=now)
    return batch


def homes_check(now: dt.datetime | None = None) -> dict[str, int]:
    """Every few minutes: maintenance tasks for silent sensors, Awaab's Law escalations."""
    now = now or timezone.now()
    ensure_partitions()
    return {
        "silent": check_silent(now),
        "escalated": alerts_escalate(actor=SystemActor("homes-check"), now=now),
    }
