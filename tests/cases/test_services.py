import datetime as dt

import pytest
from django.core import mail

from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid, TransitionRefused
from borough.cases.models import Case, CaseEvent, Resolution, Status
from borough.cases.references import normalise_reference
from borough.cases.workflow import case_transition
from borough.contacts.models import Contact
from borough.core.actors import ResidentActor, StaffActor
from borough.core.channels import Channel
from borough.core.working_days import add_working_days


def missed_bin_answers(service, **overrides):
    bin_type = service.form.by_id["bin_type"].options[0].value
    answers = {
        "address": "100021500002",
        "bin_type": bin_type,
        "bin_out": "yes",
        "collection_date": dt.date.today().isoformat(),
        "details": "",
    }
    answers.update(overrides)
    return answers


@pytest.mark.django_db
def test_a_case_gets_a_reference_team_due_date_location_timeline_and_contact(missed_bin, gazetteer):
    case = case_create(
        actor=ResidentActor(),
        service=missed_bin,
        answers=missed_bin_answers(missed_bin),
        channel=Channel.WEB,
    )
    assert normalise_reference(case.reference) == case.reference
    assert case.team.slug == "waste"
    assert case.status == Status.NEW
    assert case.due_date == add_working_days(dt.date.today(), missed_bin.sla_working_days)
    assert case.property_id == 100021500002
    assert case.street_id == 20750001
    assert case.ward.name == "Ashgrove"
    assert case.answers["address"] == 100021500002
    assert case.answers["details"] is None
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.CREATED]
    contact = Contact.objects.get(case=case)
    assert contact.channel == Channel.WEB and contact.is_self_service


@pytest.mark.django_db
def test_invalid_answers_make_no_case_and_report_every_error(missed_bin, gazetteer):
    with pytest.raises(CaseInvalid) as caught:
        case_create(
            actor=ResidentActor(),
            service=missed_bin,
            channel=Channel.PHONE,
            answers=missed_bin_answers(missed_bin, address="999999999999"),
        )
    assert caught.value.errors == {"address": "Select an address from the list"}
    assert Case.objects.count() == 0
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_answers_that_lead_to_an_exit_page_cannot_make_a_case(missed_bin, gazetteer):
    with pytest.raises(CaseInvalid) as caught:
        case_create(
            actor=ResidentActor(),
            service=missed_bin,
            channel=Channel.WEB,
            answers=missed_bin_answers(missed_bin, bin_out="no"),
        )
    assert "cannot be made online" in caught.value.errors["bin_out"]


@pytest.mark.django_db
def test_the_same_idempotency_key_returns_the_first_case(missed_bin, gazetteer):
    first = case_create(
        actor=ResidentActor(),
        service=missed_bin,
        answers=missed_bin_answers(missed_bin),
        channel=Channel.WEB,
        idempotency_key="web:abc",
    )
    again = case_create(
        actor=ResidentActor(),
        service=missed_bin,
        answers=missed_bin_answers(missed_bin),
        channel=Channel.WEB,
        idempotency_key="web:abc",
    )
    assert again.pk == first.pk
    assert Case.objects.count() == 1 and Contact.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_acknowledgement_is_emailed_after_the_case_is_saved(catalogue, gazetteer):
    service = catalogue["report-missed-bin"]
    from borough.people.models import Resident

    resident = Resident.objects.create(first_name="Ama", last_name="Owusu", email="ama@example.com")
    case = case_create(
        actor=ResidentActor(resident=resident),
        service=service,
        answers=missed_bin_answers(service),
        channel=Channel.WEB,
        resident=resident,
    )
    assert len(mail.outbox) == 1
    assert case.reference in mail.outbox[0].subject
    assert mail.outbox[0].to == ["ama@example.com"]
    assert case.events.filter(kind=CaseEvent.Kind.ACKNOWLEDGED).exists()


@pytest.mark.django_db
def test_services_without_a_workflow_follow_the_default_one(missed_bin, gazetteer, waste_officer):
    missed_bin.workflow = {}
    missed_bin.save()
    service = type(missed_bin).objects.get(pk=missed_bin.pk)
    case = case_create(
        actor=ResidentActor(),
        service=service,
        answers=missed_bin_answers(service),
        channel=Channel.WEB,
    )
    assert (case.state, case.status) == ("new", "new")
    case = case_transition(case=case, to_status=Status.IN_PROGRESS, actor=StaffActor(waste_officer))
    with pytest.raises(TransitionRefused, match="Choose how the request was resolved"):
        case_transition(case=case, to_status=Status.CLOSED, actor=StaffActor(waste_officer))
    case = case_transition(
        case=case,
        to_status=Status.CLOSED,
        actor=StaffActor(waste_officer),
        resolution=Resolution.FIXED,
        note="Collected this morning",
    )
    assert case.closed_at is not None
    with pytest.raises(
        TransitionRefused, match="A case that is closed cannot be moved to waiting for information"
    ):
        case_transition(case=case, to_status=Status.WAITING, actor=StaffActor(waste_officer))
    kinds = list(case.events.values_list("kind", "data__to"))
    assert kinds == [
        ("created", None),
        ("status_changed", "in_progress"),
        ("status_changed", "closed"),
    ]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("k7p2 qxm4", "K7P2-QXM4"),
        ("K7P2QXM4", "K7P2-QXM4"),
        ("k7p2-qxmo", "K7P2-QXM0"),
        ("K7P2", None),
        ("", None),
        ("K7P2-QXM!", None),
    ],
)
def test_references_are_forgiving_of_how_people_type_them(typed, expected):
    assert normalise_reference(typed) == expected
