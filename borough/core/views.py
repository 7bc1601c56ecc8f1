"""Health checks and the error pages every part of Borough shares."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

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


@never_cache
@require_GET
def readyz(request):
    """The database and the task queue are reachable: the process can do useful work."""
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("task_queue", _check_task_queue)):
        try:
            check()
            checks[name] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            log.warning(
                "readiness check failed", extra={"check": name, "error": type(error).__name__}
            )
            checks[name] = "unavailable"
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
