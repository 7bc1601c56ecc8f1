"""Rectification (Article 16) and objection (Article 21) as workflows: logged with the
one-month clock, decided with reasons or an exemption, the person told; a correction reaches
the single view's golden record and survives the next import; an objection is honoured."""

import datetime as dt

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.assistant import crosslanguage, dialogue, llm, nlu
from borough.assistant.nlu.types import Entities, Understanding, Vulnerability
from borough.assistant.services import conversation_start
from borough.assistant.staff import draft_update
from borough.assistant.turns import Turn
from borough.core.actors import ResidentActor, StaffActor, SystemActor
from borough.governance.models import RightsRequest
from borough.governance.requests import add_months
from borough.governance.rights import rights_decide, rights_extend, rights_letter_posted, rights_log
from borough.governance.sar import gather
from borough.governance.services import Invalid
from borough.notify import services as notify_services
from borough.notify.models import Message
from borough.people.models import ProcessingObjection
from borough.portal.my_data import objections_data
from borough.singleview.corrections import corrections_outstanding
from borough.singleview.models import GoldenField, LinkedPerson, SourceCorrection, SourceRecord
from borough.singleview.residents import people_for_resident
from borough.singleview.services import linkage_import
from tests.factories import ResidentFactory, StaffFactory
from tests.singleview.linkage_files import PERSON_AMA, make_linkage_file

pytestmark = pytest.mark.django_db
IMPORTER = SystemActor("manage.py linkage_import")
TODAY = timezone.localdate() - dt.timedelta(days=3)


@pytest.fixture
def governance_officer(db):
    """As the package's fixture, without loading the whole catalogue (only its team)."""
    team = Team.objects.get_or_create(
        slug="complaints-and-information", defaults={"name": "Complaints and information"}
    )[0]
    return StaffFactory(
        email="ig.officer@council.example", membership__team=team, membership__role=Role.OFFICER
    )


@pytest.fixture
def ama(db):
    return ResidentFactory(
        first_name="Ama", last_name="Owusu", date_of_birth=dt.date(1980, 3, 27),
        email="ama@example.com", preferred_language="pl",
    )  # fmt: skip


@pytest.fixture
def imported(tmp_path, ama):
    """The single view with Ama linked to her resident record; ``imported(**options)`` imports
    again (the same run, or one whose source systems changed)."""

    def again(**options):
        path = make_linkage_file(tmp_path / f"run-{len(list(tmp_path.iterdir()))}.duckdb",
                                 resident_id=ama.pk, **options)  # fmt: skip
        return linkage_import(actor=IMPORTER, path=path)

    again()
    return again


def log(officer, kind, resident, received_on=TODAY, **data):
    return rights_log(
        actor=StaffActor(officer), kind=kind, received_on=received_on,
        data={"resident": str(resident.pk), "requester_name": "Ama Owusu",
              "grounds": "My name is spelt wrongly", **data},
    )  # fmt: skip


def golden(field):
    return GoldenField.objects.get(person__person_id=PERSON_AMA, field=field)


