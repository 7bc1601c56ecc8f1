"""Past one machine (issue 24, point 2): two web processes (gunicorn) and two task consumers
(Huey) in production mode, sharing one PostgreSQL and one Redis and nothing else. A resident
signed in on one web server is signed in on the other; a request made on one is moved along on
the other and its emails are sent by whichever consumer takes them; and no periodic task runs
twice although both consumers schedule them. PostgreSQL leg only (the SQLite leg skips it)."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from borough.cases.models import Case
from borough.notify.models import Message
from tests.factories import PASSWORD, ResidentUserFactory

ROOT = Path(__file__).resolve().parents[2]
EVERY_MINUTE = "borough.integrations.tasks.integrations_every_minute"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="production runs PostgreSQL"),
    pytest.mark.django_db(transaction=True),  # the other processes see only committed rows
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def production(tmp_path):
    """The environment of every process: production mode on this one PostgreSQL and Redis."""
    run = uuid.uuid4().hex[:8]
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"HUEY_IMMEDIATE"}},
        "PYTHONPATH": str(ROOT),
        "BOROUGH_MODE": "production",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        "BOROUGH_QUEUE_NAME": f"borough-test-{run}",
        "BOROUGH_CACHE_PREFIX": f"borough-test-{run}",
        "BOROUGH_STORAGE_URL": f"file://{tmp_path / 'uploads'}",
        "BOROUGH_VAR_DIR": str(tmp_path / "var"),
        "BOROUGH_TASK_WORKERS": "1",
        "BOROUGH_NOTIFY_PROVIDER": "outbox",
        "BOROUGH_TRUSTED_PROXIES": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "BOROUGH_FIELD_ENCRYPTION_KEYS": ",".join(settings.BOROUGH_FIELD_ENCRYPTION_KEYS),
        "BOROUGH_API_KEY_HASH_KEYS": ",".join(settings.BOROUGH_API_KEY_HASH_KEYS),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http on loopback, no proxy here
        "BOROUGH_SITE_URL": "http://127.0.0.1",
        # Static files from the finders: no collectstatic for a test (the image collects them).
        "BOROUGH_MANIFEST_STATIC": "false",
        "PYTHONUNBUFFERED": "1",
    }
    yield environment
    keys = redis.Redis.from_url(environment["REDIS_URL"])
    for pattern in (f"*borough-test-{run}*",):
        for key in keys.scan_iter(pattern):
            keys.delete(key)


class Fleet:
    """Processes started for the test, with their standard output kept in files."""

    def __init__(self, environment, folder: Path):
        self.environment, self.folder = environment, folder
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *command: str) -> None:
        with open(self.folder / f"{name}.log", "w") as log:
            self.running[name] = subprocess.Popen(  # noqa: S603 - our own commands
                command, cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        for name, process in self.running.items():
            if process.poll() is None:
                # gunicorn stops its worker at once on SIGQUIT; Huey finishes up on SIGTERM.
                process.send_signal(signal.SIGQUIT if name.startswith("web") else signal.SIGTERM)
        for name, process in self.running.items():
            try:
                # A gunicorn master lingers ~10 s after its worker has gone: not waited for.
                process.wait(timeout=3 if name.startswith("web") else 15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log(self, name: str) -> list[dict]:
        """The JSON log lines a process wrote (Borough's log lines are JSON)."""
        lines = []
        for line in (self.folder / f"{name}.log").read_text().splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    continue
        return lines


@pytest.fixture
def fleet(production, tmp_path):
    fleet = Fleet(production, tmp_path)
    yield fleet
    fleet.stop()


class Browser:
    """Cookies kept by hand: production marks them Secure, and this is plain http."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port, method, path, form=None, headers=None, raw=None):
        connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        body = urlencode(form) if form is not None else raw
        sent = dict(headers or {})
        if body is not None and "Content-Type" not in sent:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection_.request(method, path, body=body, headers=sent)
        response = connection_.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), response.read().decode()


def _wait_until_up(ports, deadline):
    waiting = set(ports)
    while waiting and time.monotonic() < deadline:
        for port in list(waiting):
            try:
                if Browser().request(port, "GET", "/readyz")[0] == 200:
                    waiting.discard(port)
            except OSError:
                pass
        time.sleep(0.2)
    assert not waiting, f"web servers on {sorted(waiting)} did not become ready"


def _json_request(port, method, path, body, headers):
    status, _, text = Browser().request(port, method, path, headers=headers, raw=json.dumps(body))
    assert status in (200, 201), (status, text)
    return json.loads(text)


def test_two_web_servers_and_two_consumers_share_one_database_and_redis(
    fleet, production, gazetteer, catalogue, new_api_client
):
    resident = ResidentUserFactory()
    # Hashed as production hashes (the tests' fast hasher is not one production reads).
    resident.password = PBKDF2PasswordHasher().encode(PASSWORD, "drillsalt", iterations=1000)
    resident.save(update_fields=["password"])
    api_key = new_api_client().raw_key
    web_a, web_b = _free_port(), _free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1"]
    gunicorn += ["--no-control-socket"]
    # Both consumers start in the same minute, so both schedule that minute's periodic tasks.
    # (Straddling a minute is still checked below: then each minute's task ran once.)
    if dt.datetime.now().second >= 52:
        time.sleep(61 - dt.datetime.now().second)
    for name, port in (("web-a", web_a), ("web-b", web_b)):
        fleet.start(name, *gunicorn, "--bind", f"127.0.0.1:{port}")
    for name in ("worker-1", "worker-2"):
        fleet.start(name, sys.executable, "manage.py", "run_huey")
    _wait_until_up([web_a, web_b], time.monotonic() + 60)

    # Signed in on A, signed in on B: the session lives in Redis (and the database behind it).
    resident_browser = Browser()
    status, _, page = resident_browser.request(web_a, "GET", "/account/login/")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, (status, page[:300])
    token = found.group(1)
    status, headers, _ = resident_browser.request(
        web_a,
        "POST",
        "/account/login/",
        {"csrfmiddlewaretoken": token, "login": resident.email, "password": PASSWORD},
    )
    assert status == 302 and headers["Location"] == "/my-account/"
    status, _, page = resident_browser.request(web_b, "GET", "/my-account/")
    assert status == 200 and resident.email in page
    shared = redis.Redis.from_url(production["CACHE_URL"])
    assert list(shared.scan_iter(f"{production['BOROUGH_CACHE_PREFIX']}:*session*"))

    # Made on A, moved along on B; the emails are sent by the consumers, not the web servers.
    api = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    body = {
        "service": "tell-us-you-have-moved",
        "answers": {
            "address": 100021500001,
            "moved_on": dt.date.today().isoformat(),
            "new_address": "1 New Street, Exampleton EX1 1AA",
            "name": "Alex Mover",
            "email": "alex.mover@example.com",
        },
    }
    made = _json_request(web_a, "POST", "/api/v1/cases", body, api)
    reference = made["reference"]
    moved = _json_request(
        web_b,
        "POST",
        f"/api/v1/cases/{reference}/status",
        {"state": "in_progress", "note": "We have your new address."},
        api,
    )
    assert moved["status"] == "in_progress"
    case = Case.objects.get(reference=reference)
    deadline = time.monotonic() + 20
    while Message.objects.filter(case=case).count() < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    templates = sorted(Message.objects.filter(case=case).values_list("template", flat=True))
    assert len(templates) == 2, templates
    assert {m.to for m in Message.objects.filter(case=case)} == {"alex.mover@example.com"}

    # Stop everything, then read what each consumer did.
    fleet.stop()
    executed: Counter[str] = Counter()
    looked: list[tuple[str, str, str]] = []  # (consumer, minute, "enqueued" or "skipped")
    for name in ("worker-1", "worker-2"):
        for line in fleet.log(name):
            # The minute of the hour (log times are local, the scheduler's UTC).
            message, minute = line.get("message", ""), str(line.get("time", ""))[14:16]
            if message.startswith("Executing "):
                executed[message.split()[1].rstrip(":")] += 1
            if message.startswith("Enqueueing periodic task") and EVERY_MINUTE in message:
                looked.append((name, minute, "enqueued"))
            if message.startswith("periodic task already enqueued") and EVERY_MINUTE.endswith(
                f".{line.get('task')}"
            ):
                looked.append((name, line["minute"][-2:], "skipped"))
    # The request's two emails went once each, by one consumer or the other.
    assert executed["borough.cases.tasks.case_acknowledge"] == 1
    assert executed["borough.cases.tasks.case_update_email"] == 1
    # Both consumers looked for the periodic tasks due (at start, then each minute); in each
    # minute one enqueued them and every other look found them claimed (when both looked in
    # the same minute, as they do unless the test straddles one, that is the claim at work).
    assert {name for name, _, _ in looked} == {"worker-1", "worker-2"}, looked
    minutes = {minute for _, minute, _ in looked}
    for minute in minutes:
        outcomes = Counter(what for _, at, what in looked if at == minute)
        assert outcomes["enqueued"] == 1, looked
    assert 1 <= executed[EVERY_MINUTE] <= len(minutes)
