"""``manage.py retention [--apply]``: show what the retention schedule would remove now (a dry
run, the default), or remove it. Counts only: nothing of what the records hold is printed."""

from django.core.management.base import BaseCommand

from borough.core.actors import SystemActor
from borough.governance.models import RecordKind
from borough.governance.retention import retention_apply


class Command(BaseCommand):
    help = "Dry run (or --apply) of the retention schedule, with counts by kind of record."

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="delete or anonymise (default: only count)"
        )

    def handle(self, *args, apply, **options):
        run = retention_apply(actor=SystemActor("manage.py retention"), dry_run=not apply)
        verb = "Removed" if apply else "Would remove"
        for kind, label in RecordKind.choices:
            if kind in run.counts:
                spared = run.spared.get(kind, 0)
                held = f" ({spared} kept by a legal hold)" if spared else ""
                self.stdout.write(f"{verb} {run.counts[kind]}: {label}{held}")
        self.stdout.write(self.style.SUCCESS(f"{verb} {run.total} records in all (run {run.pk})"))
