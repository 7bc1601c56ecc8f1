"""``manage.py check --deploy`` refuses a production configuration that is not safe to run.

Only in production (``BOROUGH_MODE=production``) and only with ``--deploy``: each requirement
is an Error (so the command fails), and its message says what to set. To add a requirement,
write a function taking the settings and returning a list of ``Error``, and add it to
``PRODUCTION_REQUIREMENTS`` (ids ``borough.E1xx``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings as django_settings
from django.core.checks import Error, Tags, register

from .ratelimit import ATOMIC_BACKENDS

# Huey classes whose queue every consumer shares (borough.core.queue: periodic tasks once).
SHARED_QUEUES = {"huey.RedisHuey", "borough.core.queue.SharedRedisHuey"}


def shared_cache(settings) -> list[Error]:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in ATOMIC_BACKENDS:
        return []
    return [
        Error(
            f"The cache ({backend}) is not shared by every web server: rate limits and sign-in "
            "limits would be counted per server.",
            hint="Set CACHE_URL to Redis, e.g. CACHE_URL=redis://127.0.0.1:6379/1",
            id="borough.E101",
        )
    ]


def real_task_queue(settings) -> list[Error]:
    huey = settings.HUEY
    problems = []
    if huey.get("immediate"):
        problems.append(
            Error(
                "Background tasks run inside web requests (HUEY_IMMEDIATE is on).",
                hint="Unset HUEY_IMMEDIATE and run the consumer: manage.py run_huey",
                id="borough.E102",
            )
        )
    if huey.get("huey_class") not in SHARED_QUEUES:
        problems.append(
            Error(
                f"The task queue is {huey.get('huey_class')}, a file on one machine.",
                hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so Huey queues in Redis",
                id="borough.E103",
            )
        )
    return problems


def trusted_proxies_set(settings) -> list[Error]:
    if settings.BOROUGH_TRUSTED_PROXIES is not None:
        return []
    return [
        Error(
            "BOROUGH_TRUSTED_PROXIES is not set: Borough cannot tell residents' addresses from "
            "the reverse proxy's, so one person could use up everyone's rate limits.",
            hint="Set BOROUGH_TRUSTED_PROXIES to the number of reverse proxies in front of "
            "Borough (1 behind one nginx or load balancer; 0 if clients connect directly)",
            id="borough.E104",
        )
    ]


PRODUCTION_REQUIREMENTS: list[Callable[..., list[Error]]] = [
    shared_cache,
    real_task_queue,
    trusted_proxies_set,
    # The encryption and API-key hash keys are checked in core/checks_secrets.py (E280, E281).
]


@register(Tags.security, deploy=True)
def production_requirements(app_configs=None, **kwargs) -> list[Error]:
    if not django_settings.PRODUCTION:
        return []
    return [error for check in PRODUCTION_REQUIREMENTS for error in check(django_settings)]
