"""Run the SLA check now (Huey also runs it every 15 minutes)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from borough.cases.sla import sla_check


class Command(BaseCommand):
    help = (
        "Mark open cases at risk or overdue, once each, and email the team leads of overdue ones."
    )

    def handle(self, *args, **options):
        report = sla_check(now=timezone.now())
        self.stdout.write(report.summary())
