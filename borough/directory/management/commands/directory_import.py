"""manage.py directory_import FILE.json: load an Open Referral UK feed into the directory."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from borough.directory.importer import import_services


class Command(BaseCommand):
    help = "Import services from an Open Referral UK JSON file (a list or a page of services)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        try:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        report = import_services(document)
        if report.problems:
            raise CommandError("Nothing was imported:\n" + "\n".join(report.problems[:50]))
        self.stdout.write(
            f"Imported {report.services} services from {report.organisations} organisations."
        )
