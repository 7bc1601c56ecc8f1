"""``python -m borough.linkage <command>``: the engine's command line.

ingest MAPPING.yaml ... --db people.duckdb [--force]
standardise --db people.duckdb
link --db people.duckdb [--model MODEL.json] [--backend duckdb|spark]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from .ingest import IngestError, ingest
from .standardise import standardise_table


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(path)


def cmd_ingest(args) -> int:
    with _connect(args.db) as con:
        try:
            summary = ingest(args.mappings, con, force=args.force)
        except IngestError as error:
            print(error, file=sys.stderr)
            return 1
    for source, count in summary.records_by_source.items():
        print(f"{source}: {count} records")
    print(f"loaded {summary.total} records into {args.db}")
    return 0


def cmd_standardise(args) -> int:
    with _connect(args.db) as con:
        count = standardise_table(con)
    print(f"standardised {count} records")
    return 0


def cmd_generate(args) -> int:
    from .generate import generate

    summary = generate(people=args.people, sources=args.sources, seed=args.seed, out=args.out)
    for source, count in summary.records_by_source.items():
        print(f"{source}: {count} records")
    print(f"{summary.people} people; mappings and truth.csv in {args.out}")
    return 0


def cmd_link(args) -> int:
    from .link import link
    from .person_ids import assign_person_ids

    with _connect(args.db) as con:
        result, counts = link(
            con,
            models_dir=args.models_dir,
            model=args.model,
            threshold=args.threshold,
            seed=args.seed,
            backend=args.backend,
            spark_master=args.spark_master,
        )
        model = str(result.model_path) if result.model_path else None
        assignment = assign_person_ids(con, model=model, threshold=args.threshold)
    print("pairs compared, by blocking rule (each rule counts only pairs no earlier rule made),")
    print("and the records in its largest block:")
    for count in counts:
        print(f"  {count.comparisons:>10,}  {count.largest_block:>6,}  {count.rule}")
    print(f"  {result.pairs_scored:>10,}  in all, for {result.records:,} records")
    print(f"pairs kept (probability >= 0.5): {result.pairs_kept:,}")
    print(f"people (clusters at {args.threshold}): {result.clusters:,}")
    if result.model_path:
        print(f"model: {result.model_path}")
    print(f"person ids: {assignment.summary()}")
    return 0


def cmd_evaluate(args) -> int:
    from .evaluate import evaluate

    with _connect(args.db) as con:
        print(evaluate(con, args.truth).summary())
    return 0


def cmd_run(args) -> int:
    out = Path(args.out)
    args.db = str(out / "people.duckdb")
    args.truth = str(out / "truth.csv")
    args.mappings = sorted(str(path) for path in out.glob("*.yaml"))
    args.force = True
    steps = [cmd_generate, cmd_ingest, cmd_standardise, cmd_link, cmd_evaluate]
    for step in steps:
        if step is cmd_ingest:
            args.mappings = sorted(str(path) for path in out.glob("*.yaml"))
        code = step(args)
        if code:
            return code
    return 0


def _add_link_options(command) -> None:
    from .link import BACKENDS, CLUSTER_THRESHOLD

    command.add_argument("--models-dir", default="models", help="where trained models are kept")
    command.add_argument("--model", help="a saved model to use instead of training one")
    command.add_argument(
        "--threshold",
        type=float,
        default=CLUSTER_THRESHOLD,
        help="match probability at which two records are one person",
    )
    command.add_argument(
        "--backend",
        choices=BACKENDS,
        default="duckdb",
        help="where to predict and cluster (training is always on DuckDB); spark needs the "
        "'spark' extra and Java 17",
    )
    command.add_argument(
        "--spark-master", default="local[*]", help="Spark master URL for --backend spark"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m borough.linkage", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    command = commands.add_parser("ingest", help="load extracts described by YAML mappings")
    command.add_argument("mappings", nargs="+", help="one YAML mapping per source")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument(
        "--force", action="store_true", help="load an extract much smaller than last time"
    )
    command.set_defaults(run=cmd_ingest)

    command = commands.add_parser("standardise", help="build the clean table from the records")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.set_defaults(run=cmd_standardise)

    command = commands.add_parser(
        "generate", help="write synthetic extracts from several sources with the truth"
    )
    command.add_argument("--people", type=int, required=True)
    command.add_argument("--sources", type=int, default=4, help="how many systems (1 to 8)")
    command.add_argument("--seed", type=int, default=1)
    command.add_argument("--out", required=True, help="folder for the extracts and truth.csv")
    command.set_defaults(run=cmd_generate)

    command = commands.add_parser("link", help="train (or load) the model, predict and cluster")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--seed", type=int, default=1, help="seed for sampling u values")
    _add_link_options(command)
    command.set_defaults(run=cmd_link)

    command = commands.add_parser("evaluate", help="score the clusters against a truth CSV")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--truth", required=True, help="CSV of source, source_id, person_id")
    command.set_defaults(run=cmd_evaluate)

    command = commands.add_parser("run", help="generate, then ingest, standardise, link, evaluate")
    command.add_argument("--people", type=int, required=True)
    command.add_argument("--sources", type=int, default=4)
    command.add_argument("--seed", type=int, default=1)
    command.add_argument("--out", required=True)
    _add_link_options(command)
    command.set_defaults(run=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
