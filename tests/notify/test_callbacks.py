"""Notify's callbacks into Borough: the bearer token is checked, replays change nothing, texts
residents send back land on their request, and returned letters are marked for staff."""

from __future__ import annotations

import json
import uuid

import pytest

from borough.accounts.models import Role, Team
from borough.cases.models import CaseEvent
from borough.contacts.models import Contact
from borough.core.actors import StaffActor
from borough.governance.erasure import erasure_apply
from borough.notify import sandbox
from borough.notify.models import Message, ReceivedText, SandboxNotification
from borough.notify.services import send_message
from borough.people.models import Household, Resident
from borough.places.models import Property
from tests.factories import ResidentFactory, StaffFactory

CONTEXT = {"text": "Done.", "status": "Closed", "reference": "ABCD-EFGH", "service": "Bins"}


def _post(client, name, payload, authorization):
    return client.post(
        f"/notify/callbacks/{name}/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization,
    )


@pytest.fixture
def sent(notify_on):
    """A text Notify has accepted, its receipt not yet in."""
    return send_message(
        channel="sms", to="07700900982", template_key="case_update", context=CONTEXT
    )


def _receipt(message, status="delivered"):
    return {
        "id": message.notify_id,
        "reference": str(message.pk),
        "to": message.to,
        "status": status,
        "created_at": "2026-12-07T10:00:00.000000Z",
        "completed_at": "2026-12-07T10:00:05.000000Z",
        "sent_at": "2026-12-07T10:00:01.000000Z",
        "notification_type": "sms",
        "template_id": str(uuid.uuid4()),
        "template_version": 1,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("authorization", ["", "Bearer wrong-token", "callback-token-for-tests"])
def test_a_forged_or_missing_bearer_token_is_refused_and_changes_nothing(
    client, sent, authorization
):
    response = _post(client, "delivery-receipt", _receipt(sent), authorization)
    assert response.status_code == 401
    sent.refresh_from_db()
    assert sent.status == Message.Status.SENDING


@pytest.mark.django_db
def test_a_replayed_or_late_receipt_changes_nothing(client, sent, bearer):
    assert _post(client, "delivery-receipt", _receipt(sent), bearer).status_code == 200
    sent.refresh_from_db()
    delivered_at = sent.status_at
    assert sent.status == Message.Status.DELIVERED
    for status in ("delivered", "temporary-failure"):
        assert _post(client, "delivery-receipt", _receipt(sent, status), bearer).status_code == 200
    sent.refresh_from_db()
    assert (sent.status, sent.status_at, sent.next_attempt_at) == (
        Message.Status.DELIVERED,
        delivered_at,
        None,
    )


@pytest.mark.django_db
def test_a_receipt_for_another_try_or_with_bad_json_does_nothing(client, sent, bearer):
    other = {**_receipt(sent, "permanent-failure"), "id": str(uuid.uuid4())}
    assert _post(client, "delivery-receipt", other, bearer).status_code == 200
    response = client.post(
        "/notify/callbacks/delivery-receipt/",
        data=b"not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer,
    )
    assert response.status_code == 400
    sent.refresh_from_db()
    assert sent.status == Message.Status.SENDING


@pytest.fixture
def texter(make_case, django_capture_on_commit_callbacks):
    resident = ResidentFactory(phone="07700 900982")
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(resident=resident)
    return resident, case


@pytest.mark.django_db
def test_a_text_a_resident_sends_back_lands_on_their_request_once(
    client, notify_on, bearer, texter, django_capture_on_commit_callbacks
):
    resident, case = texter
    payload = {
        "id": str(uuid.uuid4()),
        "source_number": "447700900982",
        "destination_number": "07700900999",
        "message": "The bin is still out on the pavement",
        "date_received": "2026-12-07T10:00:00.000000Z",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, "received-text", payload, bearer).status_code == 200
        assert _post(client, "received-text", payload, bearer).status_code == 200  # Notify retries
    event = case.events.get(kind=CaseEvent.Kind.PUBLIC_UPDATE, data__from_resident=True)
    assert event.text == "The bin is still out on the pavement"
    contact = Contact.objects.get(channel="sms")
    assert (contact.case, contact.resident, contact.outcome) == (case, resident, "update_given")
    received = ReceivedText.objects.get()
    assert (received.case, received.resident) == (case, resident)


@pytest.mark.django_db
def test_a_text_from_an_unknown_number_is_kept_for_staff(client, notify_on, bearer, texter):
    payload = {
        "id": str(uuid.uuid4()),
        "source_number": "447700900111",
        "destination_number": "07700900999",
        "message": "Who is this?",
        "date_received": "2026-12-07T10:00:00.000000Z",
    }
    assert _post(client, "received-text", payload, bearer).status_code == 200
    received = ReceivedText.objects.get()
    assert received.case is None and received.message == "Who is this?"
    assert not Contact.objects.filter(channel="sms").exists()


@pytest.mark.django_db
def test_a_returned_letter_is_marked_for_staff_on_the_resident(
    notify_on, gazetteer, django_capture_on_commit_callbacks
):
    home = Property.objects.filter(postcode__gt="").first()
    resident = ResidentFactory(
        email="", phone="", household=Household.objects.create(property=home)
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_message(
            channel="letter",
            template_key="case_update",
            context=CONTEXT,
            address=home.lines,
            resident=resident,
        )
    sandbox.letter_return(SandboxNotification.objects.get())
    sandbox.letter_return(SandboxNotification.objects.get())  # replayed
    letter.refresh_from_db()
    assert letter.status == Message.Status.RETURNED and letter.needs_attention
    assert "check the address" in letter.error
    assert Resident.objects.get(pk=resident.pk) == letter.resident


@pytest.mark.django_db
def test_erasing_a_resident_removes_their_texts_and_the_messages_sent_to_them(
    client, notify_on, bearer, texter, django_capture_on_commit_callbacks
):
    resident, case = texter
    payload = {
        "id": str(uuid.uuid4()),
        "source_number": "447700900982",
        "destination_number": "07700900999",
        "message": "Still there",
        "date_received": "2026-12-07T10:00:00.000000Z",
    }
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "received-text", payload, bearer)
    send_message(
        channel="sms", to="07700 900982", template_key="case_update", context=CONTEXT,
        resident=resident,
    )  # fmt: skip
    officer = StaffFactory(
        membership__team=Team.objects.get(slug="complaints-and-information"),
        membership__role=Role.OFFICER,
    )
    with django_capture_on_commit_callbacks(execute=True):
        erasure_apply(actor=StaffActor(officer), resident=resident, reason="The person asked")
    assert not ReceivedText.objects.exists()
    assert not Message.objects.filter(to="07700 900982").exists()


@pytest.fixture
def announced():
    """What notify told the apps above it (``notify.signals.message_event``), in order."""
    from borough.notify.signals import message_event

    heard: list[tuple[int, str, dict]] = []

    def listen(sender, case_id, name, payload, **kwargs):
        heard.append((case_id, name, payload))

    message_event.connect(listen, dispatch_uid="test-announced")
    yield heard
    message_event.disconnect(dispatch_uid="test-announced")


@pytest.mark.django_db
def test_a_failed_text_and_a_reply_are_told_to_the_cases_processes_once(
    client, notify_on, bearer, texter, announced, django_capture_on_commit_callbacks
):
    _resident, case = texter
    text = send_message(
        channel="sms", to="07700900982", template_key="case_update", context=CONTEXT, case=case
    )
    failed = _receipt(text, "permanent-failure")
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, "delivery-receipt", failed, bearer).status_code == 200
        assert _post(client, "delivery-receipt", failed, bearer).status_code == 200  # replayed
    assert announced == [(case.pk, "delivery_failed", {"message_id": text.pk, "channel": "sms"})]
    reply = {
        "id": str(uuid.uuid4()),
        "source_number": "447700900982",
        "destination_number": "07700900999",
        "message": "My number changed",
        "date_received": "2026-12-07T10:00:00.000000Z",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, "received-text", reply, bearer).status_code == 200
    received = ReceivedText.objects.get()
    # ids only: the resident's words stay in the text kept, not in the process's data
    assert announced[-1] == (case.pk, "reply_received", {"received_text_id": received.pk})
