"""An erasure request leaves no personal data in any table (every table is scanned for the
person's name, email and phone afterwards) except what an exemption keeps, which is listed."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from borough.assistant.models import Conversation
from borough.cases.models import Alert, Case
from borough.cases.workflow import case_add_note
from borough.contacts.models import Contact
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.governance.erasure import EXEMPTIONS, erasure_apply
from borough.governance.models import ErasureRecord
from borough.governance.requests import sar_log
from borough.governance.rights import rights_decide, rights_log
from borough.governance.services import Invalid, legal_hold_place
from borough.notify.models import Message
from borough.payments.models import Agreement, Payment
from borough.people.models import ProcessingObjection, ResidentNeed
from borough.singleview.models import BOROUGH_RESIDENTS_SOURCE, LinkedPerson, SourceRecord
from tests.factories import ResidentFactory, ResidentUserFactory

pytestmark = pytest.mark.django_db

FIRST, LAST, EMAIL, PHONE = "Zebedee", "Quartermaine", "zq@example.com", "+447700900123"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def tables_holding(*needles: str) -> dict[str, set[str]]:
    """Every table (every model Django knows, third-party apps' too) with a text column that
    contains one of ``needles``: table -> the needles found."""
    found: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            for needle in needles:
                if model._default_manager.filter(**{f"{field.name}__icontains": needle}).exists():
                    found.setdefault(model._meta.db_table, set()).add(needle)
    return found


@pytest.fixture
def zebedee(make_case, make_upload, waste_officer, governance_officer):
    user = ResidentUserFactory(email=EMAIL, first_name=FIRST, last_name=LAST)
    person = ResidentFactory(first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE, user=user)
    case = make_case(resident=person)
    case_add_note(
        case=case, text=f"Called {FIRST} {LAST} back", public=False,
        actor=StaffActor(waste_officer),
    )  # fmt: skip
    make_upload(case, "front-garden.jpg")
    ResidentNeed.objects.create(
        resident=person, need="hearing", note=f"{FIRST} lip-reads",
        consent_basis="explicit_consent", consent_recorded_at=timezone.now(),
    )  # fmt: skip
    now = timezone.now()
    chat = Conversation.objects.create(resident=person, user=user, started_at=now, updated_at=now)
    chat.messages.create(seq=1, sender="resident", text=f"I'm {FIRST}, call {PHONE}", at=now)
    Message.objects.create(
        to=EMAIL, subject="Hello", body=f"Dear {FIRST}", template="t",
        provider="sandbox", status="sandbox", created=now,
    )  # fmt: skip
    Alert.objects.create(kind="street", email=EMAIL, created_at=now)  # issue 25: alerts
    Alert.objects.create(kind="street", channel="sms", phone=PHONE, created_at=now)  # by text
    # Issue 20: a paid request (the answers name them) and a subscription they cancelled.
    Payment.objects.create(
        service=case.service, form_token="f1", answers={"name": f"{FIRST} {LAST}"},
        resident=person, user=user, amount_pence=3000, reference="PAY-Z1",
        description="A new bin", email=EMAIL, state="success", case=case,
    )  # fmt: skip
    Agreement.objects.create(
        reference="AGR-Z1", service=case.service, resident=person, email=EMAIL,
        description="Garden waste", amount_pence=13000, state="cancelled",
    )  # fmt: skip
    audit_record(actor=user, action="downloaded", object_type="resident", object_id=person.pk,
                 resident_id=person.pk)  # fmt: skip
    linked = LinkedPerson.objects.create(
        person_id="PER9", resident=person, first_name=FIRST, last_name=LAST
    )
    SourceRecord.objects.create(
        person=linked, record_id="council_tax:CT9", source="council_tax", source_id="CT9",
        full_name=f"{LAST.upper()}, {FIRST}", email=EMAIL,
    )  # fmt: skip
    SourceRecord.objects.create(
        person=linked, record_id=f"{BOROUGH_RESIDENTS_SOURCE}:{person.pk}",
        source=BOROUGH_RESIDENTS_SOURCE, source_id=str(person.pk), full_name=f"{FIRST} {LAST}",
        email=EMAIL, phone=PHONE,
    )  # fmt: skip
    sar_log(
        actor=StaffActor(governance_officer), resident_id=str(person.pk),
        requester_name=f"{FIRST} {LAST}", received_on=timezone.localdate(),
    )  # fmt: skip
    # Their phone number corrected in the council tax record, and an upheld objection.
    for kind, data in (
        (
            "rectification",
            {
                "record": "source",
                "record_id": "council_tax:CT9",
                "field": "phone",
                "corrected_value": PHONE,
            },
        ),
        ("objection", {"activity": "assistant_llm"}),
    ):
        rights_decide(
            actor=StaffActor(governance_officer), decision="upheld", exemption="", reasons="Yes",
            request=rights_log(
                actor=StaffActor(governance_officer), kind=kind,
                received_on=timezone.localdate(),
                data={"resident": str(person.pk), "requester_name": f"{FIRST} {LAST}",
                      "grounds": "Asked by letter", **data},
            ),
        )  # fmt: skip
    return person, case


def test_erasure_leaves_the_person_only_where_an_exemption_is_listed(
    zebedee, governance_officer, django_capture_on_commit_callbacks
):
    person, case = zebedee
    before = tables_holding(FIRST, LAST, EMAIL, PHONE)
    assert len(before) >= 8  # the person was really everywhere first
    with django_capture_on_commit_callbacks(execute=True):
        record = erasure_apply(
            actor=StaffActor(governance_officer), resident=person, reason="The person asked"
        )
    after = tables_holding(FIRST, LAST, EMAIL, PHONE)
    assert set(after) <= set(EXEMPTIONS), f"personal data left in {set(after) - set(EXEMPTIONS)}"
    assert set(after) == {
        "singleview_linkedperson",
        "singleview_sourcerecord",
        "singleview_sourcecorrection",  # the council tax system has yet to correct the phone
        "singleview_goldenfield",  # the corrected phone, chosen from the council tax record
        "governance_subjectaccessrequest",
        "governance_rightsrequest",
    }
    assert not ProcessingObjection.objects.exists()  # went with the person
    assert all(any(e.startswith(table) for e in record.exemptions) for table in after)
    # Borough's own copy in the single view went; the council tax system's copy is exempt.
    assert list(SourceRecord.objects.values_list("source", flat=True)) == ["council_tax"]
    # The request is kept for the council's records, without the person.
    kept = Case.objects.get(pk=case.pk)
    assert kept.resident_id is None and kept.events.filter(text__contains="[erased]").exists()
    assert Contact.objects.filter(case=kept, resident=None).exists()
    # The payment stays for the accounts, without who made it.
    paid = Payment.objects.get(reference="PAY-Z1")
    assert (paid.amount_pence, paid.email, paid.answers, paid.resident_id) == (3000, "", {}, None)
    saved = ErasureRecord.objects.get()
    assert FIRST not in str(saved.counts) + saved.reason + saved.erased_by.replace("Sam", "")
    assert saved.counts["chats"] >= 1 and saved.counts["files"] == 1


def test_a_legal_hold_refuses_erasure_and_nothing_is_removed(zebedee, governance_officer):
    person, case = zebedee
    officer = StaffActor(governance_officer)
    legal_hold_place(actor=officer, reason="Tribunal", case=case)
    with pytest.raises(Invalid):
        erasure_apply(actor=officer, resident=person, reason="The person asked")
    assert Case.objects.get(pk=case.pk).resident_id == person.pk
    assert not ErasureRecord.objects.exists()


def test_only_governance_staff_may_erase(zebedee, waste_officer):
    from borough.cases.errors import NotAllowed

    with pytest.raises(NotAllowed):
        erasure_apply(actor=StaffActor(waste_officer), resident=zebedee[0], reason="x")
    assert LinkedPerson.objects.filter(resident=zebedee[0]).exists()


def test_an_active_subscription_refuses_erasure_until_it_is_cancelled(zebedee, governance_officer):
    person, _case = zebedee
    Agreement.objects.filter(reference="AGR-Z1").update(state="active")
    with pytest.raises(Invalid, match="subscription"):
        erasure_apply(actor=StaffActor(governance_officer), resident=person, reason="Asked")
    assert Payment.objects.get(reference="PAY-Z1").email == EMAIL  # nothing went