def test_a_correction_reaches_the_golden_record_and_survives_imports_until_made_at_source(
    governance_officer, ama, imported
):
    officer = governance_officer
    request = log(officer, "rectification", ama, record="source", record_id="council_tax:CT1",
                  field="first_name", corrected_value="Amma")  # fmt: skip
    assert request.due_on == add_months(TODAY, 1) and request.was == "Ama"
    rights_decide(actor=StaffActor(officer), request=request, decision="upheld", exemption="",
                  reasons="Her passport says Amma")  # fmt: skip
    record = SourceRecord.objects.get(record_id="council_tax:CT1")
    assert (record.first_name, record.full_name) == ("Amma", "Amma Owusu")
    assert (golden("first_name").value, golden("first_name").record_id) == (
        "Amma",
        "council_tax:CT1",
    )
    person = LinkedPerson.objects.get(person_id=PERSON_AMA)
    assert person.first_name == "Amma" and "amma" in person.names.split()
    # Told, in her language (Polish), with the officer's reasons.
    told = Message.objects.get(to="ama@example.com", template="rights_outcome")
    assert "Poprawiliśmy" in told.body and "Her passport says Amma" in told.body
    request.refresh_from_db()
    assert request.status == "upheld" and request.told_at and "email" in request.told_how

    # The council tax system still says Ama: the next import is corrected again, and flagged.
    imported()
    assert SourceRecord.objects.get(record_id="council_tax:CT1").first_name == "Amma"
    assert golden("first_name").value == "Amma"
    assert LinkedPerson.objects.get(person_id=PERSON_AMA).first_name == "Amma"
    assert [c.source_id for c in corrections_outstanding()] == ["CT1"]
    assert SourceCorrection.objects.get().reapplied_in_run == 1

    # Once the council tax system holds it, the correction is done: nobody is asked any more.
    imported(ama_first_name="Amma")
    assert SourceCorrection.objects.get().made_at_source_on is not None
    assert not corrections_outstanding().exists()
    # The request is part of what a subject access request gathers.
    assert [r["reference"] for r in gather(ama)["rights_requests"]] == [request.reference]


def test_correcting_the_residents_own_details_corrects_borough_and_its_single_view_copy(
    governance_officer, ama, imported
):
    request = log(governance_officer, "rectification", ama, record="resident",
                  field="last_name", corrected_value="Owusu-Mensah")  # fmt: skip
    rights_decide(actor=StaffActor(governance_officer), request=request, decision="upheld",
                  exemption="", reasons="Married name")  # fmt: skip
    ama.refresh_from_db()
    assert ama.last_name == "Owusu-Mensah"
    mine = SourceRecord.objects.get(source="borough_residents", source_id=str(ama.pk))
    assert mine.last_name == "Owusu-Mensah"
    assert golden("last_name").value == "Owusu-Mensah"


def test_bad_input_is_refused_whole_and_a_refusal_names_its_exemption(
    governance_officer, ama, imported
):
    other = ResidentFactory(email="")
    with pytest.raises(Invalid) as refused:
        log(governance_officer, "rectification", ama, received_on=TODAY + dt.timedelta(400),
            record="source", record_id="waste:W1", field="first_name", corrected_value="K",
        )  # fmt: skip
    # Kofi's record is not Ama's to correct; a date in the future is not a received date.
    assert set(refused.value.errors) == {"received_on", "record_id"}
    with pytest.raises(Invalid) as refused:
        log(governance_officer, "rectification", ama, record="resident", field="date_of_birth",
            corrected_value="31/2/1980")  # fmt: skip
    assert "corrected_value" in refused.value.errors
    assert not RightsRequest.objects.exists()

    request = log(governance_officer, "objection", other, activity="single_view",
                  grounds="I do not want my records joined up")  # fmt: skip
    officer = StaffActor(governance_officer)
    with pytest.raises(Invalid) as refused:
        rights_decide(actor=officer, request=request, decision="refused", exemption="accurate",
                      reasons="")  # fmt: skip
    assert set(refused.value.errors) == {"exemption", "reasons"}  # "accurate" is not a ground
    rights_extend(actor=officer, request=request, months="2", reason="Several systems to check")
    assert request.deadline == add_months(TODAY, 3)
    rights_decide(
        actor=officer, request=request, decision="refused", exemption="compelling_grounds",
        reasons="Needed to find people at risk",
    )  # fmt: skip
    request.refresh_from_db()
    assert request.status == "refused" and not ProcessingObjection.objects.exists()
    # No email address: the officer posts the letter and records it.
    assert request.told_at is None and "letter" in request.told_how
    rights_letter_posted(actor=officer, request=request)
    assert RightsRequest.objects.get().told_at is not None


