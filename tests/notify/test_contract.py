"""Contract: every request the official Notify client sends for Borough matches Notify's
documented request shapes, and every callback the sandbox sends matches Notify's documented
callbacks (tests/data/govuk_notify, with its sources)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from borough.notify import sandbox
from borough.notify.services import send_message

SHAPES = json.loads(
    (Path(__file__).parents[1] / "data" / "govuk_notify" / "requests.json").read_text()
)
BODIES = {
    "/v2/notifications/email": "SendEmailRequest",
    "/v2/notifications/sms": "SendSmsRequest",
    "/v2/notifications/letter": "SendLetterRequest",
}
CONTEXT = {"text": "Done.", "status": "Closed", "reference": "ABCD-EFGH", "service": "Bins"}


def _problems(shape: str, body: dict) -> list[str]:
    schema = {**SHAPES[shape], "definitions": SHAPES["definitions"]}
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    return [error.message for error in validator.iter_errors(body)]


@pytest.fixture
def recorded(monkeypatch):
    """Every request the client sends, and every callback the sandbox sends, as sent."""
    requests, callbacks = [], []
    real = sandbox.handle

    def recording(method, path, headers, body):
        requests.append((method, path, headers, body))
        return real(method, path, headers, body)

    monkeypatch.setattr(sandbox, "handle", recording)
    for name, sink in (
        ("DeliveryReceiptCallback", sandbox.receipt_sink),
        ("ReceivedTextCallback", sandbox.received_text_sink),
        ("ReturnedLetterCallback", sandbox.returned_letter_sink),
    ):
        # Borough's receivers stay in the sinks; the recorder goes in front of them.
        sink.insert(0, lambda body, auth, name=name: callbacks.append((name, json.loads(body))))
    yield requests, callbacks
    for sink in (sandbox.receipt_sink, sandbox.received_text_sink, sandbox.returned_letter_sink):
        sink.pop(0)


@pytest.mark.django_db
def test_every_request_and_callback_matches_notifys_documented_shapes(
    notify_on, recorded, django_capture_on_commit_callbacks
):
    requests, callbacks = recorded
    with django_capture_on_commit_callbacks(execute=True):
        send_message(
            channel="email", to="ama@example.com", template_key="case_update", context=CONTEXT
        )
        send_message(channel="sms", to="+447700900982", template_key="case_update", context=CONTEXT)
        letter = send_message(
            channel="letter",
            template_key="case_acknowledgement",
            context={**CONTEXT, "due_date": "9 December 2026"},
            address=["Flat 2", "14 Church Road", "Uxbridge", "UB8 1AA"],
        )
    notification = sandbox.SandboxNotification.objects.get(pk=letter.notify_id)
    sandbox.letter_return(notification)
    sandbox.text_reply(from_number="07700900982", message="Thanks")
    assert [path for _, path, _, _ in requests] == list(BODIES)
    for method, path, headers, body in requests:
        assert method == "POST" and headers["Authorization"].startswith("Bearer ey")
        assert not _problems(BODIES[path], json.loads(body)), path
    assert sorted(name for name, _ in callbacks) == [
        "DeliveryReceiptCallback",
        "DeliveryReceiptCallback",
        "ReceivedTextCallback",
        "ReturnedLetterCallback",
    ]
    for name, payload in callbacks:
        assert not _problems(name, payload), name


def test_the_shapes_refuse_what_notify_refuses():
    assert _problems("SendEmailRequest", {"template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a"})
    assert _problems(
        "SendLetterRequest",
        {
            "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
            "personalisation": {"address_line_1": "The Occupier", "address_line_2": "UB8 1AA"},
        },
    )
    assert _problems(
        "SendSmsRequest",
        {"phone_number": "07700900982", "template_id": "not-a-uuid", "reference": "x" * 1001},
    )
