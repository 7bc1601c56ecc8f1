"""A subject access request for a resident with cases, chats, needs, photos, linked source
records and audit entries returns all of them and nothing of another person; the workflow keeps
the one-month clock, its extension, withheld items and release (issue 23)."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from borough.assistant.models import Conversation
from borough.cases.workflow import case_add_note
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.governance.models import SubjectAccessRequest
from borough.governance.requests import add_months, sar_extend, sar_log, sar_release, sar_review
from borough.governance.sar import gather, package, pdf
from borough.governance.services import Invalid
from borough.payments.models import Agreement, Payment
from borough.people.models import ResidentNeed
from borough.singleview.models import LinkedPerson, SourceRecord
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def _person(make_case, make_upload, officer, *, first, last, email, source_id):
    resident = ResidentFactory(first_name=first, last_name=last, email=email)
    case = make_case(resident=resident)
    case_add_note(
        case=case, text=f"Spoke to {first} about the bin", public=False, actor=StaffActor(officer)
    )
    make_upload(case, f"{first.lower()}.jpg")
    ResidentNeed.objects.create(
        resident=resident,
        need="mobility",
        note=f"{first} uses a wheelchair",
        consent_basis="explicit_consent",
        consent_recorded_at=timezone.now(),
    )
    now = timezone.now()
    chat = Conversation.objects.create(resident=resident, started_at=now, updated_at=now)
    chat.messages.create(seq=1, sender="resident", text=f"I am {first}, my bin was missed", at=now)
    person = LinkedPerson.objects.create(person_id=f"PER{source_id}", resident=resident)
    SourceRecord.objects.create(
        person=person,
        record_id=f"council_tax:{source_id}",
        source="council_tax",
        source_id=source_id,
        full_name=f"{last.upper()}, {first}",
        email=email,
    )
    Payment.objects.create(
        service=case.service, form_token=f"form-{source_id}", answers={}, resident=resident,
        amount_pence=3000, reference=f"PAY-{source_id}", description="A new bin",
        email=email, state="success", case=case,
    )  # fmt: skip
    Agreement.objects.create(
        reference=f"AGR-{source_id}", service=case.service, resident=resident, email=email,
        description="Garden waste", amount_pence=13000, state="active",
        renews_on=dt.date.today() + dt.timedelta(days=100),
    )  # fmt: skip
    audit_record(
        actor=officer,
        action="viewed",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
    )
    return resident


@pytest.fixture
def two_people(make_case, make_upload, waste_officer):
    ama = _person(
        make_case,
        make_upload,
        waste_officer,
        first="Ama",
        last="Owusu",
        email="ama@example.com",
        source_id="CT1",
    )
    kofi = _person(
        make_case,
        make_upload,
        waste_officer,
        first="Kofi",
        last="Mensah",
        email="kofi@example.com",
        source_id="CT2",
    )
    return ama, kofi


def test_gather_returns_everything_of_the_person_and_nothing_of_another(two_people):
    ama, kofi = two_people
    found = gather(ama)
    for section in (
        "details",
        "needs",
        "requests",
        "timeline",
        "files",
        "chats",
        "linked_records",
        "access_log",
        "payments",
        "subscriptions",
    ):
        assert found[section], f"nothing in {section}"
    text = json.dumps(found, default=str)
    assert "Ama" in text and "wheelchair" in text and "council_tax:CT1" in text
    assert "ama.jpg" in text and "my bin was missed" in text
    assert any(item["internal"] for item in found["timeline"])  # internal notes are gathered
    assert any(item["did"] == "Viewed" for item in found["access_log"])
    assert found["payments"][0]["amount"] == "£30.00" and "PAY-CT1" in text
    for of_kofi in ("Kofi", "Mensah", "kofi@example.com", "CT2", "kofi.jpg"):
        assert of_kofi not in text


def test_the_package_has_json_csv_files_and_a_printable_copy_without_withheld_items(
    two_people,
):
    ama, _ = two_people
    found = gather(ama)
    note = next(item for item in found["timeline"] if item["internal"])
    data = package(1, found, {note["key"]: "Third party"})
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {"data.json", "index.html", "needs.csv", "chats.csv", "linked_records.csv"} <= names
    assert any(name.startswith("files/") and name.endswith("ama.jpg") for name in names)
    released = json.loads(archive.read("data.json"))
    assert "Spoke to Ama" not in json.dumps(released)
    assert "Spoke to Ama" not in archive.read("index.html").decode()
    assert "wheelchair" in archive.read("index.html").decode()
    # The PDF: everything released, in the same order, and not the withheld note.
    pdf_text = _pdf_text(archive.read("package.pdf"))
    assert pdf_text == _pdf_text(pdf(1, found, {note["key"]: "Third party"}))
    assert "The data Demo Borough Council holds about Ama Owusu" in pdf_text
    for held in ("wheelchair", "my bin was missed", "council_tax:CT1", "ama.jpg", "Viewed"):
        assert held in pdf_text, held
    assert "Spoke to Ama" not in pdf_text
    assert "1 item: Third party" in pdf_text  # how many were withheld, and why


def _pdf_text(data: bytes) -> str:
    """The PDF's text as a reader would copy it, lines joined (a long value wraps)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_has_nothing_of_another_person_and_prints_any_latin_name(
    make_case, make_upload, waste_officer, two_people
):
    ama, kofi = two_people
    lucja = _person(make_case, make_upload, waste_officer, first="Łucja", last="Wójcik-Żak",
                    email="lucja@example.com", source_id="CT3")  # fmt: skip
    text = _pdf_text(pdf(2, gather(lucja), {}))
    assert "holds about Łucja Wójcik-Żak" in text and "Łucja uses a wheelchair" in text
    assert "Nothing: every item we hold about you is in this package" in text
    for other in ("Ama", "Owusu", "ama@example.com", "Kofi", "Mensah", "CT1", "CT2"):
        assert other not in text, other


