"""Benchmark: link 10,000 new and changed records into a linked database of about 1,000,000.

    .venv/bin/python bench/linkage_incremental.py --work /tmp/linkage-incr [--people 630000]

The first run builds the base in --work (generate about a million records in 4 systems, hold out
1% of every extract as "new" records, ingest the rest, standardise, full link with a trained
model); later runs reuse it. Each repeat copies the linked base, then times ``add_records``
(read, standardise and upsert the new and changed rows) and ``link_incremental`` by stage, and
checks that every person not touched kept their id. Medians over --repeats are printed; the
full link of the base is the baseline the ratio is against.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from borough.linkage.generate import generate  # noqa: E402
from borough.linkage.golden import build_golden  # noqa: E402
from borough.linkage.households import build_households  # noqa: E402
from borough.linkage.incremental import (  # noqa: E402
    CHANGED_TABLE,
    TOUCHED_TABLE,
    add_records,
    link_incremental,
    write_snapshot,
)
from borough.linkage.ingest import ingest  # noqa: E402
from borough.linkage.link import link  # noqa: E402
from borough.linkage.person_ids import assign_person_ids  # noqa: E402
from borough.linkage.quality import build_quality  # noqa: E402
from borough.linkage.review import write_review_pairs  # noqa: E402
from borough.linkage.standardise import standardise_table  # noqa: E402

NEW_SHARE = 0.0095  # held out of every extract: about 9,500 new records
CHANGED = 500  # existing records re-sent with a new phone number


def _split(path: Path, rng: random.Random, new_dir: Path, changed_left: list[int]) -> None:
    """Move NEW_SHARE of the extract's rows into new_dir, plus some changed copies."""
    mapping_path = path.with_suffix(".yaml")
    mapping = yaml.safe_load(mapping_path.read_text(encoding="utf-8"))
    phone = mapping["columns"].get("phone")
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        rows, header = table.to_pylist(), table.column_names
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows, header = list(reader), list(reader.fieldnames)
    held = set(rng.sample(range(len(rows)), int(len(rows) * NEW_SHARE)))
    keep = [row for index, row in enumerate(rows) if index not in held]
    new = [row for index, row in enumerate(rows) if index in held]
    take = min(changed_left[0], len(keep) // 100) if phone else 0
    changed_left[0] -= take
    for row in rng.sample(keep, take):
        changed = dict(row)
        changed[phone] = f"07700 9{rng.randrange(100000):05d}"  # a new number of their own
        new.append(changed)

    def write(target: Path, data: list[dict]) -> None:
        if target.suffix == ".parquet":
            import pyarrow as pa

            pq.write_table(pa.Table.from_pylist(data, schema=table.schema), target)
        else:
            with target.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=header)
                writer.writeheader()
                writer.writerows(data)

    write(path, keep)
    write(new_dir / path.name, new)
    shutil.copy(mapping_path, new_dir / mapping_path.name)


def prepare(work: Path, people: int) -> dict:
    extracts, new_dir = work / "extracts", work / "new"
    base = work / "base.duckdb"
    info_path = work / "base.json"
    if info_path.exists():
        return json.loads(info_path.read_text())
    shutil.rmtree(work, ignore_errors=True)
    new_dir.mkdir(parents=True)
    started = time.perf_counter()
    summary = generate(people=people, sources=4, seed=1, out=extracts)
    rng = random.Random(1)
    changed_left = [CHANGED]
    for mapping in summary.mappings:
        source = yaml.safe_load(mapping.read_text(encoding="utf-8"))
        _split(extracts / source["path"], rng, new_dir, changed_left)
    generated = time.perf_counter() - started
    con = duckdb.connect(str(base))
    ingest(summary.mappings, con)
    standardise_table(con)
    started = time.perf_counter()
    result, _ = link(con, models_dir=work / "models")
    assign_person_ids(con, model=str(result.model_path), threshold=0.99)
    write_snapshot(con)
    full_link = time.perf_counter() - started
    records = con.execute("SELECT count(*) FROM records").fetchone()[0]
    con.close()
    info = {"records": records, "full_link_seconds": full_link, "generate_seconds": generated}
    info_path.write_text(json.dumps(info))
    return info


