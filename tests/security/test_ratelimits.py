"""Issue 16: rate limits hold across web processes and behind the reverse proxy, and
production refuses to start without what makes that true (``check --deploy``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from axes.models import AccessAttempt
from django.test import Client

from borough.assistant.models import Conversation
from tests.factories import PASSWORD, ResidentUserFactory

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/account/login/"
CHAT = "/chat/api/conversations/"
PROXY = "10.0.0.2"  # the reverse proxy: every request arrives from it

# One web worker process: counts 40 chat starts by one resident behind the proxy, starting at
# the same moment as the other worker, and prints how many were let through.
WORKER = """
import sys, time
import django
django.setup()
from django.test import RequestFactory
from borough.core.ratelimit import rate_limit_hit
request = RequestFactory().post(
    "/chat/api/conversations/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1"
)
start = float(sys.argv[1])
while time.time() < start:
    time.sleep(0.001)
print(sum(1 for _ in range(40) if rate_limit_hit(request, "chat-start") == 0))
"""


def _two_workers(tmp_path, **env_extra) -> list[int]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "two-process-test-secret-key-0123456789-abcdefghijklmnop",
        "BOROUGH_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "BOROUGH_TRUSTED_PROXIES": "1",
        "BOROUGH_RATE_CHAT_START": "30/h",
        **env_extra,
    }
    if "CACHE_URL" not in env_extra:
        env.pop("CACHE_URL", None)  # the embedded default
    start = time.time() + 4  # both processes have set Django up by then
    if start % 3600 > 3600 - 60:  # the hourly window would turn over while they count
        start += 3600 - start % 3600 + 1
    workers = [
        subprocess.Popen(  # noqa: S603 - our own worker script, no outside input
            [sys.executable, "-c", WORKER, str(start)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    counts = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        counts.append(int(out.strip()))
    return counts


def test_the_embedded_store_holds_the_limit_across_two_processes(tmp_path):
    """The embedded default (no CACHE_URL): 80 chat starts by one resident from two worker
    processes, limit 30: exactly 30 get through, not 30 per process."""
    counts = _two_workers(tmp_path)
    assert sum(counts) == 30, counts


def test_redis_holds_the_limit_across_two_processes(tmp_path):
    prefix = f"test-{uuid.uuid4().hex}"
    try:
        counts = _two_workers(
            tmp_path, CACHE_URL="redis://127.0.0.1:6379/15", BOROUGH_CACHE_PREFIX=prefix
        )
        assert sum(counts) == 30, counts
    finally:
        store = redis.Redis.from_url("redis://127.0.0.1:6379/15")
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)


# --- One trusted-proxy setting for Borough's limits, allauth's and django-axes's -------------


@pytest.fixture
def behind_proxy(settings):
    settings.BOROUGH_TRUSTED_PROXIES = 1


def _chat_start(client: Client, forwarded: str, remote: str = PROXY):
    return client.post(
        CHAT,
        "{}",
        content_type="application/json",
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_borough_limits_count_residents_behind_the_proxy_apart(client, settings, behind_proxy):
    settings.BOROUGH_RATE_LIMITS = {**settings.BOROUGH_RATE_LIMITS, "chat-start": "2/h"}
    for _ in range(2):
        assert _chat_start(client, "198.51.100.1").status_code in (200, 201)
    refused = _chat_start(client, "198.51.100.1")
    assert refused.status_code == 429
    assert Conversation.objects.count() == 2
    # Another resident behind the same proxy still can.
    assert _chat_start(client, "198.51.100.2").status_code in (200, 201)
    assert Conversation.objects.count() == 3


@pytest.mark.django_db
def test_borough_limits_ignore_a_spoofed_forwarded_header(client, settings, behind_proxy):
    settings.BOROUGH_RATE_LIMITS = {**settings.BOROUGH_RATE_LIMITS, "chat-start": "2/h"}
    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    for n in range(2):
        _chat_start(client, f"192.0.2.{n}, 198.51.100.1")
    assert _chat_start(client, "192.0.2.99, 198.51.100.1").status_code == 429
    assert Conversation.objects.count() == 2
    # With no proxy trusted, the header is ignored altogether: the connection's address counts.
    settings.BOROUGH_TRUSTED_PROXIES = 0
    assert _chat_start(client, "198.51.100.77", remote="203.0.113.5").status_code in (200, 201)
    assert _chat_start(client, "198.51.100.78", remote="203.0.113.5").status_code in (200, 201)
    assert _chat_start(client, "198.51.100.79", remote="203.0.113.5").status_code == 429
    assert Conversation.objects.count() == 4


def _sign_in(forwarded: str, email: str, password: str, remote: str = PROXY) -> tuple:
    browser = Client()
    response = browser.post(
        LOGIN,
        {"login": email, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return response, "_auth_user_id" in browser.session


@pytest.mark.django_db
def test_allauth_limits_count_residents_behind_the_proxy_apart(settings, behind_proxy):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    resident = ResidentUserFactory()
    for _ in range(2):
        _sign_in("198.51.100.1", resident.email, "wrong")
    refused, signed_in = _sign_in("198.51.100.1", resident.email, PASSWORD)
    assert refused.status_code == 429 and not signed_in
    other, signed_in = _sign_in("198.51.100.2", resident.email, PASSWORD)
    assert other.status_code == 302 and signed_in


@pytest.mark.django_db
def test_allauth_limits_ignore_a_spoofed_forwarded_header(settings, behind_proxy):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    resident = ResidentUserFactory()
    for n in range(2):
        _sign_in(f"192.0.2.{n}, 198.51.100.1", resident.email, "wrong")
    refused, signed_in = _sign_in("192.0.2.9, 198.51.100.1", resident.email, PASSWORD)
    assert refused.status_code == 429 and not signed_in
    settings.BOROUGH_TRUSTED_PROXIES = 0
    for n in range(2):
        _sign_in(f"198.51.100.{n + 10}", resident.email, "wrong", remote="203.0.113.6")
    refused, signed_in = _sign_in("198.51.100.30", resident.email, PASSWORD, remote="203.0.113.6")
    assert refused.status_code == 429 and not signed_in


@pytest.fixture
def axes_only(settings):
    """django-axes's lockout alone: allauth's own limits set out of the way."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login": "100/m/ip",
        "login_failed": "100/m/ip,100/5m/key",
    }


