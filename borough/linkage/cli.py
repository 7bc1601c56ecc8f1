"""``python -m borough.linkage <command>``: the engine's command line.

ingest MAPPING.yaml ... --db people.duckdb [--force]
standardise --db people.duckdb
link --db people.duckdb [--decisions decisions.csv] [--gazetteer llpg.csv] [--incremental]
     [--model MODEL.json] [--backend duckdb|spark]
add MAPPING.yaml ... --db people.duckdb      (new and changed records; then link --incremental)
households | golden | review --db people.duckdb
quality --db people.duckdb --out DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from .ingest import IngestError, ingest
from .link import BACKENDS, CLUSTER_THRESHOLD, PREDICT_THRESHOLD
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


def _load_decisions(con, args) -> bool:
    from .review import DecisionsError, load_decisions

    if not getattr(args, "decisions", None):
        return True
    try:
        count = load_decisions(con, args.decisions)
    except DecisionsError as error:
        print(error, file=sys.stderr)
        return False
    print(f"decisions stored: {count}")
    return True


def _after_link(con, args, *, incremental: bool = False) -> int:
    """Households, golden record, data quality and the review band for the run just made."""
    from .golden import GoldenRulesError, build_golden, load_rules
    from .households import GazetteerError, build_households, load_gazetteer
    from .incremental import CHANGED_TABLE, TOUCHED_TABLE
    from .quality import build_quality
    from .review import write_review_pairs

    new_gazetteer = bool(getattr(args, "gazetteer", None))
    try:
        rules = load_rules(getattr(args, "golden_rules", None))
        if new_gazetteer:
            print(f"gazetteer: {load_gazetteer(con, args.gazetteer):,} addresses")
    except (GoldenRulesError, GazetteerError) as error:
        print(error, file=sys.stderr)
        return 1
    # An incremental run matches only its new and changed records' addresses, unless a new
    # gazetteer came with it.
    rematch = CHANGED_TABLE if incremental and not new_gazetteer else None
    print(f"households: {build_households(con, only_records=rematch).summary()}")
    only = TOUCHED_TABLE if incremental else None
    print(f"golden records: {build_golden(con, rules, only=only):,} people (re)built")
    duplicates, conflicts = build_quality(con, only=only)
    print(f"data quality: {duplicates:,} duplicates inside a system, {conflicts:,} conflicts")
    lower = getattr(args, "review_lower", None) or PREDICT_THRESHOLD
    upper = args.threshold
    count = write_review_pairs(con, lower=lower, upper=upper, only=only)
    print(f"pairs to review ({lower} <= p < {upper}): {count:,}")
    return 0


def cmd_link(args) -> int:
    from .incremental import IncrementalError, link_incremental, write_snapshot
    from .link import link
    from .person_ids import assign_person_ids
    from .review import current_decisions, recluster

    with _connect(args.db) as con:
        if not _load_decisions(con, args):
            return 1
        if getattr(args, "incremental", False):
            try:
                incremental = link_incremental(con, threshold=args.threshold, model=args.model)
            except IncrementalError as error:
                print(error, file=sys.stderr)
                return 1
            print(f"incremental link: {incremental.summary()}")
            return _after_link(con, args, incremental=True)
        result, counts = link(
            con,
            models_dir=args.models_dir,
            model=args.model,
            threshold=args.threshold,
            seed=args.seed,
            backend=args.backend,
            spark_master=args.spark_master,
        )
        if current_decisions(con):
            clusters = recluster(con, threshold=args.threshold)
            print(f"people after people's decisions: {clusters:,}")
        model = str(result.model_path) if result.model_path else None
        assignment = assign_person_ids(con, model=model, threshold=args.threshold)
        write_snapshot(con)
        code = _after_link(con, args)
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
    return code


def cmd_add(args) -> int:
    from .incremental import add_records

    with _connect(args.db) as con:
        try:
            counts = add_records(con, args.mappings)
        except IngestError as error:
            print(error, file=sys.stderr)
            return 1
    print(f"added {counts['new']} new and {counts['changed']} changed records")
    print("link them with: python -m borough.linkage link --incremental --db " + args.db)
    return 0


def cmd_households(args) -> int:
    from .households import GazetteerError, build_households, evaluate_addresses, load_gazetteer

    with _connect(args.db) as con:
        if args.gazetteer:
            try:
                print(f"gazetteer: {load_gazetteer(con, args.gazetteer):,} addresses")
            except GazetteerError as error:
                print(error, file=sys.stderr)
                return 1
        print(build_households(con).summary())
        if args.truth:
            print(evaluate_addresses(con, args.truth).summary())
    return 0


def cmd_golden(args) -> int:
    from .golden import GoldenRulesError, build_golden, load_rules

    try:
        rules = load_rules(args.rules)
    except GoldenRulesError as error:
        print(error, file=sys.stderr)
        return 1
    with _connect(args.db) as con:
        print(f"golden records: {build_golden(con, rules):,} people")
    return 0


def cmd_quality(args) -> int:
    from .quality import build_quality, write_quality_csv

    with _connect(args.db) as con:
        duplicates, conflicts = build_quality(con)
        paths = write_quality_csv(con, args.out)
    print(f"{duplicates:,} duplicates inside a system, {conflicts:,} conflicts across systems")
    for path in paths:
        print(f"  {path}")
    return 0


def cmd_review(args) -> int:
    from .review import write_review_pairs

    with _connect(args.db) as con:
        count = write_review_pairs(con, lower=args.lower, upper=args.upper)
    print(f"pairs to review ({args.lower} <= p < {args.upper}): {count:,}")
    return 0


def cmd_evaluate(args) -> int:
    from .evaluate import evaluate
    from .households import evaluate_addresses, has_address_matches, truth_columns

    with _connect(args.db) as con:
        print(evaluate(con, args.truth).summary())
        if has_address_matches(con) and "uprn" in truth_columns(args.truth):
            print(evaluate_addresses(con, args.truth).summary())
    return 0


def cmd_run(args) -> int:
    out = Path(args.out)
    args.db = str(out / "people.duckdb")
    args.truth = str(out / "truth.csv")
    args.mappings = sorted(str(path) for path in out.glob("*.yaml"))
    args.force = True
    args.gazetteer = str(out / "gazetteer.csv")
    steps = [cmd_generate, cmd_ingest, cmd_standardise, cmd_link, cmd_evaluate]
    for step in steps:
        if step is cmd_ingest:
            args.mappings = sorted(str(path) for path in out.glob("*.yaml"))
        code = step(args)
        if code:
            return code
    return 0


def _add_link_options(command) -> None:
    command.add_argument(
        "--golden-rules", help="YAML rules for the golden record (the built-in rules if not given)"
    )
    command.add_argument(
        "--review-lower",
        type=float,
        default=PREDICT_THRESHOLD,
        help="pairs at or above this probability (and below --threshold) are listed for review",
    )

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
    command.add_argument(
        "--decisions",
        help="CSV of people's decisions (unique_id_l,unique_id_r,decision,decided_by,decided_at)",
    )
    command.add_argument("--gazetteer", help="LLPG extract (CSV or Parquet) to match addresses to")
    command.add_argument(
        "--incremental",
        action="store_true",
        help="link only records added or changed since the last run, with its model",
    )
    _add_link_options(command)
    command.set_defaults(run=cmd_link)

    command = commands.add_parser("add", help="load new and changed records (same mappings)")
    command.add_argument("mappings", nargs="+", help="one YAML mapping per extract")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.set_defaults(run=cmd_add)

    command = commands.add_parser("households", help="group the people by where they live")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--gazetteer", help="LLPG extract (CSV or Parquet)")
    command.add_argument("--truth", help="generator's truth.csv, to score the address matches")
    command.set_defaults(run=cmd_households)

    command = commands.add_parser("golden", help="choose each person's values by the rules")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--rules", help="YAML rules (the built-in rules if not given)")
    command.set_defaults(run=cmd_golden)

    command = commands.add_parser("quality", help="duplicates and conflicts, written as CSV")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--out", required=True, help="folder for the CSV files")
    command.set_defaults(run=cmd_quality)

    command = commands.add_parser("review", help="list the uncertain pairs for people to decide")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--lower", type=float, default=PREDICT_THRESHOLD)
    command.add_argument("--upper", type=float, default=CLUSTER_THRESHOLD)
    command.set_defaults(run=cmd_review)

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
