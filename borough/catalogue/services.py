"""Loading the catalogue: LGSL reference data and the council's service definitions."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models, transaction

from borough.accounts.memberships import membership_changed
from borough.accounts.models import Team
from borough.core import yamlfile

from .catalogue_file import Catalogue, parse_catalogue
from .definitions import DefinitionError
from .models import Category, LgslService, Service
from .workflows import workflow_to_data

DATA_DIR = Path(__file__).resolve().parent / "data"
LGSL_CSV = DATA_DIR / "lgsl_services.csv"
SERVICES_YAML = DATA_DIR / "services.yaml"


def lgsl_rows(path: Path = LGSL_CSV) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "identifier": int(row["Identifier"]),
                "label": row["Label"].strip(),
                "description": (row.get("Description") or "").strip(),
            }
            for row in csv.DictReader(handle)
            if (row.get("Identifier") or "").strip().isdigit()
        ]


def catalogue_path() -> Path:
    """The council's catalogue file: ``BOROUGH_CATALOGUE_FILE``, or the one Borough ships."""
    return Path(getattr(settings, "BOROUGH_CATALOGUE_FILE", "") or SERVICES_YAML)


def catalogue_read(path: Path | None = None) -> Catalogue:
    """Parse and check a catalogue file. Raises ``DefinitionError`` listing every problem."""
    path = path or catalogue_path()
    with path.open(encoding="utf-8") as handle:
        try:
            data = yamlfile.load(handle)
        except yaml.YAMLError as error:
            raise DefinitionError([f"the file is not valid YAML: {error}"]) from None
    return parse_catalogue(data, lgsl_ids={row["identifier"] for row in lgsl_rows()})


def translations_read(catalogue_file: Path) -> dict[str, dict]:
    """The catalogue's translations: ``translations/<language>.yaml`` beside the catalogue file.

    Each file has ``categories`` and ``services`` keyed by slug (see
    docs/how-to/translations.md). Returns ``{language: {"categories": ..., "services": ...}}``.
    """
    found: dict[str, dict] = {}
    for file in sorted((catalogue_file.parent / "translations").glob("*.yaml")):
        with file.open(encoding="utf-8") as handle:
            try:
                data = yamlfile.load(handle) or {}
            except yaml.YAMLError as error:
                raise DefinitionError([f"{file.name} is not valid YAML: {error}"]) from None
        if not isinstance(data, dict):
            raise DefinitionError([f"{file.name}: must be a mapping"])
        found[file.stem] = {
            "categories": data.get("categories") or {},
            "services": data.get("services") or {},
        }
    return found


def _translations_of(translations: dict[str, dict], kind: str, slug: str) -> dict:
    return {
        language: data[kind][slug] for language, data in translations.items() if slug in data[kind]
    }


# The last catalogue read, by the files it came from (path, change time, size): a reload of
# unchanged files (every test that loads the catalogue, a command run twice) skips the parse.
_last_read: dict[str, tuple[tuple, tuple[Catalogue, dict[str, dict], list[dict]]]] = {}


def _files_read(path: Path | None) -> tuple[Catalogue, dict[str, dict], list[dict]]:
    catalogue_file = path or catalogue_path()
    files = [
        catalogue_file,
        LGSL_CSV,
        *sorted((catalogue_file.parent / "translations").glob("*.yaml")),
    ]
    key = tuple((str(file), file.stat().st_mtime_ns, file.stat().st_size) for file in files)
    kept = _last_read.get("catalogue")
    if kept is None or kept[0] != key:
        kept = key, (catalogue_read(path), translations_read(catalogue_file), lgsl_rows())
        _last_read["catalogue"] = kept
    return kept[1]


def _upsert_by_slug(model: type[models.Model], rows: list[dict]) -> dict[str, Any]:
    """Insert or update ``model``'s rows by slug in one statement (an upsert), then read them
    back: ``{slug: row}``. Every field given is written, as ``update_or_create`` did (two or
    three queries a row before; the catalogue has about a hundred rows)."""
    model._default_manager.bulk_create(
        [model(**row) for row in rows],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=[name for name in rows[0] if name != "slug"] if rows else [],
    )
    found: dict[str, Any] = model._default_manager.in_bulk(
        [row["slug"] for row in rows], field_name="slug"
    )
    return found


@transaction.atomic
def catalogue_load(path: Path | None = None) -> Catalogue:
    """Load (or reload) LGSL and the service definitions. All or nothing; safe to run again."""
    catalogue, translations, rows = _files_read(path)
    LgslService.objects.bulk_create(
        [LgslService(**row) for row in rows],
        update_conflicts=True,
        unique_fields=["identifier"],
        update_fields=["label", "description"],
    )
    teams = _upsert_by_slug(
        Team, [{"slug": item["slug"], "name": item["name"]} for item in catalogue.teams]
    )
    # Teams are saved without their save signal: say so, as a save would (memberships, cached
    # per user, are read again).
    membership_changed()
    categories = _upsert_by_slug(
        Category,
        [
            {
                "slug": item["slug"],
                "name": item["name"],
                "description": item["description"],
                "position": position,
                "translations": _translations_of(translations, "categories", item["slug"]),
            }
            for position, item in enumerate(catalogue.categories)
        ],
    )
    _upsert_by_slug(
        Service,
        [
            {
                "slug": definition.slug,
                "lgsl_id": definition.lgsl,
                "name": definition.name,
                "summary": definition.summary,
                "description": definition.description,
                "category": categories[definition.category],
                "team": teams[definition.team],
                "sla_working_days": definition.sla_working_days,
                "fee_pence": definition.fee_pence,
                "fee_description": definition.fee_description,
                "fee_rule": definition.fee_rule.to_data() if definition.fee_rule else {},
                "keywords": list(definition.keywords),
                "what_happens_next": definition.what_happens_next,
                "questions": definition.questions,
                "workflow": workflow_to_data(definition.workflow),
                "not_fixed_online": definition.not_fixed,
                "translations": _translations_of(translations, "services", definition.slug),
                # A councillors' service (member enquiries) and phone messages (voicemails)
                # are never offered to residents.
                "is_online": definition.audience not in ("councillors", "phone"),
                "audience": definition.audience,
                "is_private": definition.private,
                "position": position,
            }
            for position, definition in enumerate(catalogue.services)
        ],
    )
    Service.objects.exclude(slug__in=[s.slug for s in catalogue.services]).update(is_online=False)
    return catalogue
