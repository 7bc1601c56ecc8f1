from django.core.management.base import BaseCommand, CommandError

from borough.integrations.systems import SystemDown
from borough.processes.library.discount import review_run


class Command(BaseCommand):
    help = (
        "Open a single person discount review for each discount holder the single view shows "
        "another adult living with (once: a holder already under review is skipped)."
    )

    def handle(self, *args, **options):
        try:
            opened = review_run()
        except SystemDown as down:
            raise CommandError(f"Nothing opened: {down}") from down
        self.stdout.write(f"Reviews opened: {len(opened)}")
