"""``manage.py load_catalogue``: the service catalogue, then the starter response templates.

The command lives in ``cases``, not ``catalogue``: the templates are a ``cases`` concept that
needs the teams and services just loaded, and ``catalogue`` sits below ``cases`` and never
imports it (ADR 0006, ADR 0026).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from borough.cases.response_templates import response_templates_seed
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
        added = response_templates_seed()
        self.stdout.write(
            f"Loaded {len(catalogue.services)} services in {len(catalogue.categories)} categories"
            f" and {added} new response templates."
        )
