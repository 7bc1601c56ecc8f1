"""``python -m borough.linkage <command>``: the engine's command line.

ingest MAPPING.yaml ... --db people.duckdb [--force]
standardise --db people.duckdb
link --db people.duckdb [--decisions decisions.csv] [--gazetteer llpg.csv] [--incremental]
     [--model MODEL.json] [--backend duckdb|spark]
add MAPPING.yaml ... --db people.duckdb      (new and changed records; then link --incremental)
households | golden | review --db people.duckdb
quality --db people.duckdb --out DIR

generate, ingest, standardise, link and run draw a progress bar on a terminal, none elsewhere
(--progress and --no-progress decide instead).
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import duckdb

from borough.core.progress import ENV_VAR as PROGRESS_ENV_VAR
from borough.core.progress import Steps, say

from .evaluate import evaluate
from .generate import generate
from .golden import GoldenRulesError, build_golden, load_rules
from .households import (
    GazetteerError,
    build_households,
    evaluate_addresses,
    has_address_matches,
    load_gazetteer,
    truth_columns,
)
from .incremental import (
    CHANGED_TABLE,
    TOUCHED_TABLE,
    IncrementalError,
    add_records,
    link_incremental,
    write_snapshot,
)
from .ingest import ingest
from .link import BACKENDS, link
from .mapping import IngestError
from .person_ids import assign_person_ids
from .quality import build_quality, write_quality_csv
from .review import (
    DecisionsError,
    load_decisions,
    write_review_pairs,
)
from .schema import CLUSTER_THRESHOLD, PREDICT_THRESHOLD
from .standardise import STEPS as STANDARDISE_STEPS
from .standardise import standardise_table


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(path)


def _error(error: Exception) -> None:
    say(str(error), write=lambda text: print(text, file=sys.stderr))


def cmd_ingest(args) -> int:
    with (
        _connect(args.db) as con,
        Steps("ingest", len(args.mappings) + 1, show=args.progress) as steps,
    ):
        try:
            summary = ingest(
                args.mappings,
                con,
                force=args.force,
                set_aside_repeats=getattr(args, "set_aside_repeated_ids", False),
                progress=steps.start,
            )
        except IngestError as error:
            _error(error)
            return 1
    for source, count in summary.records_by_source.items():
        say(f"{source}: {count} records")
    say(f"loaded {summary.total} records into {args.db}")
    if summary.set_aside:
        say(
            f"set aside {summary.set_aside} rows whose id repeats (not loaded; listed in "
            "dq_set_aside and by the quality command)"
        )
    return 0


def cmd_standardise(args) -> int:
    with (
        _connect(args.db) as con,
        Steps("standardise", STANDARDISE_STEPS, show=args.progress) as steps,
    ):
        count = standardise_table(con, progress=steps.start)
    say(f"standardised {count} records")
    return 0


def cmd_generate(args) -> int:
    with Steps("generate", args.sources + 2, show=args.progress) as steps:
        summary = generate(
            people=args.people,
            sources=args.sources,
            seed=args.seed,
            out=args.out,
            progress=steps.start,
        )
    for source, count in summary.records_by_source.items():
        say(f"{source}: {count} records")
    say(f"{summary.people} people; mappings and truth.csv in {args.out}")
    return 0


def _load_decisions(con, args) -> bool:
    if not getattr(args, "decisions", None):
        return True
    try:
        count = load_decisions(con, args.decisions)
    except DecisionsError as error:
        _error(error)
        return False
    say(f"decisions stored: {count}")
    return True


#: The steps of :func:`_after_link`, besides loading a gazetteer.
AFTER_LINK_STEPS = 4


def _after_link(con, args, steps: Steps, *, incremental: bool = False) -> int:
    """Households, golden record, data quality and the review band for the run just made."""
    new_gazetteer = bool(getattr(args, "gazetteer", None))
    try:
        rules = load_rules(getattr(args, "golden_rules", None))
        if new_gazetteer:
            steps.start("loading the gazetteer")
            say(f"gazetteer: {load_gazetteer(con, args.gazetteer):,} addresses")
    except (GoldenRulesError, GazetteerError) as error:
        _error(error)
        return 1
    # An incremental run matches only its new and changed records' addresses, unless a new
    # gazetteer came with it.
    rematch = CHANGED_TABLE if incremental and not new_gazetteer else None
    steps.start("grouping households")
    say(f"households: {build_households(con, only_records=rematch).summary()}")
    only = TOUCHED_TABLE if incremental else None
    steps.start("choosing golden records")
    say(f"golden records: {build_golden(con, rules, only=only):,} people (re)built")
    steps.start("checking data quality")
    duplicates, conflicts = build_quality(con, only=only)
    say(f"data quality: {duplicates:,} duplicates inside a system, {conflicts:,} conflicts")
    lower = getattr(args, "review_lower", None) or PREDICT_THRESHOLD
    # Pairs near the threshold are uncertain on both sides of it: the band reaches 0.99 (or the
    # threshold, when one higher was given), so an officer can also undo a doubtful link.
    upper = max(args.threshold or 0.0, CLUSTER_THRESHOLD)
    steps.start("listing pairs to review")
    count = write_review_pairs(con, lower=lower, upper=upper, only=only)
    say(f"pairs to review ({lower} <= p < {upper}): {count:,}")
    return 0


def cmd_link(args) -> int:
    # Incremental: one step, then the rest; else pairs, training (without a model), predicting,
    # person ids.
    linking = 1 if getattr(args, "incremental", False) else 4 + (args.model is None)
    total = linking + AFTER_LINK_STEPS + bool(getattr(args, "gazetteer", None))
    with _connect(args.db) as con, Steps("link", total, show=args.progress) as steps:
        if not _load_decisions(con, args):
            return 1
        if getattr(args, "incremental", False):
            steps.start("linking new and changed records")
            try:
                incremental = link_incremental(con, threshold=args.threshold, model=args.model)
            except IncrementalError as error:
                _error(error)
                return 1
            say(f"incremental link: {incremental.summary()}")
            return _after_link(con, args, steps, incremental=True)
        result, counts = link(
            con,
            models_dir=args.models_dir,
            model=args.model,
            threshold=args.threshold,
            seed=args.seed,
            backend=args.backend,
            spark_master=args.spark_master,
            progress=steps.start,
        )
        if result.labelled:
            say(f"training used {result.labelled:,} pairs people confirmed")
        if args.threshold is None:
            say(f"threshold chosen from the data: {result.threshold:.4f}")
        args.threshold = result.threshold
        if result.refused:
            refused = ", ".join(f"{reason}: {n:,}" for reason, n in result.refused.items())
            say(f"joins refused by the clustering checks: {refused}")
        model = str(result.model_path) if result.model_path else None
        steps.start("assigning person ids")
        assignment = assign_person_ids(con, model=model, threshold=result.threshold)
        write_snapshot(con)
        code = _after_link(con, args, steps)
    say("pairs compared, by blocking rule (each rule counts only pairs no earlier rule made),")
    say("and the records in its largest block:")
    for count in counts:
        say(f"  {count.comparisons:>10,}  {count.largest_block:>6,}  {count.rule}")
    say(f"  {result.pairs_scored:>10,}  in all, for {result.records:,} records")
    say(f"pairs kept (probability >= 0.5): {result.pairs_kept:,}")
    say(f"people (clusters at {result.threshold:.4f}): {result.clusters:,}")
    if result.model_path:
        say(f"model: {result.model_path}")
    say(f"person ids: {assignment.summary()}")
    return code


def cmd_add(args) -> int:
    with _connect(args.db) as con:
        try:
            counts = add_records(con, args.mappings)
        except IngestError as error:
            _error(error)
            return 1
    say(f"added {counts['new']} new and {counts['changed']} changed records")
    say("link them with: python -m borough.linkage link --incremental --db " + args.db)
    return 0


def cmd_households(args) -> int:
    with _connect(args.db) as con:
        if args.gazetteer:
            try:
                say(f"gazetteer: {load_gazetteer(con, args.gazetteer):,} addresses")
            except GazetteerError as error:
                _error(error)
                return 1
        say(build_households(con).summary())
        if args.truth:
            say(evaluate_addresses(con, args.truth).summary())
    return 0


def cmd_golden(args) -> int:
    try:
        rules = load_rules(args.rules)
    except GoldenRulesError as error:
        _error(error)
        return 1
    with _connect(args.db) as con:
        say(f"golden records: {build_golden(con, rules):,} people")
    return 0


def cmd_quality(args) -> int:
    with _connect(args.db) as con:
        duplicates, conflicts = build_quality(con)
        paths = write_quality_csv(con, args.out)
    say(f"{duplicates:,} duplicates inside a system, {conflicts:,} conflicts across systems")
    for path in paths:
        say(f"  {path}")
    return 0


def cmd_review(args) -> int:
    with _connect(args.db) as con:
        count = write_review_pairs(con, lower=args.lower, upper=args.upper)
    say(f"pairs to review ({args.lower} <= p < {args.upper}): {count:,}")
    return 0


def cmd_evaluate(args) -> int:
    with _connect(args.db) as con:
        say(evaluate(con, args.truth).summary())
        if has_address_matches(con) and "uprn" in truth_columns(args.truth):
            say(evaluate_addresses(con, args.truth).summary())
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
        default=None,
        help="match probability at which two records are one person (default: chosen from the "
        "data, the best expected F1 at an expected precision of at least 0.995; an incremental "
        "run keeps the last run's)",
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
    progress_option = argparse.ArgumentParser(add_help=False)
    progress_option.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"draw progress bars on standard error (default: only on a terminal, unless "
        f"{PROGRESS_ENV_VAR} is 1 or 0)",
    )
    add_command = functools.partial(commands.add_parser, parents=[progress_option])

    command = add_command("ingest", help="load extracts described by YAML mappings")
    command.add_argument("mappings", nargs="+", help="one YAML mapping per source")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument(
        "--force", action="store_true", help="load an extract much smaller than last time"
    )
    command.add_argument(
        "--set-aside-repeated-ids",
        action="store_true",
        help="load the good rows and set aside the rows whose id repeats (default: refuse)",
    )
    command.set_defaults(run=cmd_ingest)

    command = add_command("standardise", help="build the clean table from the records")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.set_defaults(run=cmd_standardise)

    command = add_command(
        "generate", help="write synthetic extracts from several sources with the truth"
    )
    command.add_argument("--people", type=int, required=True)
    command.add_argument("--sources", type=int, default=4, help="how many systems (1 to 8)")
    command.add_argument("--seed", type=int, default=1)
    command.add_argument("--out", required=True, help="folder for the extracts and truth.csv")
    command.set_defaults(run=cmd_generate)

    command = add_command("link", help="train (or load) the model, predict and cluster")
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

    command = add_command("add", help="load new and changed records (same mappings)")
    command.add_argument("mappings", nargs="+", help="one YAML mapping per extract")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.set_defaults(run=cmd_add)

    command = add_command("households", help="group the people by where they live")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--gazetteer", help="LLPG extract (CSV or Parquet)")
    command.add_argument("--truth", help="generator's truth.csv, to score the address matches")
    command.set_defaults(run=cmd_households)

    command = add_command("golden", help="choose each person's values by the rules")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--rules", help="YAML rules (the built-in rules if not given)")
    command.set_defaults(run=cmd_golden)

    command = add_command("quality", help="duplicates and conflicts, written as CSV")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--out", required=True, help="folder for the CSV files")
    command.set_defaults(run=cmd_quality)

    command = add_command("review", help="list the uncertain pairs for people to decide")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--lower", type=float, default=PREDICT_THRESHOLD)
    command.add_argument("--upper", type=float, default=CLUSTER_THRESHOLD)
    command.set_defaults(run=cmd_review)

    command = add_command("evaluate", help="score the clusters against a truth CSV")
    command.add_argument("--db", required=True, help="DuckDB database file")
    command.add_argument("--truth", required=True, help="CSV of source, source_id, person_id")
    command.set_defaults(run=cmd_evaluate)

    command = add_command("run", help="generate, then ingest, standardise, link, evaluate")
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
