"""Silent sensors and Awaab's Law escalation, now: ``manage.py homes_check``."""

from django.core.management.base import BaseCommand

from borough.homes.pipeline import homes_check


class Command(BaseCommand):
    help = "Open maintenance tasks for silent sensors and escalate overdue damp and mould cases."

    def handle(self, *args, **options):
        done = homes_check()
        self.stdout.write(
            f"{done['silent']} maintenance tasks opened; {done['escalated']} cases escalated."
        )
