"""Write the REST API's OpenAPI 3 file from the code, or check the committed one matches."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from borough.api.v1.api import api

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def openapi_document() -> str:
    """The OpenAPI file's text, the same on every run for the same code."""
    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write docs/api/openapi.json from the code (--check: fail if it differs)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT_PATH))
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, output: str, check: bool, **options):
        path = Path(output)
        document = openapi_document()
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != document:
                raise CommandError(f"{path} is out of date: run `make openapi` and commit it")
            self.stdout.write(f"{path} matches the code")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
