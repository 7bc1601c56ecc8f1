"""Reads for the single view's hub pages. Each page's query count is fixed, whatever the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Sum, Value, When
from django.db.models.functions import Abs

from borough.core.postcodes import postcode_key
from borough.linkage.schema import GOLDEN_FIELDS, SOURCE_FIELDS

from . import labels
from .models import (
    DqConflict,
    DqDuplicate,
    LinkageImport,
    LinkedHousehold,
    LinkedPerson,
    MatchDecision,
    PersonEvent,
    ReviewPair,
    SourceRecord,
)
from .waterfall import Waterfall, waterfall

SEARCH_LIMIT = 50
#: The fields of a source record shown side by side, in order (labelled by ``labels``): the
#: engine's person fields but for the ids it makes, the name as the source wrote it first.
RECORD_FIELDS = (
    "source_id",
    "full_name",
    *(name for name in SOURCE_FIELDS if name not in ("source_id", "full_name")),
)


def latest_import() -> LinkageImport | None:
    return LinkageImport.objects.first()


def person_search(
    *, name: str = "", dob: dt.date | None = None, postcode: str = "", person_id: str = ""
) -> tuple[list[LinkedPerson], bool]:
    """People matching every criterion given: each word of ``name`` is part of some name any
    system holds; ``dob`` and ``postcode`` are held by some system. Returns the first
    ``SEARCH_LIMIT`` by name and whether there were more."""
    people = LinkedPerson.objects.all()
    if person_id:
        people = people.filter(person_id__iexact=person_id.strip())
    for word in name.lower().replace(",", " ").split():
        people = people.filter(names__contains=word)
    if dob:
        people = people.filter(dobs__contains=dob.isoformat())
    if postcode:
        people = people.filter(postcodes__contains=postcode_key(postcode))
    found = list(people.order_by("last_name", "first_name", "person_id")[: SEARCH_LIMIT + 1])
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


@dataclass
class GoldenRow:
    field: str
    label: str
    value: str
    source: str
    record_id: str
    rule: str


@dataclass
class PersonView:
    person: LinkedPerson
    golden: list[GoldenRow]
    records: list[SourceRecord]
    record_rows: list[tuple[str, list]]  # (label, a value per record)
    households: list[LinkedHousehold]
    events: list[PersonEvent]
    pairs: list[ReviewPair]
    decisions: list[MatchDecision]

    @property
    def pair_charts(self) -> list[tuple[ReviewPair, Waterfall | None]]:
        """Each pair waiting for review with why the engine scored it (its waterfall)."""
        return [
            (pair, waterfall(pair.evidence, pair.match_weight, pair.match_probability))
            for pair in self.pairs
        ]

    @property
    def record_cards(self) -> list[tuple[SourceRecord, list[tuple[str, str]]]]:
        """The same values a record at a time (one card per record on a phone)."""
        return [
            (record, [(label, values[index]) for label, values in self.record_rows])
            for index, record in enumerate(self.records)
        ]


def _record_rows(records: list[SourceRecord]) -> list[tuple[str, list]]:
    """The records' fields as rows (one column per record, each value as people read it),
    leaving out fields none holds."""
    rows = []
    for field in RECORD_FIELDS:
        values = [labels.field_value(getattr(record, field) or "", field) for record in records]
        if any(values):
            rows.append((labels.field_label(field), values))
    return rows


def person_view(person_id: str) -> PersonView | None:
    """Everything the person page shows, or ``None`` if no such person was imported."""
    person = (
        LinkedPerson.objects.select_related("resident")
        .prefetch_related(
            "golden",
            Prefetch("records", queryset=SourceRecord.objects.order_by("source", "source_id")),
        )
        .filter(person_id=person_id)
        .first()
    )
    if person is None:
        return None
    by_field = {g.field: g for g in person.golden.all()}
    golden = [
        GoldenRow(field, labels.field_label(field), g.value, g.source, g.record_id, g.rule)
        for field in GOLDEN_FIELDS
        if (g := by_field.get(field))
    ]
    records = list(person.records.all())
    record_ids = [r.record_id for r in records]
    households = list(
        LinkedHousehold.objects.filter(householdmember__person=person)
        .select_related("property")
        .prefetch_related(Prefetch("people", queryset=LinkedPerson.objects.order_by("person_id")))
    )
    events = list(PersonEvent.objects.filter(Q(person_id=person_id) | Q(other_person_id=person_id)))
    pairs = list(
        ReviewPair.objects.filter(Q(unique_id_l__in=record_ids) | Q(unique_id_r__in=record_ids))
    )
    decisions = list(
        MatchDecision.objects.filter(Q(unique_id_l__in=record_ids) | Q(unique_id_r__in=record_ids))
    )
    return PersonView(
        person=person,
        golden=golden,
        records=records,
        record_rows=_record_rows(records),
        households=households,
        events=events,
        pairs=pairs,
        decisions=decisions,
    )


def household_view(household_id: str) -> LinkedHousehold | None:
    return (
        LinkedHousehold.objects.select_related("property")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=LinkedPerson.objects.order_by("last_name", "first_name", "person_id"),
            )
        )
        .filter(household_id=household_id)
        .first()
    )


#: The probability at which the model is least sure: the queue starts with pairs nearest it.
MOST_UNCERTAIN = 0.5


def _already_joined() -> set[int]:
    """Pairs whose two records are one person already: put together by the model, or by a
    "same person" decision on other records of the two people (kept across imports)."""
    parent: dict[str, str] = {}

    def root(person_id: str) -> str:
        while parent.get(person_id, person_id) != person_id:
            person_id = parent[person_id]
        return person_id

    matched = list(
        MatchDecision.objects.filter(decision=MatchDecision.Decision.MATCH).values_list(
            "unique_id_l", "unique_id_r"
        )
    )
    person_of = dict(
        SourceRecord.objects.filter(
            record_id__in={record for pair in matched for record in pair}
        ).values_list("record_id", "person__person_id")
    )
    for left, right in matched:
        if left in person_of and right in person_of:
            parent[root(person_of[left])] = root(person_of[right])
    joined = {
        pk
        for pk, left, right in ReviewPair.objects.values_list(
            "pk", "person_id_l", "person_id_r"
        ).filter(Q(person_id_l__in=parent) | Q(person_id_r__in=parent))
        if root(left) == root(right)
    }
    return joined


def review_queue(*, skipped: Collection[int] = ()):
    """Pairs waiting for review, the model's least sure first (probability nearest
    ``MOST_UNCERTAIN``); pairs skipped (``skipped``, by pk) go to the back. Pairs whose records
    are one person already are left out: there is nothing to decide."""
    return (
        ReviewPair.objects.exclude(person_id_l=F("person_id_r"))
        .exclude(pk__in=_already_joined())
        .annotate(
            uncertainty=Abs(F("match_probability") - Value(MOST_UNCERTAIN)),
            skipped=Case(
                When(pk__in=list(skipped), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("skipped", "uncertainty", "unique_id_l", "unique_id_r")
    )


@dataclass
class PairView:
    pair: ReviewPair
    left: SourceRecord | None
    right: SourceRecord | None
    evidence: list[dict]
    chart: Waterfall | None = None


def _as_held(record: SourceRecord | None, field: str, compared) -> str:
    """A pair's value for ``field`` as the source system holds it (its own case and spacing):
    the engine compares standardised, lower-cased values, which are for matching only. The
    compared value is shown only when the record does not hold the field, and nothing when the
    engine compared nothing (so the value agrees with the evidence beside it)."""
    if compared in (None, ""):
        return ""
    if record is not None and field in RECORD_FIELDS:
        held = getattr(record, field)
        if held not in (None, ""):
            return held.isoformat() if isinstance(held, dt.date) else str(held)
    return str(compared)


def review_pair_view(pair_id: int) -> PairView | None:
    pair = ReviewPair.objects.filter(pk=pair_id).first()
    if pair is None:
        return None
    records = {
        r.record_id: r
        for r in SourceRecord.objects.filter(
            record_id__in=[pair.unique_id_l, pair.unique_id_r]
        ).select_related("person")
    }
    left, right = records.get(pair.unique_id_l), records.get(pair.unique_id_r)
    evidence = [
        {
            "field": str(item.get("field", "")),
            "left": _as_held(left, str(item.get("field", "")), item.get("left")),
            "right": _as_held(right, str(item.get("field", "")), item.get("right")),
            "level": str(item.get("level", "")),
        }
        for item in pair.evidence
        if isinstance(item, dict)
    ]
    return PairView(
        pair=pair,
        left=left,
        right=right,
        evidence=evidence,
        chart=waterfall(pair.evidence, pair.match_weight, pair.match_probability),
    )


@dataclass
class QualityReport:
    duplicates_by_source: list[dict]  # source, people, records
    conflicts_by_field: list[dict]  # field, people
    duplicates: int
    conflicts: int


def data_quality() -> QualityReport:
    by_source = list(
        DqDuplicate.objects.values("source")
        .annotate(people=Count("id"), records=Sum("records"))
        .order_by("-people", "source")
    )
    by_field = list(
        DqConflict.objects.values("field").annotate(people=Count("id")).order_by("-people", "field")
    )
    return QualityReport(
        duplicates_by_source=by_source,
        conflicts_by_field=by_field,
        duplicates=sum(row["people"] for row in by_source),
        conflicts=sum(row["people"] for row in by_field),
    )


def duplicates_rows():
    return DqDuplicate.objects.order_by("source", "person_id").values_list(
        "source", "person_id", "records", "record_ids"
    )


def conflicts_rows():
    return DqConflict.objects.order_by("field", "person_id").values_list(
        "person_id", "field", "values", "sources"
    )


def linkage_sources() -> list[tuple[str, int]]:
    """Every source system in the single view's latest import, with how many records it gave
    (the information asset register lists each one, issue 23)."""
    rows = SourceRecord.objects.values("source").annotate(n=Count("pk")).order_by("source")
    return [(row["source"], row["n"]) for row in rows]
