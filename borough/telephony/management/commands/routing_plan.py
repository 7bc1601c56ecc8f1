"""Export or import the phone routing plan (issue 21): `manage.py routing_plan export FILE`
(YAML, or JSON for a name ending .json; "-" for standard output) and
`manage.py routing_plan import FILE` (all or nothing: every problem is listed and nothing
changes)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from borough.core.actors import SystemActor
from borough.telephony.plan_file import PlanInvalid, plan_dump, plan_import


class Command(BaseCommand):
    help = "Export or import the phone routing plan as YAML or JSON"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("path", help='the plan file ("-": standard output on export)')

    def handle(self, *args, action: str, path: str, **options):
        if action == "export":
            text = plan_dump("json" if path.endswith(".json") else "yaml")
            if path == "-":
                self.stdout.write(text)
            else:
                Path(path).write_text(text, encoding="utf-8")
                self.stdout.write(f"Routing plan written to {path}")
            return
        try:
            counts = plan_import(
                actor=SystemActor("routing-plan-command"),
                text=Path(path).read_text(encoding="utf-8"),
            )
        except PlanInvalid as invalid:
            self.stderr.write("The plan was not imported; nothing has changed:")
            for problem in invalid.problems:
                self.stderr.write(f"  - {problem}")
            sys.exit(1)
        self.stdout.write(
            f"Routing plan imported: {counts['lines']} lines, {counts['queues']} queues, "
            f"{counts['numbers']} numbers"
        )
