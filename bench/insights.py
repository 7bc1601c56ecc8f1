"""Benchmark: the KPI count tables at scale, on PostgreSQL.

With 10,000,000 contact events and 1,000,000 cases (plus as many form sessions, a feedback
answer for one case in five, staff time on half the cases, 200,000 resident accounts and their
sign-ins) spread over two years, it measures:

- a full backfill of every day (`manage.py insights_backfill`): wall time and the process's
  peak memory (ru_maxrss);
- the daily incremental fill (what the periodic task does: yesterday and today), and one day;
- the latency of the hub's KPI overview (`/hub/insights/`, the default 28 days against a year
  earlier) and of `/performance/`, median and p95 over --requests requests, signed in as a team
  lead, beside a baseline page (`/healthz`) measured the same way in the same run.

Each measurement runs in a fresh process, so peak memory is that step's alone; a baseline
process (Django started, one query) is measured too. The data is made inside PostgreSQL with
`INSERT ... SELECT FROM generate_series` rather than COPY: no rows pass through Python or a
pipe at all. It is kept between runs and made again only when the sizes differ (or --fresh).

Usage:
  .venv/bin/python bench/insights.py [--events 10000000] [--cases 1000000] [--days 730]
                                     [--requests 50] [--fresh]
The database is $BENCH_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/borough_bench_insights
(created if missing). `make bench-insights` runs it with the full sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/borough_bench_insights"

# Each child prints one JSON line. It is run as `python -c CHILD step args...`.
CHILD = r"""
import json, os, resource, statistics, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
step, args = sys.argv[1], json.loads(sys.argv[2])

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def done(**found):
    print(json.dumps({"peak_mb": peak_mb(), **found}))

if step == "baseline":
    from django.db import connection
    with connection.cursor() as c:
        c.execute("SELECT 1")
    done(seconds=0)
elif step == "prepare":
    sys.path.insert(0, os.getcwd())
    from bench.insights_data import prepare
    done(**prepare(**args))
elif step == "backfill":
    from django.core.management import call_command
    start = time.perf_counter()
    call_command("insights_backfill", "--from", args["start"], "--to", args["end"],
                 stdout=open(os.devnull, "w"))
    seconds = time.perf_counter() - start
    from django.db import connection
    from borough.insights.models import DailyCount
    with connection.cursor() as c:  # as autovacuum would soon after so many new rows
        c.execute("ANALYZE insights_dailycount")
    rows = DailyCount.objects.filter(day__gte=args["start"], day__lte=args["end"]).count()
    done(seconds=seconds, rows=rows)
elif step == "incremental":
    import datetime as dt
    from django.utils import timezone
    from borough.insights.services import counts_rebuild
    today = timezone.localdate()
    start = time.perf_counter()
    counts_rebuild(start=today - dt.timedelta(days=1), end=today)
    two_days = time.perf_counter() - start
    yesterday = today - dt.timedelta(days=2)
    start = time.perf_counter()
    counts_rebuild(start=yesterday, end=yesterday)
    one_day = time.perf_counter() - start
    done(seconds=two_days, one_day=one_day)
elif step == "latency":
    from django.conf import settings
    from django.test import Client

    from borough.accounts.models import Membership, Role, Team, User
    from tests.signing_in import staff_login
    lead, _ = User.objects.get_or_create(
        email="bench.lead@council.example", defaults={"kind": User.Kind.STAFF})
    team = Team.objects.order_by("pk").first()
    Membership.objects.get_or_create(user=lead, team=team, defaults={"role": Role.TEAM_LEAD})
    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")),
                "localhost")
    client = Client(HTTP_HOST=host)
    staff_login(client, lead)  # signed in with MFA done, as the hub requires
    found = {}
    for name, url in (("baseline", "/healthz"), ("overview", "/hub/insights/"),
                      ("performance", "/performance/")):
        for _ in range(3):  # warm up: templates, connection, caches of the process
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args["requests"]):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, url
        times.sort()
        found[name] = {"median_ms": statistics.median(times),
                       "p95_ms": times[max(0, int(round(0.95 * len(times))) - 1)]}
    done(**found)
"""


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            con.execute(f'CREATE DATABASE "{name}"')
    return url


def run(step: str, url: str, **args) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BOROUGH_LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",
    }
    out = subprocess.run(
        [sys.executable, "-c", CHILD, step, json.dumps(args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"bench step {step} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--fresh", action="store_true", help="make the data even if present")
    options = parser.parse_args()
    url = database_url()
    command = "bench/insights.py " + " ".join(sys.argv[1:])
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())

    prepared = run(
        "prepare",
        url,
        events=options.events,
        cases=options.cases,
        days=options.days,
        fresh=options.fresh,
    )
    baseline = run("baseline", url)
    backfill = run("backfill", url, start=prepared["first_day"], end=prepared["last_day"])
    incremental = run("incremental", url)
    latency = run("latency", url, requests=options.requests)

    base_mb = baseline["peak_mb"]
    print(f"Insights benchmark, {started}: `{command.strip()}`")
    print(f"Machine: {machine()}; PostgreSQL {prepared['server']}")
    print(
        f"Data: {prepared['contacts']:,} contact events, {prepared['cases']:,} cases, "
        f"{prepared['form_sessions']:,} form sessions, {prepared['feedback']:,} feedback answers, "
        f"{prepared['time_records']:,} staff time records, {prepared['residents']:,} resident "
        f"accounts, {prepared['sign_ins']:,} sign-in days, over {prepared['days']} days "
        f"({prepared['first_day']} to {prepared['last_day']}); "
        + (
            f"made in {prepared['seconds']:.0f} s"
            if prepared["made"]
            else "kept from an earlier run"
        )
    )
    print()
    print("| measurement | result | peak memory MB (over baseline) |")
    print("|---|---:|---:|")
    print(f"| baseline process (Django started, one query) | – | {base_mb:.0f} (0) |")
    print(
        f"| full backfill, {prepared['days']} days | {backfill['seconds']:.1f} s, "
        f"{backfill['rows']:,} count rows | {backfill['peak_mb']:.0f} "
        f"({backfill['peak_mb'] - base_mb:.0f}) |"
    )
    print(
        f"| daily incremental fill (yesterday and today, as the periodic task) | "
        f"{incremental['seconds'] * 1000:.0f} ms | {incremental['peak_mb']:.0f} "
        f"({incremental['peak_mb'] - base_mb:.0f}) |"
    )
    print(f"| one day rebuilt | {incremental['one_day'] * 1000:.0f} ms | – |")
    for name, label in (
        ("baseline", "`/healthz` (baseline page)"),
        ("overview", "`/hub/insights/` overview (target under 200 ms)"),
        ("performance", "`/performance/`"),
    ):
        found = latency[name]
        print(
            f"| {label}, {options.requests} requests | median {found['median_ms']:.1f} ms, "
            f"p95 {found['p95_ms']:.1f} ms | – |"
        )


if __name__ == "__main__":
    main()
