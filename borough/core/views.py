"""Health checks and the error pages every part of Borough shares."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

from .heartbeat import heartbeat_age
from .models import SecurityEvent
from .security_events import security_event_mark

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_task_queue() -> None:
    HUEY.storage.queue_size()


class Stale(Exception):
    """The periodic tasks have not run for longer than allowed."""


def _tasks_run_inline() -> bool:
    return bool(HUEY.immediate)


def _check_periodic_tasks() -> None:
    # With tasks run inline (the tests) no consumer runs periodic tasks at all.
    if _tasks_run_inline():
        return
    age = heartbeat_age()
    if age > settings.BOROUGH_HEARTBEAT_MAX_AGE_SECONDS:
        raise Stale(f"the last heartbeat was {age:.0f} s ago")


# What each check is called, and what it says when it fails; ``_check_<name>`` does it.
CHECKS = (("database", "unavailable"), ("task_queue", "unavailable"), ("periodic_tasks", "stale"))


@never_cache
@require_GET
def readyz(request):
    """The database and the task queue are reachable, and the periodic tasks ran within
    ``BOROUGH_HEARTBEAT_MAX_AGE_SECONDS``: the process can do useful work."""
    checks = {}
    healthy = True
    for name, failed in CHECKS:
        try:
            globals()[f"_check_{name}"]()
            checks[name] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            log.warning(
                "readiness check failed",
                extra={"check": name, "error": type(error).__name__, "detail": str(error)[:200]},
            )
            checks[name] = failed
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def csrf_failure(request, reason=""):
    security_event_mark(request, SecurityEvent.Kind.CSRF_FAILURE)
    return render(request, "errors/csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)
