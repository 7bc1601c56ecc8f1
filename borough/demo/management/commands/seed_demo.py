import argparse
import datetime as dt
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from borough.core.progress import ENV_VAR as PROGRESS_ENV_VAR
from borough.core.progress import Steps, say
from borough.demo.directory import DEMO_REPRESENTATIVE_EMAIL
from borough.demo.generator import STEPS, database_is_empty, generate
from borough.demo.inclusion import DEMO_LIBRARIAN_EMAIL
from borough.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Make the synthetic demo borough (reproducible for the same --residents and --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) if the database already has data",
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="draw progress bars on standard error (default: only on a terminal, unless "
            f"{PROGRESS_ENV_VAR} is 1 or 0)",
        )

    def handle(self, *args, residents: int, seed: int, if_empty: bool, **options):
        if if_empty and not database_is_empty():
            self.stdout.write("The database already has data; the demo borough was not made.")
            return
        progress = options.get("progress")
        started = time.perf_counter()
        try:
            with Steps("demo borough", len(STEPS), show=progress) as steps:
                summary = generate(
                    residents=residents,
                    seed=seed,
                    progress=lambda message: say(f"  {message}", write=self.stdout.write),
                    step=steps.start,
                )
        except ValueError as error:
            raise CommandError(str(error)) from None
        # The demo's year of contacts and cases, counted for the KPI pages.
        today = timezone.localdate()
        backfill = [
            "--from",
            (today - dt.timedelta(days=366)).isoformat(),
            "--to",
            today.isoformat(),
        ]
        if progress is not None:
            backfill.append("--progress" if progress else "--no-progress")
        call_command("insights_backfill", *backfill, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo borough made in {time.perf_counter() - started:.1f}s: "
                f"{summary.residents:,} residents, {summary.cases:,} cases, "
                f"{summary.contacts:,} contacts."
            )
        )
        self.stdout.write(f"Staff sign-ins (password {DEMO_PASSWORD}):")
        for line in summary.staff:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            "Then a code from the demo authenticator app: manage.py demo_totp_code EMAIL"
        )
        if summary.resident_account:
            self.stdout.write(
                f"Resident MyAccount sign-in (password {DEMO_PASSWORD}): {summary.resident_account}"
            )
        if summary.inclusion:
            self.stdout.write(
                f"Digital inclusion: {summary.inclusion}; the library's partner account "
                f"signs in as {DEMO_LIBRARIAN_EMAIL} (password {DEMO_PASSWORD})"
            )
        if summary.directory:
            self.stdout.write(
                f"Community directory: {summary.directory}; the food bank's representative "
                f"signs in as {DEMO_REPRESENTATIVE_EMAIL} (password {DEMO_PASSWORD})"
            )
        if summary.organisations:
            self.stdout.write(
                f"Organisation accounts: {summary.organisations}; the cafe's owner is the "
                "resident above"
            )
        if summary.councillor:
            self.stdout.write(
                f"Councillor (password {DEMO_PASSWORD}, /councillor/): {summary.councillor}"
            )