@pytest.mark.django_db
def test_axes_locks_out_one_address_behind_the_proxy_not_everyone(axes_only, behind_proxy):
    resident = ResidentUserFactory()
    for _ in range(3):
        _sign_in("198.51.100.1", resident.email, "wrong")
    locked, signed_in = _sign_in("198.51.100.1", resident.email, PASSWORD)
    assert locked.status_code == 429 and not signed_in
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"
    # The real owner, elsewhere behind the same proxy, still signs in.
    _, signed_in = _sign_in("198.51.100.2", resident.email, PASSWORD)
    assert signed_in


@pytest.mark.django_db
def test_axes_ignores_a_spoofed_forwarded_header(axes_only, behind_proxy):
    resident = ResidentUserFactory()
    for n in range(3):
        _sign_in(f"192.0.2.{n}, 198.51.100.1", resident.email, "wrong")
    locked, signed_in = _sign_in("192.0.2.50, 198.51.100.1", resident.email, PASSWORD)
    assert locked.status_code == 429 and not signed_in
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.1"]


# --- check --deploy in production --------------------------------------------------------------

PRODUCTION = {
    "BOROUGH_MODE": "production",
    "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "services.council.example",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "BOROUGH_STORAGE_URL": "s3://council-uploads",
    "BOROUGH_TRUSTED_PROXIES": "1",
    "BOROUGH_FIELD_ENCRYPTION_KEYS": "mTvQepicKl7aayGpWwYRDXQlnxd0f63hUzgveeDihhw=",
    "BOROUGH_API_KEY_HASH_KEYS": "y" * 20 + "-a-long-random-api-key-hash-key-0123456789",
}


@pytest.mark.parametrize(
    ("change", "code", "says"),
    [
        ({"CACHE_URL": "locmemcache://borough"}, "borough.E101", "Set CACHE_URL to Redis"),
        ({"HUEY_IMMEDIATE": "true"}, "borough.E102", "Unset HUEY_IMMEDIATE"),
        ({"BOROUGH_TRUSTED_PROXIES": None}, "borough.E104", "Set BOROUGH_TRUSTED_PROXIES"),
        ({"BOROUGH_FIELD_ENCRYPTION_KEYS": None}, "borough.E280", "BOROUGH_FIELD_ENCRYPTION_KEYS"),
        ({"BOROUGH_API_KEY_HASH_KEYS": None}, "borough.E281", "BOROUGH_API_KEY_HASH_KEYS"),
    ],
)
def test_deploy_check_fails_without_what_production_needs(tmp_path, change, code, says):
    env = {**os.environ, **PRODUCTION, "BOROUGH_VAR_DIR": str(tmp_path)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "HUEY_IMMEDIATE"):
        env.pop(name, None)
    for name, value in change.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "ERROR" in output and code in output and says in output
    others = {"borough.E101", "borough.E102", "borough.E103", "borough.E104"}
    others |= {"borough.E280", "borough.E281"}
    assert not [other for other in others - {code} if other in output], output
