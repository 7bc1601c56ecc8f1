"""Benchmark: Borough under a crowd (issue 24, point 6), with Locust, on this machine only.

1. Makes a PostgreSQL database (``BENCH_LOAD_DATABASE_URL``, default borough_load; dropped and
   made again): migrations, the catalogue, the demo borough (``--residents``), an API client
   with every scope, a webhook subscription (case.created) to a receiver this script runs, and
   signed-in sessions for the demo officers and agent.
2. Starts the production stack on 127.0.0.1: gunicorn (2 workers x 4 threads, as
   scripts/run.sh), Redis for the cache, sessions' rate limits and the task queue, two Huey
   consumers (one of them schedules the periodic tasks), the email provider (Borough's outbox
   and a real email backend, Django's file backend here), DEBUG off. The rate limits are
   raised: the whole crowd comes from one address.
3. Runs bench/locustfile.py headless: ``--users`` users (60% residents, 30% API clients, 10%
   staff), spawned at ``--spawn-rate`` a second, for ``--minutes``; Locust's own time limit
   bounds it.
4. Waits for the task queue to drain, then checks: every report Locust saw accepted exists
   exactly once and no other case was made; every email was recorded and sent once (one
   message per case and template, each one file in the email backend's folder); every
   case.created webhook reached the receiver exactly once.
5. Prints requests per second and p50/p95/p99 by page, failures and server errors.

Usage: .venv/bin/python bench/load.py [--users 200] [--minutes 5] [--residents 5000]
(`make bench-load`; `BENCH_LOAD_ARGS="--users 20 --minutes 1"` for a short run.) Needs
PostgreSQL and Redis on 127.0.0.1 and the bench extra (Locust). Never part of `make test`.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import free_port, machine  # noqa: E402 - bench/common.py

from bench.api import missed_bin_answers  # noqa: E402
from bench.hub_queue import setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/borough_load"
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/7")
UNLIMITED = "1000000/m"


class Receiver(BaseHTTPRequestHandler):
    """The webhook receiver: records each delivery's webhook-id and case reference."""

    received: list[tuple[str, str]] = []
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            reference = json.loads(body)["case"]["reference"]
        except (ValueError, KeyError, TypeError):
            reference = ""
        with self.lock:
            self.received.append((self.headers.get("webhook-id", ""), reference))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def make_database(residents: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", residents=residents, seed=2026, verbosity=0, stdout=quiet)


def answer_for(service, question, prop, street) -> dict:
    """What a resident posts for ``question`` of ``service`` (a real place of the borough)."""
    import datetime as dt

    from borough.catalogue.answers import Exit, next_step

    name, kind = question.id, question.type
    if kind == "address":
        return {"postcode": prop.postcode, "fields": {name: str(prop.uprn)}}
    if kind == "location":
        return {
            "postcode": prop.postcode,
            "fields": {name: f"usrn:{street.usrn}", f"{name}-description": "By the garages"},
        }
    if kind == "file":
        return {"fields": {}, "photo": name}
    if kind == "date":
        day = dt.date.today() + dt.timedelta(days=1 if question.allow == "future" else 0)
        if service.slug == "report-missed-bin":
            day = dt.date.fromisoformat(missed_bin_answers(service, prop.uprn)["collection_date"])
        fields = {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}
        return {"fields": fields}
    if kind == "selection":
        if service.slug == "report-missed-bin" and name == "bin_type":
            return {"fields": {name: missed_bin_answers(service, prop.uprn)["bin_type"]}}
        for option in question.options:
            value = [option.value] if question.multiple else option.value
            if not isinstance(next_step(service.form, question, value), Exit):
                return {"fields": {name: option.value}}
    if kind == "number":
        return {"fields": {name: str(int(question.min if question.min is not None else 1))}}
    if kind == "email":
        return {"fields": {name: f"load.{random.randrange(10**6)}@example.com"}}
    if kind == "name":
        return {"fields": {name: "Ama Owusu"}}
    if kind == "phone":
        return {"fields": {name: "07700 900 982"}}
    text = "Left by the side of the road, several bags and a mattress"
    return {"fields": {name: text[: max(question.min_length, min(60, question.max_length))]}}


def make_plan(port: int, receiver_port: int) -> dict:
    """Everything the crowd needs, written for bench/locustfile.py."""
    from django.conf import settings
    from django.test import Client
    from PIL import Image

    from bench.api import bench_client, post_body
    from borough.accounts.models import Role, User
    from borough.cases.models import Case
    from borough.catalogue.models import Category, Service
    from borough.clients.models import ApiClient
    from borough.core.actors import StaffActor
    from borough.demo.people import DEMO_PASSWORD, DEMO_RESIDENT_EMAIL
    from borough.integrations.services import subscription_create
    from borough.places.collections import schedules_for
    from borough.places.models import Property
    from tests.signing_in import staff_login

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    key = bench_client()
    admin = User.objects.filter(memberships__role=Role.ADMIN, is_active=True).first()
    subscription_create(
        client=ApiClient.objects.filter(is_active=True).order_by("-id").first(),
        target_url=f"http://127.0.0.1:{receiver_port}/hooks",
        event_types=["case.created"],
        actor=StaffActor(admin),
    )
    props = [
        p
        for p in Property.objects.filter(is_current=True)
        .select_related("usrn")
        .order_by("uprn")[:400]
        if schedules_for(p)
    ][:40]
    reports = []
    # A missed bin (address, a real collection day), fly-tipping with a photo, and noise (with
    # an email address, so an acknowledgement is emailed).
    for slug in ("report-missed-bin", "report-fly-tipping", "report-noise"):
        service = Service.objects.get(slug=slug)
        for prop in props[:10]:
            answers = {
                q.id: answer_for(service, q, prop, prop.usrn) for q in service.form.questions
            }
            reports.append({"slug": slug, "answers": answers})
    sessions = []
    for email in ("agent@council.example", "waste.officer@council.example"):
        for _ in range(5):
            client = Client()
            staff_login(client, User.objects.get(email=email))
            sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    resident = User.objects.get(email=DEMO_RESIDENT_EMAIL)
    photo = io.BytesIO()
    Image.new("RGB", (1200, 900), (90, 110, 70)).save(photo, "JPEG", quality=85)
    pothole = Service.objects.get(slug="report-pothole")
    street_prop = props[0]
    return {
        "api_key": key,
        "reports": reports,
        "photo_base64": base64.b64encode(photo.getvalue()).decode(),
        "resident": {"email": DEMO_RESIDENT_EMAIL, "password": DEMO_PASSWORD},
        "resident_references": list(
            Case.objects.filter(resident__user=resident).values_list("reference", flat=True)[:10]
        )
        or ["0000-0000"],
        "hub_references": list(
            Case.objects.filter(team__slug="waste")
            .exclude(status="closed")
            .values_list("reference", flat=True)[:50]
        ),
        "queue_filters": [
            "/hub/?status=open&assignee=nobody",
            "/hub/?overdue=1&sort=priority",
            f"/hub/?q={street_prop.usrn.name.split()[0].lower()}",
            "/hub/?page=3",
        ],
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "staff_sessions": sessions,
        "topics": list(Category.objects.values_list("slug", flat=True)),
        "services": list(Service.objects.filter(is_online=True).values_list("slug", flat=True)),
        "searches": ["bin", "pothole", "council+tax", "parking", "fly+tipping", "noise"],
        "uprns": [p.uprn for p in props],
        "chats": [
            ["Report fly-tipping", "Behind the garages on " + street_prop.usrn.name.title()],
            ["When is my bin collected?"],
            ["My bin was not collected", "Yes"],
        ],
        "open311_post": {
            "service_code": pothole.slug,
            "lat": str(street_prop.latitude),
            "long": str(street_prop.longitude),
            "description": "A deep pothole by the bus stop",
            "email": "pat.reporter@example.com",
            "first_name": "Pat",
            "last_name": "Reporter",
            "attribute[where_on_street]": pothole.form.by_id["where_on_street"].options[0].value,
            "attribute[size]": pothole.form.by_id["size"].options[0].value,
        },
        "rest_post": json.loads(post_body()),
    }


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_for(url: str, seconds: int = 60) -> None:
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def results(stats_csv: Path) -> list[dict]:
    with stats_csv.open() as handle:
        return list(csv.DictReader(handle))


def high_water() -> dict[str, int]:
    """The highest id of each table the checks read, before the crowd arrives (the demo's
    cases are dated through today, so times cannot tell the crowd's from the demo's)."""
    from borough.cases.models import Case
    from borough.integrations.models import Delivery
    from borough.notify.models import Message

    return {
        name: model.objects.order_by("-id").values_list("id", flat=True).first() or 0
        for name, model in (("case", Case), ("message", Message), ("delivery", Delivery))
    }


def check(before: dict, submitted: list[dict], outbox: Path, received: list) -> tuple:
    """Every report exists once; every email and webhook went once. Returns the problems."""
    from borough.cases.models import Case
    from borough.integrations.models import Delivery
    from borough.notify.models import Message

    problems = []
    references = [s["reference"] for s in submitted if s["reference"]]
    unanswered = Counter(s["channel"] for s in submitted if not s["reference"])
    new_cases = Case.objects.filter(id__gt=before["case"])
    # The assistant can make a case in a chat; the crowd's chats are not told its reference.
    made = list(new_cases.exclude(channel="chat").values_list("reference", flat=True))
    from_chats = new_cases.filter(channel="chat").count()
    repeated = [r for r, n in Counter(references).items() if n > 1]
    if repeated:
        problems.append(f"{len(repeated)} references were answered twice: {repeated[:5]}")
    missing = set(references) - set(made)
    if missing:
        problems.append(f"{len(missing)} accepted reports have no case: {sorted(missing)[:5]}")
    # A submission without an answer (the connection dropped, or the run ended first) may
    # still have made its case: that is one case, not a lost or doubled one. More than that is.
    extra = set(made) - set(references)
    if len(extra) > sum(unanswered.values()):
        problems.append(
            f"{len(extra)} cases were made that no client was told of, but only "
            f"{sum(unanswered.values())} submissions went unanswered"
        )
    messages = Message.objects.filter(id__gt=before["message"])
    per_case = Counter(messages.values_list("case_id", "template"))
    twice = [k for k, n in per_case.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} emails were sent more than once")
    unsent = messages.exclude(status=Message.Status.SENT).count()
    if unsent:
        problems.append(f"{unsent} emails were not sent")
    # The file backend writes each message it is handed with its own Message-ID header.
    files = sum(p.read_text().count("\nMessage-ID: ") for p in outbox.glob("*.log"))
    if files != messages.count():
        problems.append(f"{messages.count()} emails recorded but {files} handed to the backend")
    ids = Counter(webhook_id for webhook_id, _ in received)
    if any(n > 1 for n in ids.values()):
        problems.append("a webhook was delivered more than once")
    hooked = Counter(reference for _, reference in received)
    not_hooked = set(new_cases.values_list("reference", flat=True)) - set(hooked)
    if not_hooked:
        problems.append(f"{len(not_hooked)} new cases had no webhook: {sorted(not_hooked)[:5]}")
    failed = Delivery.objects.filter(id__gt=before["delivery"]).exclude(status="delivered")
    if failed.exists():
        problems.append(f"{failed.count()} webhook deliveries did not succeed")
    return problems, {
        "cases": len(made),
        "chat_cases": from_chats,
        "emails": messages.count(),
        "email_files": files,
        "webhooks": len(received),
        "by_channel": Counter(s["channel"] for s in submitted if s["reference"]),
        "unanswered": dict(unanswered),
        "made_unanswered": len(extra),
    }


def main() -> None:  # noqa: PLR0915 - one script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--residents", type=int, default=5000)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_URL)
    os.environ["BOROUGH_NOTIFY_PROVIDER"] = "email"
    setup_django(database_url)

    from django.conf import settings
    from huey import RedisHuey

    print(f"Load benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"Machine: {machine()}")
    started = time.perf_counter()
    make_database(args.residents)
    print(f"Database: {args.residents:,} residents in {time.perf_counter() - started:.0f} s")

    work = Path(tempfile.mkdtemp(prefix="borough-load-"))
    outbox = work / "var" / "outbox"  # the email backend's folder (EMAIL_URL unset)
    receiver = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    port = free_port()
    plan = make_plan(port, receiver.server_address[1])
    (work / "plan.json").write_text(json.dumps(plan))
    rates = {
        name: UNLIMITED
        for name in (
            "BOROUGH_RATE_LOGIN",
            "BOROUGH_RATE_SUBMIT",
            "BOROUGH_RATE_START",
            "BOROUGH_RATE_SEARCH",
            "BOROUGH_RATE_API",
            "BOROUGH_RATE_OPEN311_READ",
            "BOROUGH_RATE_CHAT_START",
            "BOROUGH_RATE_CHAT_MESSAGE",
            "BOROUGH_RATE_UPLOAD",
        )
    }
    env = {
        **os.environ,
        **rates,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "BOROUGH_API_KEY_HASH_KEYS": ",".join(settings.BOROUGH_API_KEY_HASH_KEYS),
        "BOROUGH_FIELD_ENCRYPTION_KEYS": ",".join(settings.BOROUGH_FIELD_ENCRYPTION_KEYS),
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "BOROUGH_CACHE_PREFIX": "borough-load",
        "BOROUGH_NOTIFY_PROVIDER": "email",
        "EMAIL_URL": "",
        "BOROUGH_VAR_DIR": str(work / "var"),
        "BOROUGH_MEDIA_ROOT": str(work / "media"),
        "BOROUGH_LOG_LEVEL": "WARNING",
        "BOROUGH_OUTBOUND_ALLOWED_NETWORKS": "127.0.0.0/8",
        "AXES_FAILURE_LIMIT": "1000000",
        "DJANGO_DEBUG": "false",
    }
    RedisHuey("borough", url=REDIS_URL).storage.flush_all()
    python = str(Path(sys.executable))
    bin_dir = Path(sys.executable).parent
    processes = [
        start(
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi:application",
                *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"),
                *("--log-level", "warning"),
            ],
            env,
            work / "gunicorn.log",
        ),
        start([python, "manage.py", "run_huey", "--quiet"], env, work / "huey-1.log"),
        start(
            [python, "manage.py", "run_huey", "--quiet", "--no-periodic"], env, work / "huey-2.log"
        ),
    ]
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        before = high_water()
        load_before = os.getloadavg()
        locust = subprocess.run(
            [
                str(bin_dir / "locust"),
                *("-f", str(ROOT / "bench" / "locustfile.py"), "--headless"),
                *("--host", f"http://127.0.0.1:{port}"),
                *("--users", str(args.users), "--spawn-rate", str(args.spawn_rate)),
                *("--run-time", f"{int(args.minutes * 60)}s", "--stop-timeout", "120"),
                *("--csv", str(work / "locust"), "--only-summary"),
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "BENCH_LOAD_PLAN": str(work / "plan.json"),
                "BENCH_LOAD_SUBMITTED": str(work / "submitted.json"),
            },
            capture_output=True,
            text=True,
            check=False,
        )
        load_after = os.getloadavg()
        (work / "locust.log").write_text(locust.stdout + locust.stderr)
        huey = RedisHuey("borough", url=REDIS_URL)
        deadline = time.time() + 300
        while time.time() < deadline and huey.pending_count():
            time.sleep(1)
        time.sleep(5)  # the last tasks taken finish
        submitted = json.loads((work / "submitted.json").read_text())
        problems, counts = check(before, submitted, outbox, Receiver.received)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        receiver.shutdown()

    rows = results(work / "locust_stats.csv")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    server_errors = sum(
        int(r["Occurrences"])
        for r in csv.DictReader((work / "locust_failures.csv").open())
        if "50" in r["Error"]
    )
    print(
        f"{args.users} users, spawned {args.spawn_rate:g}/s, {args.minutes:g} min (Locust "
        f"{locust.returncode=}); load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after; files in {work}"
    )
    print(
        f"Requests: {int(total['Request Count']):,}, {float(total['Requests/s']):.1f}/s; "
        f"failures {total['Failure Count']}, of them 5xx {server_errors}"
    )
    print("| page | requests | per s | p50 ms | p95 ms | p99 ms | failures |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in sorted(rows, key=lambda r: -int(r["Request Count"])):
        print(
            f"| {r['Type']} {r['Name']} | {int(r['Request Count']):,} | "
            f"{float(r['Requests/s']):.1f} | {r['50%']} | {r['95%']} | {r['99%']} | "
            f"{r['Failure Count']} |"
        )
    print(
        f"Afterwards: {counts['cases']} new cases ({dict(counts['by_channel'])} accepted; "
        f"{counts['chat_cases']} more made in chats; {counts['unanswered']} sent without an "
        f"answer, {counts['made_unanswered']} of which made their case), "
        f"{counts['emails']} emails ({counts['email_files']} handed to the email backend), "
        f"{counts['webhooks']} webhooks received"
    )
    print("Checks: " + ("every one passed" if not problems else "; ".join(problems)))
    shutil.rmtree(work / "media", ignore_errors=True)
    if problems or server_errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
