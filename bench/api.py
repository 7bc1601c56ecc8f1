"""Benchmark: Open311 and the REST API under concurrent load over a million cases (issue 5).

1. Uses the hub queue benchmark's PostgreSQL database (1,000,000 cases; `make bench-queue` makes
   it): applies any migrations it lacks (never drops or reseeds it) and adds one API client,
   "API benchmark", with every scope and a rate limit the load cannot reach.
2. Starts gunicorn as scripts/run.sh does (2 workers x 4 threads, DEBUG off; the cache in Redis,
   ``BENCH_CACHE_URL``, default redis://127.0.0.1:6379/3, as in production) on a free port and
   loads each endpoint with wrk (one thread, 8 connections, a warm-up, then ``--duration``
   seconds): ``/healthz`` (the floor: the same server and middleware, no database),
   ``GET /open311/v2/services.json``, ``GET /open311/v2/requests.json`` (the default 90-day
   window, at most 1,000 requests, over the million cases), ``GET /api/v1/cases`` (the first
   page) and ``POST /api/v1/cases`` (a missed-bin report; a Lua script gives every request its
   own Idempotency-Key, so each one makes a case through case_create).
3. Reports requests per second, median and 95th percentile latency, and each against the floor;
   then removes the cases the POSTs made (their events and contacts), so the database is left
   as it was, with the API client added.

Usage: .venv/bin/python bench/api.py [--duration 10] [--connections 8]
(`make bench-api`; `make bench` runs it after the queue benchmark.) Needs PostgreSQL:
BENCH_DATABASE_URL, default borough_bench on 127.0.0.1 as user postgres, already seeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import ensure_wrk, free_port, machine  # noqa: E402 - bench/common.py

from bench.hub_queue import setup_django  # noqa: E402 - after the path is set

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/borough_bench"
CLIENT_NAME = "API benchmark"

# wrk's summary has no 95th percentile: print it (and the median) from the histogram.
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), summary.requests, summary.duration,
    summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""

# Every POST has its own Idempotency-Key (the thread's id and a counter), so each one writes.
POST_SCRIPT = """
local counter = 0
local prefix = tostring(math.random(1, 1000000000))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
wrk.body = '%(body)s'
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = "bench-" .. prefix .. "-" .. counter
  return wrk.format()
end
"""


def start_server(port: int, var_dir: str) -> subprocess.Popen:
    from django.conf import settings

    env = {
        # The same secret as this process, so the key made here is recognised (keys are
        # stored as a hash keyed with it).
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        # And the keys API keys are hashed with, and secrets encrypted with (ADR 0028): the
        # embedded mode keeps them in the var folder, which the server's is not.
        "BOROUGH_API_KEY_HASH_KEYS": ",".join(settings.BOROUGH_API_KEY_HASH_KEYS),
        "BOROUGH_FIELD_ENCRYPTION_KEYS": ",".join(settings.BOROUGH_FIELD_ENCRYPTION_KEYS),
        **os.environ,
        "BOROUGH_LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",
        "BOROUGH_VAR_DIR": var_dir,
        # The cache in Redis, as in production (Open311's request lists are kept there).
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3"),
        "BOROUGH_CACHE_PREFIX": "borough-bench-api",
        # Open311's reads are limited per address; the load comes from one address.
        "BOROUGH_RATE_OPEN311_READ": "100000000/m",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"),
            *("--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def check(port: int, path: str, key: str, method: str = "GET", body: bytes | None = None) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        f"http://127.0.0.1:{port}{path}",
        data=body,
        method=method,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"bench-check-{time.time_ns()}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        print(f"  {method} {path} answered {error.code}: {error.read()[:300]!r}")
        return error.code


def load(wrk: str, url: str, script: str, args, headers: list[str]) -> dict:
    subprocess.run(
        [wrk, "-t1", f"-c{args.connections}", "-d2s", "-s", script, *headers, url],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [
            wrk,
            "-t1",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "60s",
            "-s",
            script,
            *headers,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    median_us, p95_us, requests, duration_us, non_2xx, socket_errors = (
        int(x) for x in line.split()[1:]
    )
    return {
        "median": median_us / 1000,
        "p95": p95_us / 1000,
        "rps": requests / (duration_us / 1e6),
        "requests": requests,
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
    }


def bench_client() -> str:
    """A new key for the benchmark's API client (made once; its key replaced each run)."""
    from borough.accounts.models import Role, User
    from borough.clients.models import ApiClient, Scope
    from borough.clients.services import api_client_create, api_client_deactivate
    from borough.core.actors import StaffActor

    admin = User.objects.filter(memberships__role=Role.ADMIN, is_active=True).first()
    if admin is None:
        raise SystemExit("The database has no admin to create the API client")
    for old in ApiClient.objects.filter(name__startswith=CLIENT_NAME, is_active=True):
        api_client_deactivate(client=old, actor=StaffActor(admin))
    name = f"{CLIENT_NAME} {time.strftime('%Y-%m-%d %H:%M:%S')}"
    created = api_client_create(
        name=name, scopes=list(Scope.values), actor=StaffActor(admin), rate_limit="100000000/m"
    )
    return created.raw_key


