"""The single view honours upheld objections to its linkage (UK GDPR Article 21; issue 23).

A resident who has objected to the single view (``people.objections``, activity
``single_view``) is not linked: their Borough record is left out of every import (and any
person made only of it, with what refers to that person), no linked person is tied to them,
and ``linking_stop`` takes them out of the single view there and then, when the objection is
upheld. The other council systems' own records stay (those systems hold them under their own
lawful bases); what goes is Borough's linking of them to this resident.
"""

from __future__ import annotations

import dataclasses

from django.db import transaction

from borough.people.objections import ProcessingActivity, objectors

from .corrections import _refresh_person
from .importer import Run
from .models import BOROUGH_RESIDENTS_SOURCE, GoldenField, LinkedPerson, SourceRecord


def _objecting_record_ids(run: Run) -> set[str]:
    ids = {str(pk) for pk in objectors(ProcessingActivity.SINGLE_VIEW)}
    return {
        r["record_id"]
        for r in run.records
        if r["source"] == BOROUGH_RESIDENTS_SOURCE and r["source_id"] in ids
    }


def without_objectors(run: Run) -> Run:
    """``run`` less the Borough records of residents who object, and whatever named them."""
    dropped = _objecting_record_ids(run)
    if not dropped:
        return run
    records = [r for r in run.records if r["record_id"] not in dropped]
    people = {r["person_id"] for r in records}
    return dataclasses.replace(
        run,
        records=records,
        golden=[
            g for g in run.golden if g["record_id"] not in dropped and g["person_id"] in people
        ],
        members=[(h, p) for h, p in run.members if p in people],
        events=[e for e in run.events if e["person_id"] in people],
        review_pairs=[
            p
            for p in run.review_pairs
            if p["unique_id_l"] not in dropped
            and p["unique_id_r"] not in dropped
            and p["person_id_l"] in people
            and p["person_id_r"] in people
        ],
        duplicates=[d for d in run.duplicates if d["person_id"] in people],
        conflicts=[c for c in run.conflicts if c["person_id"] in people],
    )


def linking_stop(resident_id: int) -> int:
    """Take resident ``resident_id`` out of the single view now: their Borough record and the
    golden fields chosen from it go, and no linked person is theirs. Returns records removed."""
    with transaction.atomic():
        records = SourceRecord.objects.filter(
            source=BOROUGH_RESIDENTS_SOURCE, source_id=str(resident_id)
        )
        people = list(
            LinkedPerson.objects.filter(pk__in=records.values("person_id"))
            | LinkedPerson.objects.filter(resident_id=resident_id)
        )
        GoldenField.objects.filter(record_id__in=records.values("record_id")).delete()
        removed = records.delete()[0]
        for person in people:
            person.resident = None
            if person.records.exists():
                _refresh_person(person)
            else:
                person.delete()
    return removed
