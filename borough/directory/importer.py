"""Importing an Open Referral UK feed into the directory (docs/how-to/community-directory.md).

The file is what another ORUK publisher's ``GET /services/{id}`` returns, one service each: a
JSON list of them, or a page of them (``contents``). Records keep their ids, so importing the
same file again updates rather than duplicates. The import is the council's own data, run by
its operator: it publishes at once (no review), is checked whole before anything is written,
and is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from borough.core.actors import SystemActor
from borough.core.models import AuditEvent
from borough.core.services import audit_record

from .models import CostOption, Location, Organisation, Schedule, Service, TaxonomyTerm

STATUSES = {choice.value for choice in Service.Status}


@dataclass
class ImportReport:
    services: int = 0
    organisations: int = 0
    problems: list[str] = field(default_factory=list)


def _id(value, where: str, problems: list[str]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        problems.append(f"{where}: id {value!r} is not a UUID")
        return None


def _check(item, n: int) -> list[str]:
    where = f"service {n}"
    problems: list[str] = []
    if not isinstance(item, dict):
        return [f"{where}: is not a JSON object"]
    for name in ("id", "name", "url", "status"):
        if not item.get(name):
            problems.append(f"{where}: {name} is missing")
    if item.get("status") and item["status"] not in STATUSES:
        problems.append(f"{where}: status {item['status']!r} is not one of {sorted(STATUSES)}")
    org = item.get("organization") or {}
    if not org.get("id") or not org.get("name"):
        problems.append(f"{where}: organization with an id and a name is missing")
    for s in item.get("schedules") or []:
        try:
            dt.time.fromisoformat(str(s.get("opens_at", ""))[:5])
            dt.time.fromisoformat(str(s.get("closes_at", ""))[:5])
        except ValueError:
            problems.append(f"{where}: a schedule needs opens_at and closes_at as HH:MM")
    if item.get("id"):
        _id(item["id"], where, problems)
    if org.get("id"):
        _id(org["id"], f"{where}'s organization", problems)
    return problems


def import_services(document) -> ImportReport:
    """Check every service in ``document``; write them all, or nothing and the problems."""
    items = document.get("contents") if isinstance(document, dict) else document
    report = ImportReport()
    if not isinstance(items, list):
        report.problems.append("The file must be a list of services or a page with contents")
        return report
    for n, item in enumerate(items, start=1):
        report.problems.extend(_check(item, n))
    if report.problems:
        return report
    with transaction.atomic():
        organisations = set()
        for item in items:
            _save(item)
            organisations.add(item["organization"]["id"])
        report.services, report.organisations = len(items), len(organisations)
        audit_record(
            actor=SystemActor("directory-import"),
            action=AuditEvent.Action.CREATED,
            object_type="directory.service",
            object_id="*",
            summary=f"Imported {report.services} services of {report.organisations} organisations",
        )
    return report


def _save(item: dict) -> None:
    org_doc = item["organization"]
    org, _ = Organisation.objects.update_or_create(
        pk=org_doc["id"],
        defaults={
            "name": org_doc["name"],
            "description": org_doc.get("description") or "",
            "email": org_doc.get("email") or "",
            "website": org_doc.get("website") or "",
        },
    )
    phones = item.get("phones") or []
    service, _ = Service.objects.update_or_create(
        pk=item["id"],
        defaults={
            "organisation": org,
            "name": item["name"],
            "description": item.get("description") or "",
            "url": item["url"],
            "email": item.get("email") or "",
            "status": item["status"],
            "phone": phones[0].get("number", "") if phones else "",
            "minimum_age": item.get("minimum_age"),
            "maximum_age": item.get("maximum_age"),
            "eligibility": item.get("eligibility_description") or "",
            "assured_date": item.get("assured_date") or None,
        },
    )
    terms = []
    for term in item.get("taxonomy_terms") or []:
        name = term.get("term") or term.get("name") or ""
        found, _ = TaxonomyTerm.objects.get_or_create(
            pk=term["id"], defaults={"name": name, "code": slugify(name)[:50] or term["id"]}
        )
        terms.append(found)
    service.taxonomy_terms.set(terms)
    places = []
    for link in item.get("service_at_locations") or []:
        loc = link.get("location") or {}
        address = (loc.get("addresses") or [{}])[0]
        if loc.get("latitude") is None or loc.get("longitude") is None:
            continue
        place, _ = Location.objects.update_or_create(
            pk=loc["id"],
            defaults={
                "organisation": org,
                "name": loc.get("name") or org.name,
                "address_1": address.get("address_1", ""),
                "city": address.get("city", ""),
                "postcode": address.get("postal_code", ""),
                "latitude": round(float(loc["latitude"]), 6),
                "longitude": round(float(loc["longitude"]), 6),
            },
        )
        places.append(place)
    service.locations.set(places)
    service.schedules.all().delete()
    for s in item.get("schedules") or []:
        Schedule.objects.create(
            service=service,
            freq=s.get("freq") or "WEEKLY",
            byday=s.get("byday") or "",
            opens_at=dt.time.fromisoformat(str(s["opens_at"])[:5]),
            closes_at=dt.time.fromisoformat(str(s["closes_at"])[:5]),
            description=s.get("description") or "",
        )
    service.cost_options.all().delete()
    for c in item.get("cost_options") or []:
        CostOption.objects.create(
            service=service,
            option=c.get("option") or "",
            amount=c.get("amount"),
            amount_description=c.get("amount_description") or "",
        )
