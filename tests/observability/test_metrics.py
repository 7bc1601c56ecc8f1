"""/metrics (issue 24): Prometheus's text with requests, queries and Borough's own gauges,
served only to allowed networks or with the bearer token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from borough.assistant.models import Conversation
from borough.core.heartbeat import heartbeat_beat

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"


def _value(text: str, metric: str, **labels) -> float:
    """The value of ``metric`` with (at least) ``labels`` in Prometheus's text format."""
    for line in text.splitlines():
        if not line.startswith(metric + "{") and not line.startswith(metric + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{metric} {labels} not in the metrics")


def test_metrics_are_refused_outside_the_allowed_networks(client, settings):
    settings.BOROUGH_METRICS_TOKEN = "a-long-random-token"
    refused = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert refused.status_code == 403
    assert b"BOROUGH_METRICS_TOKEN" in refused.content
    wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer guessed")
    assert wrong.status_code == 403
    allowed = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer a-long-random-token"
    )
    assert allowed.status_code == 200
    assert allowed["Content-Type"].startswith("text/plain; version=")


def test_no_token_set_means_no_token_is_accepted(client, settings):
    settings.BOROUGH_METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


def test_requests_queries_and_queue_are_measured(client, catalogue):
    assert client.get("/services/").status_code in {200, 404}
    text = client.get("/metrics").content.decode()
    # Requests by URL pattern (never the path) and status; queries by operation.
    assert re.search(r'http_server_request_duration_seconds_count\{[^}]*http_route="', text)
    assert "/services/" not in re.findall(r'http_route="([^"]*)"', text)
    assert _value(text, "borough_db_query_duration_seconds_count", db_operation="SELECT") > 0
    assert _value(text, "borough_task_queue_depth", queue="ready") >= 0


def test_chats_waiting_and_the_heartbeat_are_gauges(client):
    now = timezone.now()
    for priority, minutes in ((Conversation.Priority.SAFEGUARDING, 7), (0, 2), (0, 1)):
        Conversation.objects.create(
            status=Conversation.Status.WAITING,
            priority=priority,
            started_at=now,
            updated_at=now,
            waiting_since=now - dt.timedelta(minutes=minutes),
        )
    Conversation.objects.create(status=Conversation.Status.LIVE, started_at=now, updated_at=now)
    heartbeat_beat(now.timestamp() - 90)
    text = client.get("/metrics").content.decode()
    assert _value(text, "borough_chats_waiting", priority="safeguarding") == 1
    assert _value(text, "borough_chats_waiting", priority="normal") == 2
    assert 7 * 60 <= _value(text, "borough_chats_longest_wait_seconds") < 8 * 60
    assert 90 <= _value(text, "borough_periodic_tasks_heartbeat_age_seconds") < 120
    assert _value(text, "borough_task_queue_lag_seconds") < 60
