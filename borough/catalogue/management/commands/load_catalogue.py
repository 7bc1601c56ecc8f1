from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from borough.catalogue.definitions import DefinitionError
from borough.catalogue.services import catalogue_load, catalogue_path


class Command(BaseCommand):
    help = "Check and load the service catalogue (LGSL list and service definitions)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=None)

    def handle(self, *args, file: Path, **options):
        try:
            file = file or catalogue_path()
            catalogue = catalogue_load(file)
        except DefinitionError as error:
            problems = "\n".join(f"  {p}" for p in error.problems)
            raise CommandError(f"The catalogue was not loaded. Problems:\n{problems}") from None
        except FileNotFoundError:
            raise CommandError(f"There is no catalogue file at {file}") from None
        # The starter response templates need the teams and services just loaded. Cases sits
        # above catalogue, so the command (an entry point, not the catalogue app's code) asks
        # for them by name rather than the catalogue importing cases.
        from django.apps import apps

        added = 0
        if apps.is_installed("borough.cases"):
            from borough.cases.response_templates import response_templates_seed

            added = response_templates_seed()
        self.stdout.write(
            f"Loaded {len(catalogue.services)} services in {len(catalogue.categories)} categories"
            f" and {added} new response templates."
        )