def missed_bin_answers(service, uprn: int) -> dict:
    """A missed-bin report's answers at ``uprn``: a bin collected there in the last fortnight,
    on its last collection day (the form checks the date against the street's rounds)."""
    from borough.catalogue.collection_days import stream_of
    from borough.places.collections import collections_between, schedules_for
    from borough.places.models import Property

    form = service.form
    today = dt.date.today()
    collected = collections_between(
        schedules_for(Property.objects.get(uprn=uprn)), today - dt.timedelta(days=14), today
    )
    for option in form.by_id["bin_type"].options:
        days = [c.day for c in collected if c.stream == stream_of(option.value)]
        if days:
            return {
                "address": uprn,
                "bin_type": option.value,
                "bin_out": form.by_id["bin_out"].options[0].value,
                "collection_date": days[-1].isoformat(),
            }
    raise SystemExit(f"No bin was collected at {uprn} in the last fortnight")


def post_body() -> str:
    """A missed-bin report at a property of the database, on its last collection day."""
    from borough.catalogue.models import Service
    from borough.places.collections import schedules_for
    from borough.places.models import Property

    service = Service.objects.get(slug="report-missed-bin")
    uprn = next(
        prop.uprn
        for prop in Property.objects.filter(is_current=True).order_by("uprn")[:200]
        if schedules_for(prop)
    )
    answers = missed_bin_answers(service, uprn)
    return json.dumps({"service": service.slug, "answers": answers}, separators=(",", ":"))


def remove_benchmark_cases() -> int:
    """Delete the cases the POSTs made (with their events and contacts)."""
    from django.db import transaction

    from borough.cases.models import Case
    from borough.clients.models import ApiClient, IdempotentResponse
    from borough.contacts.models import Contact

    clients = ApiClient.objects.filter(name__startswith=CLIENT_NAME)
    references = [
        body.get("reference")
        for body in IdempotentResponse.objects.filter(client__in=clients).values_list(
            "body", flat=True
        )
        if isinstance(body, dict)
    ]
    removed = 0
    with transaction.atomic():
        for start in range(0, len(references), 5000):
            batch = Case.objects.filter(reference__in=references[start : start + 5000])
            Contact.objects.filter(case__in=batch).delete()
            removed += batch.count()
            batch.delete()
        IdempotentResponse.objects.filter(client__in=clients).delete()
    return removed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the cases the POSTs made")
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_django(database_url)

    from django.core.management import call_command

    from borough.cases.models import Case

    print(f"REST API and Open311 benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"Machine: {machine()}")
    call_command("migrate", verbosity=0)
    cases = Case.objects.count()
    print(f"Database: {database_url.rsplit('/', 1)[-1]}, {cases:,} cases")
    if cases < 1_000_000:
        print("  (fewer than 1,000,000 cases: run `make bench-queue` first for the full size)")
    key = bench_client()
    body = post_body()
    wrk = ensure_wrk()
    port = free_port()
    results = []
    with tempfile.TemporaryDirectory(prefix="borough-bench-api-") as var_dir:
        server = start_server(port, var_dir)
        try:
            for path in ("/open311/v2/requests.json", "/api/v1/cases"):
                if check(port, path, key) != 200:
                    raise SystemExit(f"{path} does not answer 200")
            if check(port, "/api/v1/cases", key, "POST", body.encode()) != 201:
                raise SystemExit("POST /api/v1/cases does not answer 201")
            report = Path(var_dir) / "report.lua"
            report.write_text(REPORT)
            post = Path(var_dir) / "post.lua"
            post.write_text(POST_SCRIPT % {"key": key, "body": body} + REPORT)
            auth = ["-H", f"Authorization: Bearer {key}"]
            endpoints = [
                ("floor: GET /healthz", "/healthz", report, []),
                ("GET /open311/v2/services.json", "/open311/v2/services.json", report, []),
                (
                    "GET /open311/v2/requests.json (90 days, 1,000)",
                    "/open311/v2/requests.json",
                    report,
                    [],
                ),
                ("GET /api/v1/cases (first page of 50)", "/api/v1/cases", report, auth),
                ("POST /api/v1/cases (new Idempotency-Key each)", "/api/v1/cases", post, []),
            ]
            for label, path, script, headers in endpoints:
                url = f"http://127.0.0.1:{port}{path}"
                results.append((label, load(wrk, url, str(script), args, headers)))
                print(f"  measured {label}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    floor = results[0][1]
    print()
    print(
        f"wrk -t1 -c{args.connections} -d{args.duration}s after a 2 s warm-up; gunicorn 2 workers "
        "x 4 threads (as scripts/run.sh), PostgreSQL, DEBUG off"
    )
    print()
    print(
        "| endpoint | requests/s | median ms | p95 ms | median / floor | p95 / floor p95 "
        "| non-2xx |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, r in results:
        ratio = r["median"] / floor["median"] if floor["median"] else float("nan")
        tail = r["p95"] / floor["p95"] if floor["p95"] else float("nan")
        print(
            f"| {label} | {r['rps']:.0f} | {r['median']:.1f} | {r['p95']:.1f} | "
            f"{ratio:.1f}x | {tail:.1f}x | {r['non_2xx'] + r['socket_errors']} |"
        )
    print()
    if not args.keep:
        print(f"Removed the {remove_benchmark_cases():,} cases the POSTs made.")
    print(f"Cases now: {Case.objects.count():,}; load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