def test_the_clock_is_one_calendar_month_and_extends_by_at_most_two(governance_officer):
    resident = ResidentFactory()
    actor = StaffActor(governance_officer)
    sar = sar_log(
        actor=actor,
        resident_id=str(resident.pk),
        requester_name="Ama Owusu",
        received_on=dt.date(2026, 1, 31),
    )
    assert sar.due_on == dt.date(2026, 2, 28)
    with pytest.raises(Invalid) as refused:
        sar_extend(actor=actor, sar=sar, months="3", reason="")
    assert set(refused.value.errors) == {"months", "reason"}
    sar_extend(actor=actor, sar=sar, months="2", reason="Records in four systems")
    assert sar.extended_to == dt.date(2026, 4, 30) == add_months(dt.date(2026, 1, 31), 3)


def test_logging_refuses_bad_input_and_keeps_nothing(governance_officer):
    with pytest.raises(Invalid) as refused:
        sar_log(
            actor=StaffActor(governance_officer),
            resident_id="x",
            requester_name="",
            received_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert set(refused.value.errors) == {"resident", "requester_name", "received_on"}
    assert not SubjectAccessRequest.objects.exists()


def test_release_needs_the_identity_checked_and_happens_once(governance_officer):
    actor = StaffActor(governance_officer)
    sar = sar_log(
        actor=actor,
        resident_id=str(ResidentFactory().pk),
        requester_name="A",
        received_on=timezone.localdate(),
    )
    with pytest.raises(Invalid):
        sar_release(actor=actor, sar=sar)
    sar_review(actor=actor, sar=sar, withheld={}, identity_checked=True)
    sar_release(actor=actor, sar=sar)
    assert sar.status == "released" and sar.released_at
    with pytest.raises(Invalid):
        sar_release(actor=actor, sar=sar)


def test_only_governance_staff_handle_requests(waste_officer):
    from borough.cases.errors import NotAllowed

    with pytest.raises(NotAllowed):
        sar_log(
            actor=StaffActor(waste_officer),
            resident_id=str(ResidentFactory().pk),
            requester_name="A",
            received_on=timezone.localdate(),
        )
    assert not SubjectAccessRequest.objects.exists()
