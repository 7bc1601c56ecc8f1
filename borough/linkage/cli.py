"""``python -m borough.linkage <command>``: the engine's command line.

ingest MAPPING.yaml ... --db people.duckdb [--force]
standardise --db people.duckdb
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
