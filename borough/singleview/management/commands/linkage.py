"""``manage.py linkage [--import] <engine command> [its arguments]``: the linkage engine's
command line (``python -m borough.linkage``), from inside Borough.

Before ``link``, the data team's match decisions are written to a CSV and given
to the engine with ``--decisions``, unless the command already names a file. With ``--import``,
the run is then loaded into the single view (``linkage_import``).
"""

import argparse
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from borough.core.actors import SystemActor
from borough.linkage.cli import main as engine_main
from borough.singleview.models import MatchDecision
from borough.singleview.services import LinkageImportError, decisions_write, linkage_import

#: Commands after which ``--import`` loads the run; only ``link`` reads decisions.
LINKING_COMMANDS = {"link", "run"}


def _option(args: list[str], name: str) -> str | None:
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "--import",
            action="store_true",
            dest="import_run",
            help="after link (or run), import the result into the single view",
        )
        parser.add_argument("engine_args", nargs=argparse.REMAINDER, help="the engine's command")

    def handle(self, *args, engine_args: list[str], import_run: bool, **options):
        if not engine_args:
            raise CommandError(
                "Name an engine command, for example: manage.py linkage link --db people.duckdb "
                "(manage.py linkage --help-engine lists them)"
            )
        if engine_args == ["--help-engine"]:
            engine_args = ["--help"]
        command = engine_args[0]
        if import_run and command not in LINKING_COMMANDS:
            raise CommandError("--import goes with the link or run command")
        with tempfile.TemporaryDirectory(prefix="borough-linkage-") as scratch:
            if (
                command == "link"
                and _option(engine_args, "--decisions") is None
                and MatchDecision.objects.exists()
            ):
                decisions = Path(scratch) / "decisions.csv"
                with decisions.open("w", encoding="utf-8", newline="") as handle:
                    count = decisions_write(handle)
                engine_args = [*engine_args, "--decisions", str(decisions)]
                self.stdout.write(f"Giving the engine {count:,} match decisions")
            try:
                code = engine_main(engine_args)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            if code:
                raise CommandError(f"The linkage engine stopped (exit code {code})")
        if import_run:
            db = _option(engine_args, "--db")
            if command == "run":
                db = str(Path(_option(engine_args, "--out") or ".") / "people.duckdb")
            assert db is not None  # the engine requires --db, and stopped above without it
            try:
                done = linkage_import(actor=SystemActor("manage.py linkage --import"), path=db)
            except LinkageImportError as error:
                raise CommandError(f"Linked, but nothing was imported: {error}") from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported run {done.run_id}: {done.people:,} people, "
                    f"{done.review_pairs:,} pairs to review"
                )
            )