def test_an_upheld_objection_to_the_single_view_stops_linking_now_and_at_every_import(
    governance_officer, ama, imported
):
    assert LinkedPerson.objects.filter(resident=ama).exists()
    request = log(governance_officer, "objection", ama, activity="single_view",
                  grounds="I object to my records being joined up")  # fmt: skip
    rights_decide(actor=StaffActor(governance_officer), request=request, decision="upheld",
                  exemption="", reasons="No compelling grounds outweigh hers")  # fmt: skip
    assert ProcessingObjection.objects.filter(resident=ama, activity="single_view").exists()
    # Her own "download my data" says what was stopped, and since when.
    assert [o["request"] for o in objections_data(ama)] == [request.reference]

    def nothing_of_hers():
        assert not LinkedPerson.objects.filter(resident=ama).exists()
        assert not SourceRecord.objects.filter(source="borough_residents").exists()
        assert not GoldenField.objects.filter(record_id__startswith="borough_residents").exists()
        assert people_for_resident(ama) == []  # not even a "possible match"

    nothing_of_hers()
    imported()  # the engine's file still has her Borough record: it is left out
    nothing_of_hers()
    assert SourceRecord.objects.filter(source="council_tax").count() == 2  # the rest is there


def test_an_upheld_objection_to_the_language_model_is_honoured_by_every_call(
    catalogue, governance_officer, make_case, settings, monkeypatch
):
    settings.BOROUGH_ASSISTANT_LLM_URL = "http://127.0.0.1:9/v1"
    settings.BOROUGH_STAFF_LLM = True
    calls = []

    def model(messages, **kwargs):
        calls.append(messages)
        return None  # as if the model failed: the plain words are kept

    monkeypatch.setattr(llm, "complete", model)
    # A message in a language Borough has no translation for (the model would translate it).
    somali = Understanding(
        "Waxaan rabaa", "so", "service:missed-bin", 1.0, False, Entities(), Vulnerability(), ()
    )
    monkeypatch.setattr(nlu, "understand", lambda text, **kwargs: somali)
    objector, other = ResidentFactory(), ResidentFactory()
    request = log(governance_officer, "objection", objector, activity="assistant_llm",
                  grounds="I do not want a language model to read what I write")  # fmt: skip
    rights_decide(actor=StaffActor(governance_officer), request=request, decision="upheld",
                  exemption="", reasons="Upheld")  # fmt: skip

    def model_calls(resident) -> int:
        """Every place Borough would send a resident's words to the model."""
        calls.clear()
        conversation = conversation_start(actor=ResidentActor(resident=resident))
        dialogue.understand(conversation, "Waxaan rabaa")
        turn = Turn(translate_to="so")
        turn.say("Your bin will be collected")
        if dialogue.needs_polish(turn, resident_id=llm.conversation_resident_id(conversation)):
            dialogue.polish(turn)
        crosslanguage.to_english("Dzień dobry", "pl", resident.pk)
        crosslanguage.to_resident("Hello", "pl", resident.pk)
        draft_update(make_case(resident=resident), [])
        return len(calls)

    assert model_calls(other) == 5  # asked every time for someone who has not objected
    assert model_calls(objector) == 0  # and never for the objector


def test_a_failed_email_keeps_the_decision_and_asks_for_a_letter(
    governance_officer, ama, settings, monkeypatch
):
    settings.BOROUGH_NOTIFY_PROVIDER = "email"

    def refused(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(notify_services.EmailMessage, "send", refused)
    request = log(governance_officer, "objection", ama, activity="assistant_llm")
    rights_decide(actor=StaffActor(governance_officer), request=request, decision="upheld",
                  exemption="", reasons="Upheld")  # fmt: skip
    request.refresh_from_db()
    assert request.status == "upheld" and ProcessingObjection.objects.filter(resident=ama).exists()
    assert request.told_at is None and "could not be sent" in request.told_how
    assert Message.objects.get(template="rights_outcome").status == Message.Status.FAILED
