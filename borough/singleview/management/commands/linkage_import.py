from django.core.management.base import BaseCommand, CommandError

from borough.core.actors import SystemActor
from borough.singleview.services import LinkageImportError, linkage_import


class Command(BaseCommand):
    help = (
        "Load the latest run in the linkage engine's DuckDB file into the single view, "
        "replacing the previous import (all or nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--db", required=True, help="the engine's DuckDB file")

    def handle(self, *args, db: str, **options):
        try:
            done = linkage_import(actor=SystemActor("manage.py linkage_import"), path=db)
        except LinkageImportError as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported run {done.run_id} from {db}: {done.people:,} people, "
                f"{done.records:,} source records, {done.households:,} households, "
                f"{done.review_pairs:,} pairs to review"
            )
        )
