"""Benchmark: sensors in council homes (issue 27) on PostgreSQL and the real MQTT broker.

- Throughput: 50,000 simulated devices each publish --rounds messages over MQTT (QoS 1) from a
  separate publisher process while `homes_ingest`'s loop (subscriber, checks, batched storage,
  hourly roll-ups, the rules) runs here; messages per second stored, and how far the ingest
  was behind when the publisher finished. Baseline in the same run: the same messages received
  and only counted (the broker and paho alone).
- Publish to case: --damp homes hold 53 hours of damp readings (one short of the mould rule);
  each then publishes one more reading; the time from publishing it to its case existing,
  median and p95.
- Storage: bytes per stored reading (all monthly partitions, with indexes) and per hourly
  roll-up, scaled to one device for a year at one reading every 15 minutes.
- Chart query: a home's 90-day chart (roll-ups selected and both charts laid out), with 90 days
  of roll-ups for --chart-devices devices in the table; median and p95 of --requests runs.

Usage: .venv/bin/python bench/homes.py [--devices 50000] [--rounds 3] [--damp 200]
The database is $BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/borough_bench_homes,
made afresh each run. `make bench-homes` runs it; results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/borough_bench_homes"

from common import machine  # noqa: E402


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    for args in (["migrate", "--no-input", "-v", "0"], ["load_catalogue"]):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def publish(messages: list[tuple[str, bytes]], started_at, done_at, rate: float) -> None:
    """In its own process: publish every message at ``rate`` a second (QoS 1)."""
    from borough.homes.mqtt import Publisher

    with Publisher() as publisher:
        started_at.value = time.time()
        for index, (topic, payload) in enumerate(messages):
            delay = started_at.value + index / rate - time.time()
            if delay > 0:
                time.sleep(delay)
            publisher.publish(topic, payload)
        publisher.flush()
        done_at.value = time.time()


def setup_homes(devices: int):
    from borough.homes.models import Device
    from borough.people.models import Household
    from borough.places.models import Property, Street

    Street.objects.create(usrn=1, name="Bench Road", town="Benchtown")
    homes = devices // 2
    Property.objects.bulk_create(
        [
            Property(
                uprn=10_000_000 + i,
                usrn_id=1,
                pao=str(i),
                town="Benchtown",
                postcode="UB8 1AA",
                postcode_key="UB81AA",
                latitude=51.5,
                longitude=-0.4,
                search_text=f"{i} bench road",
            )
            for i in range(homes)
        ],
        batch_size=5000,
    )
    Household.objects.bulk_create(
        [Household(property_id=10_000_000 + i) for i in range(homes)], batch_size=5000
    )
    today = dt.date.today()
    Device.objects.bulk_create(
        [
            Device(
                device_id=f"env-{i:06d}",
                kind=kind,
                property_id=10_000_000 + i // 2,
                room="bedroom",
                installed_on=today,
            )
            for i in range(devices)
            for kind in ["environment" if i % 2 == 0 else "boiler"]
        ],
        batch_size=5000,
    )


def drain(total: int, *, store: bool, rate: float, timeout: float = 1800) -> dict:
    from borough.homes.ingest import Ingestor
    from borough.homes.mqtt import Subscriber
    from borough.homes.pipeline import ingest_and_evaluate
    from borough.homes.telemetry import FloodGuard

    ingestor = Ingestor(FloodGuard(limit=1000))
    seen = stored = 0
    busy = 0.0
    first = last = None
    with Subscriber() as subscriber:
        yield_ready = subscriber  # subscribed: the caller may start publishing
        started_at = multiprocessing.Value("d", 0.0)
        done_at = multiprocessing.Value("d", 0.0)
        publisher = multiprocessing.Process(
            target=publish,
            args=(drain.messages, started_at, done_at, rate),  # type: ignore[attr-defined]
        )
        publisher.start()
        deadline = time.time() + timeout
        backlog_at_end = None
        for raw in yield_ready.batches(size=5000, wait=0.2, idle=5):
            if raw:
                first = first or time.time()
                seen += len(raw)
                if store:
                    began = time.perf_counter()
                    stored += ingest_and_evaluate(ingestor, raw).stored
                    busy += time.perf_counter() - began
                last = time.time()
            if done_at.value and backlog_at_end is None:
                backlog_at_end = total - seen
            if seen >= total or time.time() > deadline:
                break
        publisher.join()
        if publisher.exitcode != 0:
            raise SystemExit("the publisher process failed: see above")
    return {
        "seen": seen,
        "stored": stored,
        "publish_seconds": done_at.value - started_at.value,
        "ingest_seconds": (last or 0) - started_at.value,
        "backlog_when_publisher_done": backlog_at_end or 0,
        "busy_seconds": busy,
    }


def latency(damp: int) -> dict:
    from django.utils import timezone

    from borough.homes.ingest import Ingestor
    from borough.homes.models import Alert, Device
    from borough.homes.mqtt import Publisher, Subscriber
    from borough.homes.pipeline import ingest_and_evaluate
    from borough.homes.telemetry import FloodGuard, topic_for
    from borough.people.models import Household
    from borough.places.models import Property

    # Homes of their own, so no reading from the throughput run joins their hours.
    base = 20_000_000
    Property.objects.bulk_create(
        [
            Property(
                uprn=base + i,
                usrn_id=1,
                pao=f"D{i}",
                town="Benchtown",
                postcode="UB8 1AB",
                postcode_key="UB81AB",
                latitude=51.5,
                longitude=-0.4,
                search_text=f"d{i}",
            )
            for i in range(damp)
        ]
    )
    Household.objects.bulk_create([Household(property_id=base + i) for i in range(damp)])
    Device.objects.bulk_create(
        [
            Device(
                device_id=f"damp-{i:05d}",
                kind="environment",
                property_id=base + i,
                room="bedroom",
                installed_on=dt.date.today(),
            )
            for i in range(damp)
        ]
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    devices = list(Device.objects.filter(device_id__startswith="damp-").order_by("pk"))
    history = []
    for device in devices:
        readings = [
            {"at": (now - dt.timedelta(hours=h)).isoformat(), "temperature": 14.5, "humidity": 82}
            for h in range(53, 0, -1)
        ]
        history.append(
            (topic_for(device.device_id), json.dumps({"readings": readings}).encode(), 0.0)
        )
    Ingestor(FloodGuard(limit=10**6)).process(history)
    assert not Alert.objects.exists()
    ingestor = Ingestor(FloodGuard(limit=10**6))
    sent: dict[int, float] = {}
    with Subscriber() as subscriber, Publisher() as publisher:
        # One home a second turns damp (a borough's damp homes do not all turn at once);
        # the ingest runs between them as `homes_ingest` does.
        got = 0
        pending = list(devices)
        next_at = time.time()
        for raw in subscriber.batches(size=200, wait=0.05, idle=5):
            if pending and time.time() >= next_at:
                device = pending.pop(0)
                payload = {"at": timezone.now().isoformat(), "temperature": 14.5, "humidity": 82}
                sent[device.property_id] = time.time()
                publisher.publish(topic_for(device.device_id), json.dumps(payload).encode())
                next_at += 1.0
            got += len(raw)
            if raw:
                ingest_and_evaluate(ingestor, raw)
            if got >= len(devices):
                break
    made = {
        a.property_id: a.case.created_at.timestamp() for a in Alert.objects.select_related("case")
    }
    waits = sorted(1000 * (made[p] - sent[p]) for p in sent if p in made)
    return {
        "cases": len(made),
        "homes": len(devices),
        "median_ms": statistics.median(waits),
        "p95_ms": waits[max(0, round(0.95 * len(waits)) - 1)],
    }


def storage() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('homes_reading')"
        )
        reading_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM homes_reading")
        readings = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_total_relation_size('homes_hourlyreading'), count(*) "
            "FROM homes_hourlyreading"
        )
        hour_bytes, hours = cursor.fetchone()
    per_reading = float(reading_bytes) / readings
    per_hour = float(hour_bytes) / hours
    year = per_reading * 4 * 24 * 365 + per_hour * 24 * 365
    return {
        "per_reading": per_reading,
        "per_hour": per_hour,
        "device_year_mb": year / 1e6,
        "readings": readings,
    }


def chart(devices: int, requests: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from borough.homes.charts import home_charts
    from borough.homes.models import Device
    from borough.homes.selectors import hours_of, rules

    ids = list(
        Device.objects.filter(kind="environment")
        .order_by("pk")
        .values_list("pk", flat=True)[:devices]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO homes_hourlyreading (device_id, hour, count, temperature, humidity, co2, "
            "faults) SELECT d, date_trunc('hour', now()) - make_interval(hours => h), 4, "
            "18 + random() * 4, 50 + random() * 20, 700, 0 FROM unnest(%s::bigint[]) d, "
            "generate_series(1, 2160) h ON CONFLICT DO NOTHING",
            [ids],
        )
        cursor.execute("ANALYZE homes_hourlyreading")
    target = ids[len(ids) // 2]
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        now = timezone.now()
        rows = hours_of([target], now - dt.timedelta(days=90))
        home_charts(rows, days=90, rules=rules(), now=now)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return {
        "rows": len(rows),
        "median_ms": statistics.median(times),
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--rate", type=float, default=300, help="messages a second the devices publish together"
    )
    parser.add_argument("--damp", type=int, default=40)
    parser.add_argument("--chart-devices", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=50)
    options = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    header = machine()
    fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BOROUGH_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.utils import timezone

    from borough.homes.telemetry import topic_for

    setup_homes(options.devices)
    now = timezone.now()
    messages = []
    for r in range(options.rounds):
        at = (now - dt.timedelta(minutes=15 * (options.rounds - r))).isoformat()
        for i in range(options.devices):
            body = (
                {"at": at, "temperature": 19.5, "humidity": 52, "co2": 700, "battery": 90}
                if i % 2 == 0
                else {"at": at, "boiler": "on"}
            )
            messages.append((topic_for(f"env-{i:06d}"), json.dumps(body).encode()))
    drain.messages = messages  # type: ignore[attr-defined]
    baseline = drain(len(messages), store=False, rate=options.rate)
    ingest = drain(len(messages), store=True, rate=options.rate)
    sizes = storage()
    late = latency(options.damp)
    query = chart(options.chart_devices, options.requests)

    rate = ingest["stored"] / ingest["ingest_seconds"]
    base_rate = baseline["seen"] / baseline["ingest_seconds"]
    print(f"Homes benchmark, {started}: `bench/homes.py {' '.join(sys.argv[1:])}`")
    print(f"Machine: {header}; Mosquitto at 127.0.0.1:1883; {url.rsplit('/', 1)[1]}")
    print()
    print("| measurement | result |")
    print("|---|---:|")
    print(
        f"| baseline: {baseline['seen']:,} messages received and counted only | "
        f"{base_rate:,.0f} messages/s |"
    )
    print(
        f"| ingest: {ingest['stored']:,} of {len(messages):,} messages from {options.devices:,} "
        f"devices stored, roll-ups and rules run | {rate:,.0f} messages/s "
        f"({rate / base_rate:.2f} of the baseline) |"
    )
    print(
        f"| devices' publishing rate (QoS 1; 50,000 devices every 15 minutes is 56/s) | "
        f"{len(messages) / ingest['publish_seconds']:,.0f} messages/s |"
    )
    print(
        "| ingest's capacity: messages stored per second of its own work (batches, roll-ups, "
        f"rules) | {ingest['stored'] / max(ingest['busy_seconds'], 1e-9):,.0f} messages/s |"
    )
    print(
        f"| ingest behind when the publisher finished | "
        f"{ingest['backlog_when_publisher_done']:,} messages |"
    )
    print(
        f"| publish to case, {late['cases']} of {late['homes']} damp homes | median "
        f"{late['median_ms']:.0f} ms, p95 {late['p95_ms']:.0f} ms |"
    )
    print(
        f"| storage per reading (partitions and indexes) / per hourly roll-up | "
        f"{sizes['per_reading']:.0f} B / {sizes['per_hour']:.0f} B |"
    )
    print(
        f"| storage per device per year (a reading every 15 min, with roll-ups) | "
        f"{sizes['device_year_mb']:.1f} MB |"
    )
    print(
        f"| 90-day chart of one home ({query['rows']:,} hours; roll-ups of "
        f"{options.chart_devices:,} devices × 90 days in the table) | median "
        f"{query['median_ms']:.1f} ms, p95 {query['p95_ms']:.1f} ms |"
    )


if __name__ == "__main__":
    main()
