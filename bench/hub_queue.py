"""Benchmark: the Resident Hub work queue with a million cases on PostgreSQL (issue 4).

1. Makes the database: migrates an empty schema, makes the demo borough (`seed_demo`, a few
   thousand residents, for staff, properties and residents), then adds ``--cases`` cases with
   PostgreSQL's COPY (states that fit each service's workflow, most of them closed, as in a
   council with years of history). ``--reuse`` keeps a database that already has them.
2. Starts gunicorn (one worker, one thread: latency, not throughput) on a free port, signs in
   as the waste officer and the agent, and sends sequential requests: ``/healthz`` (the floor:
   the same server and middleware with no database work), the queue's default view, a filtered
   view, a text search and a case page. It reports the median and 95th percentile latency.
3. Counts the SQL queries of each page (Django's test client in this process, same database).

Usage: .venv/bin/python bench/hub_queue.py [--cases 1000000] [--requests 100] [--reuse]
(`make bench` runs it with the defaults.) Needs PostgreSQL: DATABASE_URL, or borough_bench on
127.0.0.1 as user postgres. Never part of `make test`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import free_port, machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/borough_bench"

LOCATIONS = [
    "",
    "",
    "",
    "Next to the bus stop",
    "Outside the school gates",
    "Behind the garages",
    "By the post box on the corner",
    "In the alley between the shops",
    "Opposite the park entrance",
]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BOROUGH_LOG_LEVEL", "WARNING")
    import django

    django.setup()


# ------------------------------------------------------------------------------------ seeding


def reset_and_seed_demo(residents: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", residents=residents, seed=2026, verbosity=0, stdout=quiet)


def seed_cases(count: int, seed: int = 2026) -> float:
    """Add ``count`` cases with COPY; returns the seconds it took (COPY and ANALYZE)."""
    from django.db import connection

    from borough.accounts.models import Membership, Role
    from borough.cases.models import Case, Priority, Resolution
    from borough.cases.references import ALPHABET
    from borough.catalogue.models import Service
    from borough.people.models import Resident
    from borough.places.models import Property

    rng = random.Random(seed)
    started = time.perf_counter()
    services = list(Service.objects.all())
    properties = list(Property.objects.values_list("uprn", "usrn", "ward_id"))
    residents = list(Resident.objects.values_list("id", flat=True))
    officers: dict[int, list[int]] = {}
    for team_id, user_id in Membership.objects.filter(
        role__in=(Role.OFFICER, Role.TEAM_LEAD)
    ).values_list("team_id", "user_id"):
        officers.setdefault(team_id, []).append(user_id)
    taken = set(Case.objects.values_list("reference", flat=True))
    flows = {}
    for service in services:
        flow = service.flow
        open_states = [s for s in flow.states if s.status != "closed"]
        closed_states = [s for s in flow.states if s.status == "closed"]
        flows[service.pk] = (open_states, closed_states)
    now = dt.datetime.now(dt.UTC)
    three_years = 3 * 365 * 86400
    priorities = [Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.NORMAL, Priority.HIGH]
    priorities.append(Priority.URGENT)
    columns = [
        *("reference", "service_id", "team_id", "status", "state", "resolution", "priority"),
        *("channel", "answers", "resident_id", "property_id", "street_id", "ward_id"),
        *("location_description", "assignee_id", "due_date", "created_at", "updated_at"),
        *("closed_at", "version"),
    ]
    start_id = 1 + (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0)
    with connection.cursor() as cursor:
        # Loading is much faster with the secondary indexes built once afterwards, and without
        # the per-row foreign key triggers (every id written comes from the tables just read).
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        raw = cursor.cursor  # the psycopg cursor, for COPY
        with raw.copy(f"COPY cases_case (id, {', '.join(columns)}) FROM STDIN") as copy:
            number = 0
            for offset in range(count):
                while True:
                    number += 1
                    n = number * 7_919 + 104_729  # spread, so references do not look sequential
                    chars = "".join(ALPHABET[(n >> (5 * i)) & 31] for i in range(8))
                    reference = f"{chars[:4]}-{chars[4:]}"
                    if reference not in taken:
                        break
                service = rng.choice(services)
                open_states, closed_states = flows[service.pk]
                # Three years of steady demand; most of the last month's cases still open,
                # so two or three per cent are open, as in a council's real backlog.
                age = rng.random() * three_years
                created = now - dt.timedelta(seconds=age)
                is_open = age < 30 * 86400 and rng.random() < 0.8 or not closed_states
                state = rng.choice(open_states if is_open else closed_states)
                resolution = "" if is_open else (state.resolution or Resolution.FIXED)
                uprn, usrn, ward_id = rng.choice(properties)
                team_officers = officers.get(service.team_id, [])
                assignee = (
                    rng.choice(team_officers) if team_officers and rng.random() < 0.6 else None
                )
                copy.write_row(
                    (
                        start_id + offset,
                        reference,
                        service.pk,
                        service.team_id,
                        state.status,
                        state.key,
                        resolution,
                        rng.choice(priorities),
                        "web" if rng.random() < 0.7 else "phone",
                        "{}",
                        rng.choice(residents) if residents and rng.random() < 0.5 else None,
                        uprn,
                        usrn,
                        ward_id,
                        rng.choice(LOCATIONS),
                        assignee,
                        (created + dt.timedelta(days=(service.sla_working_days or 10) + 4)).date(),
                        created,
                        created,
                        None if is_open else created + dt.timedelta(days=rng.randint(1, 20)),
                        1,
                    )
                )
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SELECT setval('cases_case_id_seq', (SELECT MAX(id) FROM cases_case))")
        # A loaded table has no visibility map yet: without VACUUM, index-only scans (the
        # capped count) still read the heap. Autovacuum would do this in time.
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------- measuring


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "BOROUGH_LOG_LEVEL": "WARNING", "DJANGO_DEBUG": "false"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if get(port, "/healthz", "")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def get(port: int, path: str, session: str) -> tuple[int, bytes]:
    from django.conf import settings

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"} if session else {}
    try:
        conn.request("GET", path, headers=cookie)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def measure(port: int, path: str, session: str, requests: int) -> dict:
    for _ in range(5):  # warm the worker's caches and PostgreSQL's buffers
        status, _body = get(port, path, session)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        get(port, path, session)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * len(times)) - 1)],
    }


def count_queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="keep a database already seeded")
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))

    from django.conf import settings
    from django.test import Client

    from borough.accounts.models import User
    from borough.cases.models import Case
    from borough.places.models import Street

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"Hub queue benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"Machine: {machine()}")
    existing = 0
    try:
        existing = Case.objects.count()
    except Exception:  # noqa: BLE001 - no schema yet
        from django.db import connection

        connection.close()
    if args.reuse and existing >= args.cases:
        print(f"Reusing the database: {existing:,} cases")
    else:
        started = time.perf_counter()
        reset_and_seed_demo(args.residents)
        demo = time.perf_counter() - started
        seconds = seed_cases(args.cases - Case.objects.count())
        print(
            f"Seeded: demo borough ({args.residents:,} residents) in {demo:.0f} s, then cases "
            f"with COPY in {seconds:.0f} s; {Case.objects.count():,} cases in all"
        )

    officer = User.objects.get(email="waste.officer@council.example")
    agent = User.objects.get(email="agent@council.example")
    street_word = Street.objects.order_by("name").values_list("name", flat=True)[3].split()[0]
    waste_open = Case.objects.filter(team__slug="waste", status="in_progress").order_by("-id")
    references = list(waste_open.values_list("reference", flat=True)[:1])
    pages = [
        ("floor: /healthz (no database)", "/healthz", None),
        ("queue, default view (waste officer)", "/hub/", officer),
        ("queue, default view (agent, every team)", "/hub/", agent),
        (
            "queue, filtered (open, unassigned, high priority)",
            "/hub/?status=open&assignee=nobody&priority=3",
            officer,
        ),
        (
            "queue, filtered and sorted (overdue, by priority)",
            "/hub/?overdue=1&sort=priority",
            agent,
        ),
        (f"queue, text search ({street_word.lower()!r})", f"/hub/?q={street_word.lower()}", agent),
        (
            f"queue, text search, two words ({street_word.lower()} road)",
            f"/hub/?q={street_word.lower()}+road",
            agent,
        ),
        ("queue, page 150 of the default view", "/hub/?page=150", agent),
        ("case page", f"/hub/cases/{references[0]}/", officer),
    ]
    from tests.signing_in import staff_login

    sessions = {}
    clients = {}
    for user in (officer, agent):
        client = Client()
        staff_login(client, user)  # signed in with MFA done, as the hub requires
        sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        clients[user.pk] = client

    port = free_port()
    server = start_server(port)
    rows = []
    try:
        for label, path, user in pages:
            session = sessions[user.pk] if user else ""
            timing = measure(port, path, session, args.requests)
            queries = count_queries(clients[user.pk], path) if user else 0
            rows.append((label, timing, queries))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"{args.requests} sequential requests per page after 5 warm-up requests; gunicorn, 1 sync worker"
    )
    print(
        "Load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print("| page | median ms | p95 ms | SQL queries |")
    print("|---|---:|---:|---:|")
    for label, timing, queries in rows:
        print(f"| {label} | {timing['median']:.1f} | {timing['p95']:.1f} | {queries} |")


if __name__ == "__main__":
    main()
