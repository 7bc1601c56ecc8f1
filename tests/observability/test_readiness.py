"""/readyz fails when the periodic task runner's heartbeat is older than allowed (issue 24)."""

from __future__ import annotations

import time

import pytest

from borough.core import heartbeat, tasks, views

pytestmark = pytest.mark.django_db


@pytest.fixture
def consumer_mode(monkeypatch):
    """As in production: tasks run by a consumer, not inline as in the tests."""
    monkeypatch.setattr(views, "_tasks_run_inline", lambda: False)


def test_ready_while_the_heartbeat_is_fresh(client, consumer_mode):
    tasks.heartbeat.call_local()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["periodic_tasks"] == "ok"


def test_not_ready_when_periodic_tasks_stopped(client, consumer_mode, settings):
    settings.BOROUGH_HEARTBEAT_MAX_AGE_SECONDS = 300
    heartbeat.heartbeat_beat(time.time() - 301)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "task_queue": "ok", "periodic_tasks": "stale"},
    }


def test_a_new_process_without_a_heartbeat_gets_the_same_grace(
    client, consumer_mode, monkeypatch, settings
):
    settings.BOROUGH_HEARTBEAT_MAX_AGE_SECONDS = 300
    monkeypatch.setattr(heartbeat, "heartbeat_last", lambda: None)
    monkeypatch.setattr(heartbeat, "_STARTED", time.time() - 10)
    assert client.get("/readyz").status_code == 200
    monkeypatch.setattr(heartbeat, "_STARTED", time.time() - 400)
    assert client.get("/readyz").json()["checks"]["periodic_tasks"] == "stale"