def synthesise_delta(base: Path, out: Path, *, new: int = 9_500, changed: int = 500) -> list[Path]:
    """For a linked database made elsewhere (``--base``): an extract of ``new`` records that are
    copies of random existing records under a new system's ids with a fresh phone number (so
    each should join its person), and ``changed`` existing records re-sent with a new phone."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(base), read_only=True)
    count = int(new + changed)
    rows = con.execute(
        f"SELECT * FROM records USING SAMPLE reservoir({count} ROWS) REPEATABLE (1)"  # noqa: S608
    ).fetchall()
    columns = [column[0] for column in con.execute("DESCRIBE records").fetchall()]
    con.close()
    paths = []
    for name, chunk, fresh in (("late", rows[:new], True), ("resent", rows[new:], False)):
        data = []
        for index, row in enumerate(chunk):
            record = dict(zip(columns, row, strict=True))
            record["phone"] = f"07700 9{index % 100000:05d}"
            if fresh:
                record["source_id"] = f"L{index:06d}"
            data.append(record)
        by_source: dict[str, list[dict]] = {}
        for record in data:
            by_source.setdefault("late" if fresh else record["source"], []).append(record)
        for source, records in by_source.items():
            fields = [c for c in columns if c not in ("record_id", "source")]
            csv_path = out / f"{name}-{source}.csv"
            with csv_path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(records)
            mapping = {
                "source": source,
                "path": csv_path.name,
                "date_formats": {"dob": "%Y-%m-%d", "last_seen": "%Y-%m-%d"},
                "columns": {field: field for field in fields},
            }
            mapping_path = out / f"{name}-{source}.yaml"
            mapping_path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
            paths.append(mapping_path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", default="linkage-incremental-work")
    parser.add_argument("--people", type=int, default=630_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--base",
        help="a linked DuckDB file made elsewhere (e.g. by bench/linkage.py): the 10,000 records "
        "are then copies of its records under new ids, plus changed ones",
    )
    parser.add_argument("--model", help="the base's model file, if link_runs does not say")
    parser.add_argument("--full-link-seconds", type=float, help="the base's full link time")
    args = parser.parse_args()
    work = Path(args.work)
    if args.base:
        work.mkdir(parents=True, exist_ok=True)
        shutil.copy(args.base, work / "base.duckdb")
        mappings = synthesise_delta(work / "base.duckdb", work / "synth")
        con = duckdb.connect(str(work / "base.duckdb"))
        write_snapshot(con)  # what `link` keeps; a base linked by link.link() alone has none
        if args.model:
            con.execute(
                "UPDATE link_runs SET model = ? WHERE run_id = (SELECT max(run_id) FROM link_runs)",
                [args.model],
            )
        records = con.execute("SELECT count(*) FROM records").fetchone()[0]
        con.close()
        info = {"records": records, "full_link_seconds": args.full_link_seconds or float("nan")}
    else:
        info = prepare(work, args.people)
        mappings = sorted((work / "new").glob("*.yaml"))
    print(f"base: {info['records']:,} records, full link {info['full_link_seconds']:.1f}s")
    timings: list[dict[str, float]] = []
    for repeat in range(args.repeats):
        db = work / f"run{repeat}.duckdb"
        shutil.copy(work / "base.duckdb", db)
        con = duckdb.connect(str(db))
        before = dict(
            con.execute(
                "SELECT unique_id, person_id FROM person_ids "
                "WHERE run_id = (SELECT max(run_id) FROM person_ids)"
            ).fetchall()
        )
        started = time.perf_counter()
        added = add_records(con, mappings)
        add_seconds = time.perf_counter() - started
        result = link_incremental(con)
        total = time.perf_counter() - started
        after_steps = {}
        for name, step in (
            (
                "households (new addresses matched)",
                lambda c: build_households(c, only_records=CHANGED_TABLE),
            ),
            ("golden record (touched people)", lambda c: build_golden(c, only=TOUCHED_TABLE)),
            ("quality tables (touched people)", lambda c: build_quality(c, only=TOUCHED_TABLE)),
            ("review band (touched people)", lambda c: write_review_pairs(c, only=TOUCHED_TABLE)),
        ):
            step_started = time.perf_counter()
            step(con)
            after_steps[f"after: {name}"] = time.perf_counter() - step_started
        after = dict(
            con.execute(
                "SELECT unique_id, person_id FROM person_ids WHERE run_id = ?", [result.run_id]
            ).fetchall()
        )
        changed_ids = sum(1 for u, p in before.items() if u in after and after[u] != p)
        con.close()
        db.unlink()
        stages = {"add (read, standardise, upsert)": add_seconds, **result.seconds}
        stages["total"] = total
        stages.update(after_steps)
        stages["total with the steps after"] = total + sum(after_steps.values())
        timings.append(stages)
        print(f"repeat {repeat + 1}: {added}; {result.summary()}")
        print(f"  records linked before whose person id changed: {changed_ids}")
    print(f"\nmedians over {args.repeats} runs ({info['records']:,} records in the base):")
    for stage in timings[0]:
        print(f"  {stage:<40} {statistics.median(t[stage] for t in timings):7.2f} s")
    median_total = statistics.median(t["total"] for t in timings)
    print(f"  full link of the base (baseline)   {info['full_link_seconds']:7.2f} s")
    ratio = median_total / info["full_link_seconds"]
    print(f"  ratio incremental link / full link {ratio:7.3f}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
