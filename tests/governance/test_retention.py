"""A retention run deletes exactly what the schedule says and spares what a legal hold covers;
a dry run only counts; the log holds counts, never content (issue 23)."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from borough.assistant.models import Conversation
from borough.cases.models import Case, CaseEvent
from borough.catalogue.models import Upload
from borough.core.actors import StaffActor, SystemActor
from borough.core.models import AuditEvent
from borough.core.services import audit_record
from borough.governance.models import RetentionRule, RetentionRun
from borough.governance.retention import retention_apply
from borough.governance.services import legal_hold_place, legal_hold_release
from borough.notify.models import Message
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


def _chat(resident):
    now = timezone.now()
    chat = Conversation.objects.create(
        resident=resident, status="closed", started_at=now, updated_at=now
    )
    chat.messages.create(seq=1, sender="resident", text="My bin was missed", at=now)
    return chat


def _age(model, pk, field, days):
    model.objects.filter(pk=pk).update(**{field: timezone.now() - dt.timedelta(days=days)})


@pytest.fixture
def borough_records(make_case, close_case, make_upload):
    """Requests, files, chats, emails and audit rows on both sides of each rule's line."""
    old_resident, kept_resident, held_person = (ResidentFactory() for _ in range(3))
    old = close_case(make_case(resident=old_resident), days_ago=2200)  # past 6 years
    recent = close_case(make_case(resident=kept_resident), days_ago=2000)  # inside 6 years
    still_open = make_case(resident=kept_resident)
    held_case = close_case(make_case(), days_ago=2500)
    held_persons_case = close_case(make_case(resident=held_person), days_ago=2500)
    photo_old = make_upload(old, "old.jpg")
    photo_recent_case = make_upload(recent, "recent.jpg")  # case closed > 365 days: goes
    photo_held = make_upload(held_case, "held.jpg")
    photo_open = make_upload(still_open, "open.jpg")
    chat_old, chat_new, chat_held = (
        _chat(resident) for resident in (old_resident, kept_resident, held_person)
    )
    for chat in (chat_old, chat_held):
        _age(Conversation, chat.pk, "updated_at", 400)
    for case in (old, held_case, recent):
        Message.objects.create(
            to="someone@example.com",
            subject="Your request",
            body="We have it",
            template="t",
            case=case,
            provider="sandbox",
            status="sandbox",
            created=timezone.now(),
        )
    Message.objects.create(
        to=held_person.email,
        subject="Hello",
        body="About you",
        template="t",
        provider="sandbox",
        status="sandbox",
        created=timezone.now(),
    )
    for message in Message.objects.all():
        _age(Message, message.pk, "created", 400)
    audit_old = audit_record(
        actor=SYSTEM,
        action="viewed",
        object_type="resident",
        object_id=old_resident.pk,
        resident_id=old_resident.pk,
    )
    audit_held = audit_record(
        actor=SYSTEM,
        action="viewed",
        object_type="resident",
        object_id=held_person.pk,
        resident_id=held_person.pk,
    )
    for event in (audit_old, audit_held):
        _age(AuditEvent, event.pk, "at", 2200)
    return locals()


def test_a_run_deletes_what_the_schedule_says_and_spares_holds(
    borough_records, governance_officer, django_capture_on_commit_callbacks
):
    r = borough_records
    officer = StaffActor(governance_officer)
    legal_hold_place(actor=officer, reason="Insurance claim", case=r["held_case"])
    legal_hold_place(actor=officer, reason="Tribunal", resident=r["held_person"])
    messages_to_held = Message.objects.filter(case=r["held_case"]).count()

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(actor=SYSTEM)

    cases = set(Case.objects.values_list("pk", flat=True))
    assert r["old"].pk not in cases
    assert {r["recent"].pk, r["still_open"].pk, r["held_case"].pk} <= cases
    assert r["held_persons_case"].pk in cases
    assert not CaseEvent.objects.filter(case_id=r["old"].pk).exists()
    uploads = set(Upload.objects.values_list("pk", flat=True))
    assert uploads == {r["photo_held"].pk, r["photo_open"].pk}
    assert not default_storage.exists(r["photo_old"].path)
    assert not default_storage.exists(r["photo_recent_case"].path)
    assert default_storage.exists(r["photo_held"].path)
    chats = set(Conversation.objects.values_list("pk", flat=True))
    assert chats == {r["chat_new"].pk, r["chat_held"].pk}
    assert Message.objects.filter(case=r["held_case"]).count() == messages_to_held > 0
    assert Message.objects.filter(to=r["held_person"].email).exists()
    left = Message.objects.filter(created__lt=timezone.now() - dt.timedelta(days=365))
    assert set(left.values_list("case_id", flat=True)) <= {r["held_case"].pk, None}
    assert not AuditEvent.objects.filter(pk=r["audit_old"].pk).exists()
    assert AuditEvent.objects.filter(pk=r["audit_held"].pk).exists()
    assert run.counts["closed_cases"] == 1
    assert run.counts["uploads"] == 1  # the old case's photo went with its case
    assert run.counts["chats"] == 1
    assert run.counts["audit_log"] == 1
    assert run.spared["closed_cases"] == 2 and run.spared["chats"] == 1
    assert run.spared["audit_log"] == 1


def test_a_released_hold_no_longer_spares(borough_records, governance_officer):
    officer = StaffActor(governance_officer)
    hold = legal_hold_place(actor=officer, reason="Claim", case=borough_records["held_case"])
    legal_hold_release(actor=officer, hold=hold)
    retention_apply(actor=SYSTEM)
    assert not Case.objects.filter(pk=borough_records["held_case"].pk).exists()


def test_a_service_rule_overrides_the_default_for_its_cases(borough_records, missed_bin):
    RetentionRule.objects.create(kind="closed_cases", service=missed_bin, keep_days=1900)
    retention_apply(actor=SYSTEM)
    assert not Case.objects.filter(pk=borough_records["recent"].pk).exists()
    assert Case.objects.filter(pk=borough_records["still_open"].pk).exists()


def test_a_dry_run_counts_and_removes_nothing(borough_records, capsys):
    before = {m: m.objects.count() for m in (Case, Upload, Conversation, Message, AuditEvent)}
    call_command("retention")
    printed = capsys.readouterr().out
    assert "Would remove 3: Closed requests" in printed  # no hold here
    assert {m: m.objects.count() for m in before} == before
    run = RetentionRun.objects.get()
    assert run.dry_run and run.counts["closed_cases"] == 3
    # The log is counts by kind, never what the records held.
    assert set(run.counts) <= {r.kind for r in RetentionRule.objects.all()}
    assert all(isinstance(n, int) for n in run.counts.values())


def test_saved_forms_are_anonymised_not_deleted(make_case):
    from borough.contacts.models import FormSession

    session = FormSession.objects.create(
        service=make_case().service,
        started_at=timezone.now(),
        saved_answers={"details": "Ama"},
        saved_at=timezone.now() - dt.timedelta(days=29),
    )
    retention_apply(actor=SYSTEM)
    session.refresh_from_db()
    assert session.saved_answers == {} and session.saved_at is None


def test_only_governance_staff_or_borough_may_run_it(waste_officer, borough_records):
    from borough.cases.errors import NotAllowed

    with pytest.raises(NotAllowed):
        retention_apply(actor=StaffActor(waste_officer))
    assert Case.objects.filter(pk=borough_records["old"].pk).exists()
    assert not RetentionRun.objects.exists()
