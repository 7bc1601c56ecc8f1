"""Benchmark: time and peak memory of `seed_demo` at 10,000 and 100,000 residents.

Each size runs in a fresh process on a fresh SQLite database (the embedded default), three times
for 10,000 and once for 100,000 (set BENCH_REPEAT to change), and reports the median wall time,
the peak resident memory of the process (ru_maxrss), and rows written. A trivial baseline (a
process that starts Django and migrates, with no demo data) is measured in the same run, so the
numbers can be read as ratios on a noisy machine.

Usage: .venv/bin/python bench/seed.py   (or `make bench`)
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))

CHILD = r"""
import json, os, resource, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
residents = int(sys.argv[1])
start = time.perf_counter()
if residents:
    call_command("seed_demo", residents=residents, seed=2026, verbosity=0, stdout=open(os.devnull, "w"))
elapsed = time.perf_counter() - start
from borough.cases.models import Case, CaseEvent
from borough.contacts.models import Contact, FormSession
from borough.people.models import Resident
from borough.places.models import Property
rows = sum(m.objects.count() for m in (Case, CaseEvent, Contact, FormSession, Resident, Property))
print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": rows, "cases": Case.objects.count()}))
"""


def run(residents: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "BOROUGH_VAR_DIR": tmp,
            "BOROUGH_LOG_LEVEL": "WARNING",
        }
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(residents)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    baseline = [run(0) for _ in range(REPEAT)]
    base_mb = statistics.median(r["peak_mb"] for r in baseline)
    print(
        f"seed_demo benchmark, {started}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite"
    )
    print(f"baseline (django + migrate, no data): peak {base_mb:.0f} MB")
    print(
        "| residents | runs | median seconds | peak memory MB | memory over baseline MB | rows written | cases |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in SIZES:
        runs = [run(size) for _ in range(REPEAT if size <= 10000 else 1)]
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_mb"] for r in runs)
        print(
            f"| {size:,} | {len(runs)} | {seconds:.1f} | {peak:.0f} | {peak - base_mb:.0f} | "
            f"{runs[0]['rows']:,} | {runs[0]['cases']:,} |"
        )


if __name__ == "__main__":
    main()
