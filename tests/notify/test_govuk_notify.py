"""Sending through GOV.UK Notify (its embedded sandbox): email, text and letter, delivery
receipts, retries with backoff when Notify is down or a message is not delivered, and failures
left for staff, never lost."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import requests
from django.utils import timezone

from borough.notify import sandbox
from borough.notify.checks import govuk_notify_configured
from borough.notify.models import Message, SandboxNotification
from borough.notify.services import MAX_ATTEMPTS, TEMPLATES, messages_retry_due, send_message

CONTEXT = {"text": "Done.", "status": "Closed", "reference": "ABCD-EFGH", "service": "Bins"}
ADDRESS = ["Flat 2", "14 Church Road", "Uxbridge", "UB8 1AA"]


def _send(channel="email", to="ama@example.com", **kwargs):
    return send_message(
        channel=channel, to=to, template_key="case_update", context=CONTEXT, **kwargs
    )


@pytest.mark.django_db
def test_an_email_goes_to_notify_with_our_id_as_reference_and_its_receipt_marks_it_delivered(
    notify_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _send()
        assert message.status == Message.Status.SENDING
    sent = SandboxNotification.objects.get()
    assert str(sent.pk) == message.notify_id and sent.reference == str(message.pk)
    assert sent.request["personalisation"]["body"] == message.body
    assert sent.request["personalisation"]["reference"] == "ABCD-EFGH"
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED and message.status_at is not None


@pytest.mark.django_db
def test_a_text_and_a_letter_go_by_their_own_channels(
    notify_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        text = _send("sms", "07700 900982")
        letter = _send("letter", "", address=ADDRESS)
    kinds = dict(SandboxNotification.objects.values_list("type", "to"))
    assert kinds == {"sms": "07700 900982", "letter": "Flat 2, 14 Church Road, Uxbridge, UB8 1AA"}
    text.refresh_from_db()
    letter.refresh_from_db()
    assert text.status == Message.Status.DELIVERED
    assert "ABCD-EFGH" in text.body and len(text.body) < 480  # a text, not the email's body
    assert letter.status == Message.Status.SENDING and letter.to.endswith("UB8 1AA")
    with pytest.raises(ValueError, match="at least 3 lines"):
        _send("letter", "", address=["14 Church Road", "UB8 1AA"])


@pytest.mark.django_db
def test_a_permanent_failure_is_left_for_staff_and_never_retried(
    notify_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(to="perm-fail@simulator.notify")
    message.refresh_from_db()
    assert message.status == Message.Status.PERMANENT_FAILURE and message.needs_attention
    assert messages_retry_due(now=timezone.now() + dt.timedelta(days=1)) == 0


@pytest.mark.django_db
def test_a_temporary_failure_is_sent_again_with_backoff_then_given_up_for_staff(
    notify_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _send("sms", "07700900003")
    message.refresh_from_db()
    assert message.status == Message.Status.TEMPORARY_FAILURE
    first_wait = message.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < first_wait < dt.timedelta(seconds=70)
    assert messages_retry_due() == 0  # not before its wait is over
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        later += dt.timedelta(hours=3)
        with django_capture_on_commit_callbacks(execute=True):
            assert messages_retry_due(now=later) == 1
    message.refresh_from_db()
    assert message.attempts == MAX_ATTEMPTS
    assert message.status == Message.Status.FAILED and message.needs_attention
    assert f"Tried {MAX_ATTEMPTS} times" in message.error
    assert SandboxNotification.objects.count() == MAX_ATTEMPTS


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer",
    [
        (500, {"status_code": 500, "errors": [{"error": "Exception", "message": "Internal"}]}),
        (429, {"status_code": 429, "errors": [{"error": "RateLimitError", "message": "Slow"}]}),
        (503, None),
        ("down", None),
    ],
)
def test_notify_down_or_busy_keeps_the_message_and_sends_it_when_notify_is_back(
    notify_on, monkeypatch, answer, django_capture_on_commit_callbacks
):
    status, body = answer
    real = sandbox.handle

    def broken(*args):
        if status == "down":
            raise requests.ConnectionError("no route to host")
        return status, body

    monkeypatch.setattr(sandbox, "handle", broken)
    message = _send()
    assert message.status == Message.Status.QUEUED and message.attempts == 1
    assert "GOV.UK Notify" in message.error and message.next_attempt_at > timezone.now()
    monkeypatch.setattr(sandbox, "handle", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_retry_due(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED and message.attempts == 2


@pytest.mark.django_db
def test_what_notify_refuses_is_failed_at_once_for_staff(notify_on, monkeypatch):
    monkeypatch.setattr(
        sandbox,
        "handle",
        lambda *args: (400, {"errors": [{"error": "BadRequestError", "message": "Trial mode"}]}),
    )
    message = _send()
    assert message.status == Message.Status.FAILED and message.attempts == 1
    assert "400" in message.error and "Trial mode" in message.error


@pytest.mark.django_db
def test_without_a_template_for_real_notify_the_message_fails_saying_which(notify_on):
    notify_on.NOTIFY_SANDBOX = False
    message = _send("sms", "07700900982")
    assert message.status == Message.Status.FAILED
    assert "case_update.sms" in message.error


@pytest.mark.django_db
def test_the_sandbox_checks_the_jwt_as_notify_does(notify_on):
    body = json.dumps({"email_address": "a@example.com", "template_id": "x"}).encode()
    assert sandbox.handle("POST", "/v2/notifications/email", {}, body)[0] == 403
    forged = "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl"
    status, answer = sandbox.handle(
        "POST", "/v2/notifications/email", {"Authorization": forged}, body
    )
    assert status == 403 and answer["errors"][0]["error"] == "AuthError"


@pytest.mark.django_db
def test_smoke_test_addresses_get_an_answer_and_no_receipt(
    notify_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(to="simulate-delivered@notifications.service.gov.uk")
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING and message.notify_id
    assert not SandboxNotification.objects.exists()


def test_the_deploy_check_names_every_message_real_notify_has_no_template_for(notify_on):
    notify_on.NOTIFY_SANDBOX = False
    wanted = [f"{key}.email" for key in TEMPLATES] + [
        f"{key}.{channel}"
        for key in ("case_acknowledgement", "case_update")
        for channel in ("sms", "letter")
    ]
    notify_on.NOTIFY_TEMPLATES = {pair: str(uuid.uuid4()) for pair in wanted}
    assert govuk_notify_configured(None) == []
    del notify_on.NOTIFY_TEMPLATES["case_update.sms"]
    notify_on.NOTIFY_CALLBACK_TOKEN = ""
    problems = {problem.id: problem.msg for problem in govuk_notify_configured(None)}
    assert problems["notify.E002"] == "No GOV.UK Notify template for: case_update.sms"
    assert "notify.W001" in problems
