"""Benchmark: 100,000 process instances waiting on timers (issue 19).

1. Migrates the database, loads the catalogue, a small gazetteer and the shipped processes,
   makes ``--cases`` missed bin cases and starts the SLA escalation process on one of them; then
   copies that waiting instance (its serialised workflow, about 12 kB of JSON) to ``--instances``
   instances spread over the cases, their timers due over the next 30 days, ``--due`` of them
   due now.
2. Measures the timer sweep: the baseline is a sweep with nothing due (the indexed query alone);
   then the sweep that fires the due timers (each: lock, load the workflow, fire, run the next
   step, which marks the case at risk, save the state, the steps and the timeline events);
   a second sweep at the same time (nothing fires twice). Reports the time per fired timer.
3. Measures one step's latency: a ``case_closed`` message delivered to a waiting instance
   (load, deliver, run to the end, save), median and 95th percentile of ``--messages``.
4. Memory: the sweep's peak Python allocation (tracemalloc) and the process's peak RSS; the
   stored size of an instance's state in the database.

Usage: .venv/bin/python bench/processes.py [--instances 100000] [--due 1000] [--cases 200]
Needs PostgreSQL: DATABASE_URL, or borough_bench on 127.0.0.1 as user postgres (its process
instances are deleted first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from common import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--messages", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/borough_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BOROUGH_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from borough.cases.create import case_create
    from borough.catalogue.models import Service
    from borough.catalogue.services import catalogue_load
    from borough.core.actors import ResidentActor, SystemActor
    from borough.core.channels import Channel
    from borough.places.importer import import_llpg
    from borough.processes.models import InstanceStatus, ProcessInstance
    from borough.processes.services import send_message, start_process, sweep_timers
    from borough.processes.shipped import load_shipped

    call_command("migrate", verbosity=0)
    ProcessInstance.objects.all().delete()
    if not Service.objects.exists():
        catalogue_load()
    with (ROOT / "tests" / "data" / "llpg_sample.csv").open("rb") as handle:
        import_llpg(handle)
    load_shipped()
    service = Service.objects.get(slug="report-missed-bin")
    bin_type = service.form.by_id["bin_type"].options[0].value
    cases = [
        case_create(
            actor=ResidentActor(),
            service=service,
            channel=Channel.WEB,
            answers={
                "address": 100021500001,
                "bin_type": bin_type,
                "bin_out": "yes",
                "collection_date": dt.date.today().isoformat(),
            },
        )
        for _ in range(args.cases)
    ]
    model = start_process(key="sla-escalation", case=cases[0], actor=SystemActor("bench"))
    model.refresh_from_db()
    now = timezone.now()
    started = time.perf_counter()
    rows = []

    def waiting_until(when: dt.datetime) -> str:
        """The model's state with its timer due at ``when`` (as if started at another time)."""
        state = json.loads(model.state)
        for task in state["tasks"].values():
            if "event_value" in task["internal_data"]:
                task["internal_data"]["event_value"] = when.isoformat()
        return json.dumps(state)

    due_now = waiting_until(now - dt.timedelta(minutes=1))
    later = {day: waiting_until(now + dt.timedelta(days=day + 1)) for day in range(30)}
    for n in range(args.instances):
        if n < args.due:
            due, state = now - dt.timedelta(minutes=1), due_now
        else:
            due, state = now + dt.timedelta(days=n % 30 + 1), later[n % 30]
        rows.append(
            ProcessInstance(
                definition=model.definition,
                case=cases[n % len(cases)],
                status=InstanceStatus.WAITING,
                state=state,
                decisions={},
                next_timer_at=due,
                started_at=now,
                updated_at=now,
            )
        )
        if len(rows) == 2000:
            ProcessInstance.objects.bulk_create(rows)
            rows = []
    ProcessInstance.objects.bulk_create(rows)
    model.delete()
    load_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE processes_processinstance")
        cursor.execute("SELECT avg(pg_column_size(state)) FROM processes_processinstance")
        stored = float(cursor.fetchone()[0])

    def timed(function):
        begin = time.perf_counter()
        result = function()
        return result, time.perf_counter() - begin

    baseline = [timed(lambda: sweep_timers(now=now - dt.timedelta(hours=1)))[1] for _ in range(5)]
    tracemalloc.start()
    fired = 0
    sweep_seconds = 0.0
    while True:
        count, seconds = timed(lambda: sweep_timers(now=now))
        fired += count
        sweep_seconds += seconds
        if count == 0:
            break
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    again, again_seconds = timed(lambda: sweep_timers(now=now))
    # One step's latency: a message to a waiting instance of its own case (with every other
    # instance still in the table), delivered and run to the end.
    fresh = [
        start_process(key="sla-escalation", case=case, actor=SystemActor("bench"))
        for case in [
            case_create(
                actor=ResidentActor(),
                service=service,
                channel=Channel.WEB,
                answers={
                    "address": 100021500001,
                    "bin_type": bin_type,
                    "bin_out": "yes",
                    "collection_date": dt.date.today().isoformat(),
                },
            )
            for _ in range(args.messages)
        ]
    ]
    latencies = []
    for instance in fresh:
        delivered, seconds = timed(
            lambda case_id=instance.case_id: send_message(
                case_id=case_id, name="case_closed", payload={}, actor=SystemActor("bench")
            )
        )
        assert delivered == 1, "the message was not delivered"
        latencies.append(seconds)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base = statistics.median(baseline)
    per_timer = sweep_seconds / fired if fired else float("nan")
    print(f"## Processes: {args.instances:,} instances waiting on timers (issue 19)\n")
    print(f"Machine: {machine()}. Database: PostgreSQL ({connection.settings_dict['NAME']}).")
    print(
        f"Command: `.venv/bin/python bench/processes.py --instances {args.instances} "
        f"--due {args.due} --cases {args.cases}`\n"
    )
    print("| measure | result |\n|---|---|")
    print(
        f"| instances inserted (bulk copies of one waiting SLA instance) | {args.instances:,} in {load_seconds:.1f} s |"
    )
    print(f"| stored state per instance (PostgreSQL, compressed) | {stored / 1024:.1f} kB |")
    print(
        f"| sweep with nothing due (baseline: the indexed query), median of 5 | {base * 1000:.1f} ms |"
    )
    print(
        f"| sweep firing {fired:,} due timers (each runs the next step) | {sweep_seconds:.2f} s, {per_timer * 1000:.1f} ms a timer ({per_timer / base:.0f}x the empty sweep) |"
    )
    print(
        f"| the same sweep again (nothing fires twice) | {again} fired, {again_seconds * 1000:.1f} ms |"
    )
    print(
        f"| one step: a message delivered and the instance run to its end, median / 95th percentile of {len(latencies)} | {statistics.median(latencies) * 1000:.1f} ms / {statistics.quantiles(latencies, n=20)[18] * 1000:.1f} ms |"
    )
    print(f"| peak Python memory during the sweep (tracemalloc) | {peak / 1e6:.1f} MB |")
    print(f"| peak RSS of the process | {rss:.0f} MB |")


if __name__ == "__main__":
    main()
