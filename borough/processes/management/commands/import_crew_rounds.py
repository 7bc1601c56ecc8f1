from django.core.management.base import BaseCommand, CommandError

from borough.processes.crew import import_crew_rounds


class Command(BaseCommand):
    help = (
        "Import the crews' in-cab round records (CSV) that missed bin reports are checked against."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            report = import_crew_rounds(handle)
        if not report.ok:
            raise CommandError("Nothing was imported:\n" + "\n".join(report.errors[:50]))
        self.stdout.write(f"{report.rounds} round(s), {report.records} new record(s)")
