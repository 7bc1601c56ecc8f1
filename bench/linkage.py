"""Benchmark the linkage engine on generated extracts with ground truth (issue 6).

    python bench/linkage.py                       # 100k accuracy, 1M and 5M end to end
    python bench/linkage.py --records 100000      # one size only
    python bench/linkage.py --keep DIR            # keep the linked 1M database in DIR
    python bench/linkage.py --records 5000000 --work DIR --db-dir var/bench/db
                                                  # extracts made elsewhere (read only)

For each size it generates extracts from 8 source systems (not timed with the pipeline: shown
on its own line), then runs the pipeline in a fresh child process, so the peak memory reported
is the pipeline's alone: the child's maximum resident set size (getrusage), which includes
DuckDB's memory as DuckDB runs inside the process. The stages are those of a full
``python -m borough.linkage ingest``, ``standardise`` and ``link`` (with the gazetteer): ingest,
standardise, blocking analysis (the exact pair counts ``link`` prints), train (EM, no labels),
predict and cluster, person ids, the snapshot for incremental runs, gazetteer, households,
golden record, data quality tables and review band; then evaluation against the truth (pairwise
precision, recall, F1 and cluster-level scores; up to 1,000,000 records). Each stage shows wall
time, processor time (every thread) and the peak memory so far.

The extracts are kept under --work (default var/bench/linkage) and reused when present; the
database and models go beside them, or under --db-dir.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCES = 8
#: Source records per generated person with 8 sources (measured: 28,690 records for 10,000).
RECORDS_PER_PERSON = 2.87


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def generate(records: int, work: Path) -> tuple[Path, float | None]:
    folder = work / f"records-{records}"
    if (folder / "truth.csv").exists():
        return folder, None
    people = round(records / RECORDS_PER_PERSON)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "borough.linkage",
            "generate",
            "--people",
            str(people),
            "--sources",
            str(SOURCES),
            "--seed",
            "1",
            "--out",
            str(folder),
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return folder, time.perf_counter() - started


def pipeline(folder: Path, db_path: Path, evaluate_truth: bool) -> dict:
    """Run every stage in this process and return the timings (the child's entry point).

    The stages are those of ``python -m borough.linkage link`` on a fresh database (see
    ``cli.cmd_link``): train, blocking analysis, predict and cluster, person ids, the snapshot
    the next incremental run starts from, then the gazetteer, households, golden record, data
    quality tables and review band."""
    import duckdb

    from borough.linkage import link as linkage
    from borough.linkage.evaluate import evaluate
    from borough.linkage.golden import build_golden, load_rules
    from borough.linkage.households import build_households, load_gazetteer
    from borough.linkage.incremental import write_snapshot
    from borough.linkage.ingest import ingest
    from borough.linkage.person_ids import assign_person_ids
    from borough.linkage.quality import build_quality
    from borough.linkage.review import write_review_pairs
    from borough.linkage.standardise import standardise_table

    if db_path.exists():
        db_path.unlink()
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rss: dict[str, float] = {}
    result: dict = {"timings": timings, "cpu": cpu, "rss_mb": rss, "load_before": _load()}

    def cpu_seconds() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread, DuckDB's included
        return usage.ru_utime + usage.ru_stime

    def stage(name, fn):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        value = fn()
        timings[name] = time.perf_counter() - started
        cpu[name] = cpu_seconds() - cpu_started
        # The peak so far: a stage's own peak shows where it first rises.
        rss[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return value

    con = duckdb.connect(str(db_path))
    mappings = sorted(folder.glob("*.yaml"))
    summary = stage("ingest", lambda: ingest(mappings, con, force=True))
    result["records"] = summary.total
    stage("standardise", lambda: standardise_table(con))
    linker = linkage.make_linker(con)
    counts = stage("blocking analysis", lambda: linkage.blocking_counts(linker))
    result["pairs_scored"] = counts[-1].cumulative if counts else 0
    result["largest_block"] = max((count.largest_block for count in counts), default=0)
    stage("train", lambda: linkage.train(linker, seed=1))
    model_path = linkage.save_model(linker, db_path.parent / "models")
    kept, clusters = stage("predict and cluster", lambda: linkage.predict_and_cluster(linker, con))
    result["pairs_kept"], result["clusters"] = kept, clusters
    stage("person ids", lambda: assign_person_ids(con, model=str(model_path), threshold=0.99))
    stage("snapshot for incremental", lambda: write_snapshot(con))
    gazetteer = folder / "gazetteer.csv"
    if gazetteer.exists():
        stage("gazetteer", lambda: load_gazetteer(con, gazetteer))
    stage("households", lambda: build_households(con))
    stage("golden record", lambda: build_golden(con, load_rules()))
    stage("quality tables", lambda: build_quality(con))
    stage("review band", lambda: write_review_pairs(con))
    result["pipeline_seconds"] = sum(timings.values())
    result["pipeline_cpu_seconds"] = sum(cpu.values())
    before_linking = ("ingest", "standardise")
    result["linking_seconds"] = sum(v for k, v in timings.items() if k not in before_linking)
    result["linking_cpu_seconds"] = sum(v for k, v in cpu.items() if k not in before_linking)
    if evaluate_truth:
        scores = stage("evaluate", lambda: evaluate(con, folder / "truth.csv"))
        result["scores"] = {
            "precision": scores.precision,
            "recall": scores.recall,
            "f1": scores.f1,
            "cluster_accuracy": scores.cluster_accuracy,
            "clusters_exactly_right": scores.clusters_exactly_right,
            "bcubed_precision": scores.bcubed_precision,
            "bcubed_recall": scores.bcubed_recall,
            "bcubed_f1": scores.bcubed_f1,
            "people": scores.people,
        }
    con.close()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["load_after"] = _load()
    return result


def run_size(records: int, work: Path, db_dir: Path | None, keep: Path | None) -> dict:
    folder, generate_seconds = generate(records, work)
    if db_dir is None:
        db_path = folder / "people.duckdb"
    else:
        db_path = db_dir / f"records-{records}" / "people.duckdb"
        db_path.parent.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", str(folder), str(db_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"the pipeline for {records:,} records failed (above)")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["generate_seconds"] = generate_seconds
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        target = keep / f"people-{records // 1_000_000}m.duckdb"
        shutil.copy(db_path, target)
        result["kept_at"] = str(target)
    return result


def report(records: int, result: dict) -> None:
    print(
        f"\n== {records:,} source records (load average before {result['load_before']}, "
        f"after {result['load_after']})"
    )
    if result["generate_seconds"] is not None:
        print(f"  generate (not in the total):  {result['generate_seconds']:8.1f} s")
    else:
        print("  generate: reused extracts from an earlier run")
    print(f"  {'stage':<28}  {'wall':>8}    {'CPU':>8}    {'peak so far':>11}")
    for name, seconds in result["timings"].items():
        print(
            f"  {name:<28}  {seconds:8.1f} s  {result['cpu'][name]:8.1f} s  "
            f"{result['rss_mb'][name]:8.0f} MB"
        )
    print(
        f"  {'pipeline total (no evaluate)':<28}  {result['pipeline_seconds']:8.1f} s  "
        f"{result['pipeline_cpu_seconds']:8.1f} s"
    )
    print(
        f"  {'after standardise':<28}  {result['linking_seconds']:8.1f} s  "
        f"{result['linking_cpu_seconds']:8.1f} s"
    )
    print(f"  peak memory (max RSS):        {result['peak_rss_mb']:8.0f} MB")
    print(
        f"  records {result['records']:,}; pairs scored {result['pairs_scored']:,} "
        f"(largest block {result['largest_block']:,}); kept {result['pairs_kept']:,}; "
        f"people {result['clusters']:,}"
    )
    scores = result.get("scores")
    if scores:
        print(
            f"  pairwise precision {scores['precision']:.4f}  recall {scores['recall']:.4f}  "
            f"F1 {scores['f1']:.4f}\n"
            f"  people exactly one cluster {scores['cluster_accuracy']:.4f}; clusters exactly "
            f"one person {scores['clusters_exactly_right']:.4f}\n"
            f"  B-cubed precision {scores['bcubed_precision']:.4f}  recall "
            f"{scores['bcubed_recall']:.4f}  F1 {scores['bcubed_f1']:.4f} "
            f"({scores['people']:,} true people)"
        )
    if result.get("kept_at"):
        print(f"  linked database kept at {result['kept_at']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument(
        "--records",
        type=int,
        action="append",
        help="source records to link (repeatable); default 100,000, 1,000,000 and 5,000,000",
    )
    parser.add_argument("--work", default=str(ROOT / "var" / "bench" / "linkage"))
    parser.add_argument(
        "--db-dir",
        help="where the databases and models go (default: beside the extracts in --work, "
        "which may then be read only)",
    )
    parser.add_argument("--keep", help="copy the linked 1,000,000-record database into this folder")
    args = parser.parse_args(argv)
    if args.child:
        folder, db_path = (Path(value) for value in args.child)
        records_wanted = int(folder.name.rsplit("-", 1)[-1])
        print(json.dumps(pipeline(folder, db_path, evaluate_truth=records_wanted <= 1_000_000)))
        return 0
    sizes = args.records or [100_000, 1_000_000, 5_000_000]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average now {_load()} (shared machine)"
    )
    for records in sizes:
        keep = Path(args.keep) if args.keep and records == 1_000_000 else None
        db_dir = Path(args.db_dir) if args.db_dir else None
        report(records, run_size(records, work, db_dir, keep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
