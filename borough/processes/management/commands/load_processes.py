from django.core.management.base import BaseCommand

from borough.processes.shipped import load_shipped


class Command(BaseCommand):
    help = "Load the processes and decision tables Borough ships (a new version where changed)."

    def handle(self, *args, **options):
        for definition in load_shipped():
            self.stdout.write(f"{definition.name}: version {definition.version}")
