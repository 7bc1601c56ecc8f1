"""Every write to the single view: importing a linkage run, deciding a review pair, and the
decisions CSV for the engine's next run."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TextIO

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from borough.accounts.policies import may_use_single_view
from borough.core.actors import Actor, StaffActor, SystemActor, staff_user
from borough.core.postcodes import postcode_key
from borough.core.services import audit_record
from borough.people.models import Resident
from borough.places.models import Property

from .corrections import corrections_reapply
from .importer import LinkageImportError, Run, read_run
from .models import (
    BOROUGH_RESIDENTS_SOURCE,
    DqConflict,
    DqDuplicate,
    GoldenField,
    HouseholdMember,
    LinkageImport,
    LinkedHousehold,
    LinkedPerson,
    MatchDecision,
    PersonEvent,
    ReviewPair,
    SourceRecord,
)
from .objections import without_objectors

__all__ = ["LinkageImportError", "DecisionInvalid", "NotAllowed", "linkage_import", "match_decide"]

BATCH = 500
DECISIONS_HEADER = ("unique_id_l", "unique_id_r", "decision", "decided_by", "decided_at")


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _words(*texts: str) -> str:
    words = {word for text in texts if text for word in text.lower().replace(",", " ").split()}
    return " ".join(sorted(words))


def _people(run: Run) -> list[LinkedPerson]:
    golden: dict[str, dict[str, str]] = {}
    for row in run.golden:
        golden.setdefault(row["person_id"], {})[row["field"]] = row["value"]
    records: dict[str, list[dict]] = {}
    for record in run.records:
        records.setdefault(record["person_id"], []).append(record)
    resident_ids = {
        int(record["source_id"])
        for record in run.records
        if record["source"] == BOROUGH_RESIDENTS_SOURCE and record["source_id"].isdigit()
    }
    residents = set(Resident.objects.filter(pk__in=resident_ids).values_list("pk", flat=True))
    people = []
    for person_id in run.person_ids:
        fields, theirs = golden.get(person_id, {}), records[person_id]
        resident = next(
            (
                int(r["source_id"])
                for r in theirs
                if r["source"] == BOROUGH_RESIDENTS_SOURCE
                and r["source_id"].isdigit()
                and int(r["source_id"]) in residents
            ),
            None,
        )
        people.append(
            LinkedPerson(
                person_id=person_id,
                resident_id=resident,
                first_name=fields.get("first_name", ""),
                last_name=fields.get("last_name", ""),
                dob=_date(fields.get("dob")),
                postcode=fields.get("postcode", ""),
                names=_words(
                    fields.get("first_name", ""),
                    fields.get("last_name", ""),
                    *(
                        r[name]
                        for r in theirs
                        for name in ("first_name", "middle_names", "last_name", "full_name")
                    ),
                ),
                dobs=" ".join(
                    sorted(
                        {d.isoformat() for d in [_date(fields.get("dob"))] if d}
                        | {r["dob"].isoformat() for r in theirs if r["dob"]}
                    )
                ),
                postcodes=" ".join(
                    sorted(
                        {postcode_key(p) for p in [fields.get("postcode", "")] if p}
                        | {postcode_key(r["postcode"]) for r in theirs if r["postcode"]}
                    )
                ),
            )
        )
    return people


def _clear() -> None:
    for model in (
        HouseholdMember,
        LinkedHousehold,
        GoldenField,
        SourceRecord,
        LinkedPerson,
        PersonEvent,
        ReviewPair,
        DqDuplicate,
        DqConflict,
    ):
        model.objects.all().delete()


def _write(run: Run) -> dict[str, int]:
    people = LinkedPerson.objects.bulk_create(_people(run), batch_size=BATCH)
    pk_of = {
        person_id: pk
        for person_id, pk in LinkedPerson.objects.values_list("person_id", "pk").iterator()
    }
    del people
    SourceRecord.objects.bulk_create(
        (
            SourceRecord(
                person_id=pk_of[r["person_id"]],
                **{k: value for k, value in r.items() if k != "person_id"},
            )
            for r in run.records
        ),
        batch_size=BATCH,
    )
    GoldenField.objects.bulk_create(
        (
            GoldenField(
                person_id=pk_of[row["person_id"]],
                field=row["field"],
                value=row["value"],
                source=row["source"],
                record_id=row["record_id"],
                rule=row["rule"],
            )
            for row in run.golden
        ),
        batch_size=BATCH,
    )
    # A household is the gazetteer's property with its UPRN, unless the postcodes disagree
    # (a mistyped UPRN in a source system must not put people at someone else's address).
    uprns = {int(row["uprn"]) for row in run.households if str(row["uprn"]).isdigit()}
    postcode_of = dict(Property.objects.filter(uprn__in=uprns).values_list("uprn", "postcode_key"))
    known = {
        int(row["uprn"])
        for row in run.households
        if str(row["uprn"]).isdigit()
        and int(row["uprn"]) in postcode_of
        and postcode_key(row["postcode"]) in {"", postcode_of[int(row["uprn"])]}
    }
    LinkedHousehold.objects.bulk_create(
        (
            LinkedHousehold(
                household_id=row["household_id"],
                uprn=row["uprn"],
                address=row["address"],
                postcode=row["postcode"],
                matched_by=row["matched_by"],
                property_id=int(row["uprn"])
                if str(row["uprn"]).isdigit() and int(row["uprn"]) in known
                else None,
            )
            for row in run.households
        ),
        batch_size=BATCH,
    )
    household_pk = dict(LinkedHousehold.objects.values_list("household_id", "pk"))
    HouseholdMember.objects.bulk_create(
        (HouseholdMember(household_id=household_pk[h], person_id=pk_of[p]) for h, p in run.members),
        batch_size=BATCH,
    )
    PersonEvent.objects.bulk_create(
        (
            PersonEvent(
                run_id=row["run_id"],
                event=row["event"],
                person_id=row["person_id"],
                other_person_id=row["other_person_id"] or "",
                records=row["records"],
            )
            for row in run.events
        ),
        batch_size=BATCH,
    )
    decided = set(MatchDecision.objects.values_list("unique_id_l", "unique_id_r"))
    pairs = [
        ReviewPair(**row)
        for row in run.review_pairs
        if (row["unique_id_l"], row["unique_id_r"]) not in decided
    ]
    ReviewPair.objects.bulk_create(pairs, batch_size=BATCH)
    DqDuplicate.objects.bulk_create(
        (DqDuplicate(**row) for row in run.duplicates), batch_size=BATCH
    )
    DqConflict.objects.bulk_create((DqConflict(**row) for row in run.conflicts), batch_size=BATCH)
    return {
        "people": len(pk_of),
        "records": len(run.records),
        "households": len(household_pk),
        "review_pairs": len(pairs),
    }


class NotAllowed(PermissionDenied):
    """The actor may not change the single view (the hub answers 403)."""


def _refuse_unless_single_view_user(actor: Actor) -> None:
    """Only the system (a command, a task) and staff who may use the single view change it."""
    if isinstance(actor, SystemActor):
        return
    if not isinstance(actor, StaffActor) or not may_use_single_view(actor.user):
        raise NotAllowed


def linkage_import(*, actor: Actor, path: str | Path) -> LinkageImport:
    """Replace the single view with the latest run in the engine's DuckDB file at ``path``.

    The file is read and checked in full first; the old single view is then replaced in one
    transaction, so a refused or failed import leaves it exactly as it was. Raises
    ``LinkageImportError`` with a message for the data team. Match decisions are kept, the
    council's corrections of source records applied again (``corrections``), and residents who
    object to the single view left out (``objections``).
    ``actor`` is the system (``SystemActor("manage.py linkage_import")``) or a member of staff
    who may use the single view (``NotAllowed`` otherwise); the import records who it was.
    """
    _refuse_unless_single_view_user(actor)
    # Residents who object to the single view are left out; corrections are made again.
    run = without_objectors(read_run(path))
    with transaction.atomic():
        _clear()
        counts = _write(run)
        corrections_reapply(run.run_id)
        done = LinkageImport.objects.create(
            imported_by=str(actor),
            database=run.database,
            run_id=run.run_id,
            ran_at=run.ran_at
            if run.ran_at is None or run.ran_at.tzinfo
            else run.ran_at.replace(tzinfo=dt.UTC),
            threshold=run.threshold,
            weight_histogram=run.weight_histogram,
            **counts,
        )
        audit_record(
            actor=staff_user(actor),
            action="created",
            object_type="linkage_import",
            object_id=done.pk,
            summary=f"run {run.run_id}: {counts['people']} people, {counts['records']} records",
        )
    return done


class DecisionInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def match_decide(*, actor: Actor, pair: ReviewPair, decision: str, note: str = "") -> MatchDecision:
    """Record an officer's decision on a review pair and take the pair off the queue.

    The decision goes to the engine in the decisions CSV (``decisions_write``), so the next
    run keeps the pair together (match) or apart (non_match). Only staff who may use the single
    view decide (``NotAllowed`` for anyone else, the system too: a decision is a person's).
    """
    user = staff_user(actor)
    if user is None or not may_use_single_view(user):
        raise NotAllowed
    errors = {}
    if decision not in MatchDecision.Decision.values:
        errors["decision"] = "Select whether these records are the same person"
    note = note.strip()
    if len(note) > 500:
        errors["note"] = "Note must be 500 characters or fewer"
    if errors:
        raise DecisionInvalid(errors)
    try:
        with transaction.atomic():
            made = MatchDecision.objects.create(
                unique_id_l=pair.unique_id_l,
                unique_id_r=pair.unique_id_r,
                decision=decision,
                note=note,
                decided_by=user,
                decided_by_email=user.email,
                match_probability=pair.match_probability,
            )
            ReviewPair.objects.filter(pk=pair.pk).delete()
            audit_record(
                actor=user,
                action="changed",
                object_type="review_pair",
                object_id=f"{pair.unique_id_l}|{pair.unique_id_r}",
                summary=f"decided {decision}",
            )
    except IntegrityError:
        raise DecisionInvalid({"decision": "Someone has already decided this pair"}) from None
    return made


def decisions_write(out: TextIO) -> int:
    """Write every decision as the engine's decisions CSV; return how many."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DECISIONS_HEADER)
    count = 0
    for row in MatchDecision.objects.order_by("decided_at", "pk").values_list(
        "unique_id_l", "unique_id_r", "decision", "decided_by_email", "decided_at"
    ):
        writer.writerow([*row[:4], row[4].isoformat()])
        count += 1
    return count
