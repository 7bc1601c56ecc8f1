"""Rectification of the single view's source records (UK GDPR Article 16; issue 23, point 4).

The single view is a copy of other council systems, replaced whole at every import, so a
correction made only to the copy would be undone by the next import. A ``SourceCorrection`` is
therefore the council's own record: made here, it corrects the source record, the person's
golden record (the corrected value is what the person has shown to be right, so it wins) and
the person's search fields at once; ``corrections_reapply`` runs inside every import and
applies each correction again, until the source system itself holds the corrected value.
Till then the correction is listed for that system's owner (``corrections_outstanding``):
Borough cannot write to the council tax or housing system, so it says who must.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from borough.accounts.governance_policies import may_govern_information
from borough.core.actors import Actor, staff_user
from borough.core.postcodes import postcode_key
from borough.core.services import actor_label, audit_record

from .models import GoldenField, LinkedPerson, SourceCorrection, SourceRecord

#: The fields of a source record a correction may change, in staff words.
CORRECTABLE = {
    "first_name": "First name",
    "middle_names": "Middle names",
    "last_name": "Last name",
    "dob": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
    "ni_number": "National Insurance number",
}
NAME_PARTS = ("first_name", "middle_names", "last_name")
RULE = "rectified (Article 16)"


class CorrectionInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def value_checked(field: str, value: str) -> str:
    """The value as it is kept (a date of birth as YYYY-MM-DD); ``CorrectionInvalid`` if not."""
    value = (value or "").strip()
    if field not in CORRECTABLE:
        raise CorrectionInvalid({"field": "Select which detail is wrong"})
    if not value and field in ("first_name", "last_name", "dob"):
        raise CorrectionInvalid({"value": f"Enter the correct {CORRECTABLE[field].lower()}"})
    if len(value) > 300:
        raise CorrectionInvalid({"value": "Use 300 characters or fewer"})
    if field == "dob":
        try:
            return parse_date(value).isoformat()
        except ValueError:
            raise CorrectionInvalid(
                {"value": "Enter the date of birth as a real date, like 27/3/1980"}
            ) from None
    return value


def parse_date(value: str) -> dt.date:
    """27/3/1980 or 1980-03-27."""
    value = value.strip()
    if "/" in value:
        day, month, year = (int(part) for part in value.split("/"))
        return dt.date(year, month, day)
    return dt.date.fromisoformat(value)


def _shown(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def current_value(record: SourceRecord, field: str) -> str:
    return _shown(getattr(record, field))


def _refresh_person(person: LinkedPerson) -> None:
    """The person's list and search fields, again from their golden record and records."""
    golden = dict(GoldenField.objects.filter(person=person).values_list("field", "value"))
    records = list(SourceRecord.objects.filter(person=person))
    dob = golden.get("dob", "")
    person.first_name = golden.get("first_name", "")
    person.last_name = golden.get("last_name", "")
    person.dob = dt.date.fromisoformat(dob) if dob else None
    person.postcode = golden.get("postcode", "")
    texts = [person.first_name, person.last_name] + [
        getattr(r, name) for r in records for name in (*NAME_PARTS, "full_name")
    ]
    person.names = " ".join(
        sorted({w for t in texts if t for w in t.lower().replace(",", " ").split()})
    )
    person.dobs = " ".join(
        sorted({d for d in [dob] if d} | {r.dob.isoformat() for r in records if r.dob})
    )
    person.postcodes = " ".join(
        sorted(
            {postcode_key(p) for p in [person.postcode] if p}
            | {postcode_key(r.postcode) for r in records if r.postcode}
        )
    )
    person.save()


def _apply(correction: SourceCorrection, record: SourceRecord) -> None:
    """Put the corrected value in the record, the person's golden record and search fields."""
    field, value = correction.field, correction.value
    setattr(record, field, dt.date.fromisoformat(value) if field == "dob" and value else value)
    if field in NAME_PARTS:
        record.full_name = " ".join(p for p in (getattr(record, n) for n in NAME_PARTS) if p)
    record.save()
    if field in ("middle_names",):
        _refresh_person(record.person)
        return
    GoldenField.objects.update_or_create(
        person=record.person,
        field=field,
        defaults={
            "value": value,
            "source": record.source,
            "record_id": record.record_id,
            "rule": RULE,
        },
    )
    _refresh_person(record.person)


def record_correct(
    *, actor: Actor, record: SourceRecord, field: str, value: str, reference: str
) -> SourceCorrection:
    """Correct ``field`` of ``record`` (and the golden record) to ``value``, and keep the
    correction so later imports keep it. Information governance staff only."""
    if not may_govern_information(actor):
        raise CorrectionInvalid({"field": "Only information governance staff may correct this"})
    value = value_checked(field, value)
    with transaction.atomic():
        correction, _ = SourceCorrection.objects.update_or_create(
            source=record.source,
            source_id=record.source_id,
            field=field,
            defaults={
                "value": value,
                "was": current_value(record, field),
                "reference": reference[:40],
                "corrected_at": timezone.now(),
                "corrected_by": actor_label(actor),
                "reapplied_in_run": None,
                "made_at_source_on": None,
            },
        )
        _apply(correction, record)
        audit_record(
            actor=staff_user(actor),
            action="changed",
            object_type="source_record",
            object_id=record.record_id,
            resident_id=record.person.resident_id,
            fields=[field],
            summary=f"single view record corrected (rectification {reference})",
        )
    return correction


def corrections_reapply(run_id: int) -> dict[str, int]:
    """Inside an import, after its records are written: apply every correction not yet made at
    source again, or note that the source now holds the corrected value. Returns the counts."""
    counts = {"reapplied": 0, "made_at_source": 0, "record_gone": 0}
    now = timezone.now()
    for correction in SourceCorrection.objects.filter(made_at_source_on__isnull=True):
        record = (
            SourceRecord.objects.filter(source=correction.source, source_id=correction.source_id)
            .select_related("person")
            .first()
        )
        if record is None:
            counts["record_gone"] += 1
            continue
        if current_value(record, correction.field) == correction.value:
            correction.made_at_source_on = now
            correction.save(update_fields=["made_at_source_on"])
            counts["made_at_source"] += 1
            continue
        _apply(correction, record)
        correction.reapplied_in_run = run_id
        correction.save(update_fields=["reapplied_in_run"])
        counts["reapplied"] += 1
    return counts


def corrections_outstanding():
    """Corrections the source system does not hold yet, oldest first: for its owner to make."""
    return SourceCorrection.objects.filter(made_at_source_on__isnull=True).order_by(
        "corrected_at", "pk"
    )
