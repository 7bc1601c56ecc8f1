"""Borough's own gauges, read from the database and the task queue when Prometheus scrapes.

Each comes from shared state (the database, the queue's storage), so every web process gives
the same answer, however many there are. Each is a few indexed counts.

There are no gauges for phone calls: Borough has no voice app yet (the house plan's
``voice`` room), so there is no call queue to measure.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db.models import Count, Min
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from opentelemetry.metrics import CallbackOptions, Meter, Observation

from borough.assistant.models import Conversation
from borough.core.heartbeat import heartbeat_age, heartbeat_last
from borough.integrations.models import Delivery, Handoff
from borough.notify.models import Message
from borough.payments.models import IN_PROGRESS, Payment

DAY = dt.timedelta(days=1)


def task_queue_depth(options: CallbackOptions):
    yield Observation(HUEY.pending_count(), {"queue": "ready"})
    yield Observation(HUEY.scheduled_count(), {"queue": "scheduled"})


def task_queue_lag(options: CallbackOptions):
    beat = heartbeat_last()
    if beat is not None:
        yield Observation(beat["lag"])


def periodic_tasks_age(options: CallbackOptions):
    yield Observation(heartbeat_age())


def payments_last_day(options: CallbackOptions):
    since = timezone.now() - DAY
    counts = dict(
        Payment.objects.filter(created_at__gte=since)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    for state, n in counts.items():
        yield Observation(n, {"state": state})
    yield Observation(
        sum(n for state, n in counts.items() if state in IN_PROGRESS), {"state": "in_progress"}
    )


def messages_last_day(options: CallbackOptions):
    since = timezone.now() - DAY
    counts = (
        Message.objects.filter(created__gte=since)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    for status, n in counts:
        yield Observation(n, {"status": status})


def outbound_waiting(options: CallbackOptions):
    yield Observation(
        Delivery.objects.filter(status=Delivery.Status.PENDING).count(), {"kind": "webhook"}
    )
    yield Observation(
        Handoff.objects.filter(status=Handoff.Status.PENDING).count(), {"kind": "connector"}
    )


def chats_waiting(options: CallbackOptions):
    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING)
    counts = dict(
        waiting.values_list("priority").annotate(n=Count("id")).values_list("priority", "n")
    )
    for priority in Conversation.Priority:
        yield Observation(counts.get(priority.value, 0), {"priority": priority.name.lower()})


def chats_longest_wait(options: CallbackOptions):
    oldest = Conversation.objects.filter(status=Conversation.Status.WAITING).aggregate(
        oldest=Min("waiting_since")
    )["oldest"]
    yield Observation(0.0 if oldest is None else time.time() - oldest.timestamp())


GAUGES = (
    ("borough.task_queue.depth", task_queue_depth, "{task}", "Tasks waiting in the queue"),
    (
        "borough.task_queue.lag",
        task_queue_lag,
        "s",
        "How late the last heartbeat task ran after it was due: how far behind the queue is",
    ),
    (
        "borough.periodic_tasks.heartbeat_age",
        periodic_tasks_age,
        "s",
        "Seconds since the periodic task runner's last heartbeat (/readyz fails past a limit)",
    ),
    (
        "borough.payments.last_day",
        payments_last_day,
        "{payment}",
        "Payments started in the last 24 hours, by GOV.UK Pay state (and in_progress)",
    ),
    (
        "borough.messages.last_day",
        messages_last_day,
        "{message}",
        "Messages in the outbox from the last 24 hours, by status",
    ),
    (
        "borough.outbound.waiting",
        outbound_waiting,
        "{delivery}",
        "Webhook deliveries and connector hand-offs waiting to be sent",
    ),
    (
        "borough.chats.waiting",
        chats_waiting,
        "{chat}",
        "Chats waiting for an agent, by priority",
    ),
    (
        "borough.chats.longest_wait",
        chats_longest_wait,
        "s",
        "How long the longest-waiting chat has waited for an agent",
    ),
)


def gauges_register(meter: Meter) -> None:
    for name, callback, unit, description in GAUGES:
        meter.create_observable_gauge(
            name, callbacks=[callback], unit=unit, description=description
        )
