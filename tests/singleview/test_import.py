"""Importing the linkage engine's run into the single view: all of it, or nothing."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from django.core.management import CommandError, call_command

from borough.core.actors import SystemActor
from borough.singleview.models import (
    DqConflict,
    DqDuplicate,
    GoldenField,
    LinkageImport,
    LinkedHousehold,
    LinkedPerson,
    MatchDecision,
    PersonEvent,
    ReviewPair,
    SourceRecord,
)
from borough.singleview.services import LinkageImportError, linkage_import
from tests.factories import ResidentFactory

from .linkage_files import PERSON_AMA, PERSON_AMY, PERSON_KOFI

pytestmark = pytest.mark.django_db

IMPORTER = SystemActor("tests")


def test_import_loads_people_records_golden_fields_households_pairs_and_quality(
    linkage_file, gazetteer
):
    resident = ResidentFactory(first_name="Ama", last_name="Owusu")
    path = linkage_file(resident_id=resident.pk)
    call_command("linkage_import", "--db", str(path))

    ama = LinkedPerson.objects.get(person_id=PERSON_AMA)
    assert (ama.first_name, ama.last_name, ama.dob) == ("Ama", "Owusu", dt.date(1980, 3, 27))
    assert ama.resident == resident  # Borough's own resident, by source id
    assert sorted(ama.records.values_list("source", flat=True)) == [
        "borough_residents",
        "council_tax",
        "council_tax",
        "housing",
    ]
    email = GoldenField.objects.get(person=ama, field="email")
    assert (email.value, email.source, email.rule) == (
        "ama.o@example.com",
        "housing",
        "most recent",
    )
    household = LinkedHousehold.objects.get()
    assert household.property_id == 100021500001  # in the gazetteer
    assert set(household.people.values_list("person_id", flat=True)) == {PERSON_AMA, PERSON_KOFI}
    pairs = list(ReviewPair.objects.values_list("unique_id_l", "unique_id_r"))
    assert pairs == [("housing:H1", "parking:P1"), ("parking:P1", "waste:W1")]
    assert ReviewPair.objects.first().evidence[0]["level"] == "Jaro-Winkler >= 0.9"
    assert DqDuplicate.objects.get().record_ids == "council_tax:CT1,council_tax:CT2"
    assert DqConflict.objects.get(field="email").sources == ["council_tax", "housing"]
    assert PersonEvent.objects.filter(event="merged", other_person_id=PERSON_AMA).exists()
    done = LinkageImport.objects.get()
    assert (done.run_id, done.people, done.records, done.review_pairs) == (1, 3, 6, 2)


def test_people_without_a_resident_or_gazetteer_property_are_not_linked(linkage_file):
    ResidentFactory()  # not named by any source record
    linkage_import(actor=IMPORTER, path=linkage_file())
    assert not LinkedPerson.objects.filter(resident__isnull=False).exists()
    assert LinkedHousehold.objects.get().property is None  # no gazetteer loaded


def test_a_new_import_replaces_the_previous_one(linkage_file):
    linkage_import(actor=IMPORTER, path=linkage_file())
    linkage_import(actor=IMPORTER, path=linkage_file(run_id=2, ama_first_name="Amma"))
    assert LinkedPerson.objects.count() == 3
    assert SourceRecord.objects.count() == 5
    assert LinkedPerson.objects.get(person_id=PERSON_AMA).first_name == "Amma"
    assert list(LinkageImport.objects.values_list("run_id", flat=True)) == [2, 1]


def _state():
    return (
        list(LinkedPerson.objects.values_list("person_id", "first_name")),
        SourceRecord.objects.count(),
        GoldenField.objects.count(),
        ReviewPair.objects.count(),
        LinkedHousehold.objects.count(),
        DqDuplicate.objects.count(),
        LinkageImport.objects.count(),
    )


def test_a_file_missing_tables_is_refused_with_a_clear_message_and_changes_nothing(
    linkage_file,
):
    linkage_import(actor=IMPORTER, path=linkage_file())
    before = _state()
    bad = linkage_file(leave_out=("golden_fields", "review_pairs"))
    with pytest.raises(CommandError) as refused:
        call_command("linkage_import", "--db", str(bad))
    assert "missing the tables golden_fields, review_pairs" in str(refused.value)
    assert "Nothing was imported" in str(refused.value)
    assert _state() == before


def test_a_missing_file_or_a_file_that_is_not_duckdb_is_refused(tmp_path):
    with pytest.raises(LinkageImportError, match="There is no file at"):
        linkage_import(actor=IMPORTER, path=tmp_path / "nowhere.duckdb")
    text = tmp_path / "people.duckdb"
    text.write_text("source_id,name\n1,Ama\n")
    with pytest.raises(LinkageImportError, match="not a DuckDB database"):
        linkage_import(actor=IMPORTER, path=text)


def test_an_import_that_fails_part_way_keeps_the_old_single_view(linkage_file):
    linkage_import(actor=IMPORTER, path=linkage_file())
    before = _state()
    # A household member who is not in the run: found only after the tables were read.
    broken = linkage_file(run_id=2, ama_first_name="Amma")
    with duckdb.connect(str(broken)) as con:
        con.execute("INSERT INTO household_members VALUES ('HH-100021500001', 'PER000000077')")
    with pytest.raises(LinkageImportError, match="names person PER000000077"):
        linkage_import(actor=IMPORTER, path=broken)
    assert _state() == before


def test_a_database_error_while_writing_rolls_the_whole_import_back(linkage_file):
    linkage_import(actor=IMPORTER, path=linkage_file())
    before = _state()
    broken = linkage_file(run_id=2, ama_first_name="Amma")
    with duckdb.connect(str(broken)) as con:
        # Two golden values for one field of one person break a constraint on the way in,
        # after the old single view was cleared inside the transaction.
        con.execute(
            "INSERT INTO golden_fields VALUES "
            "('PER000000002', 'first_name', 'Kwame', 'waste', 'waste:W1', 'most recent')"
        )
    with pytest.raises(Exception):  # noqa: B017 - the database's own IntegrityError
        linkage_import(actor=IMPORTER, path=broken)
    assert _state() == before


def test_decided_pairs_stay_out_of_the_queue_after_a_reimport(linkage_file, data_officer):
    MatchDecision.objects.create(
        unique_id_l="housing:H1",
        unique_id_r="parking:P1",
        decision="match",
        decided_by=data_officer,
        decided_by_email=data_officer.email,
    )
    linkage_import(actor=IMPORTER, path=linkage_file())
    assert list(ReviewPair.objects.values_list("person_id_l", "person_id_r")) == [
        (PERSON_AMY, PERSON_KOFI)
    ]
    assert MatchDecision.objects.count() == 1


def test_the_linkage_command_says_what_went_wrong(tmp_path):
    with pytest.raises(CommandError, match="Name an engine command"):
        call_command("linkage")
    with pytest.raises(CommandError, match="--import goes with the link or run command"):
        call_command("linkage", "--import", "standardise", "--db", str(tmp_path / "p.duckdb"))
    with pytest.raises(CommandError, match=r"The linkage engine stopped \(exit code 2\)"):
        call_command("linkage", "relink-everything")
    assert not LinkageImport.objects.exists()
