"""Connectors to the council's own systems (``integrations.systems``, issue 19): a real system
(a JSON connector named ``system-<name>``) is POSTed the operation with an idempotency key and
answers an id; one that fails is ``SystemDown`` with the reason; without one the sandbox records
each call once and can be marked down."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone

from borough.integrations import http, systems
from borough.integrations.models import Connector, SandboxSystem, SandboxSystemCall

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_tax_connector():
    return Connector.objects.create(
        slug="system-council_tax",
        name="Council tax (Revenues system)",
        kind=Connector.Kind.JSON,
        endpoint="https://revenues.council.example/borough",
        credential="token-123",
        inbound_token_hash="-",
        created_at=timezone.now(),
    )


def test_a_real_system_is_posted_the_operation_with_an_idempotency_key(
    council_tax_connector, monkeypatch
):
    sent = []

    def answer(url, **kwargs):
        sent.append((url, kwargs))
        return http.Answer(status=201, body=b'{"id": "REV-991"}', duration_ms=5)

    monkeypatch.setattr(http, "request", answer)
    receipt = systems.call("council_tax", "move_account", "AB12-CD34", {"new_uprn": 1})
    assert receipt == "REV-991"
    url, kwargs = sent[0]
    assert url == "https://revenues.council.example/borough" and kwargs["method"] == "POST"
    assert kwargs["headers"]["Idempotency-Key"] == "borough-AB12-CD34-move_account"
    assert kwargs["headers"]["Authorization"] == "Bearer token-123"
    assert json.loads(kwargs["body"]) == {
        "operation": "move_account",
        "reference": "AB12-CD34",
        "data": {"new_uprn": 1},
    }
    assert not SandboxSystemCall.objects.exists()  # the sandbox is only for systems with none


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (None, b"", "No answer within 10 seconds"),
        (503, b"", "HTTP 503"),
        (200, b"<html>", "not JSON"),
        (200, b"{}", 'did not answer with an id (JSON "id")'),
    ],
)
def test_a_real_system_that_fails_is_down_with_the_reason(
    council_tax_connector, monkeypatch, status, body, words
):
    error = "No answer within 10 seconds" if status is None else ""
    monkeypatch.setattr(
        http,
        "request",
        lambda url, **kw: http.Answer(status=status, body=body, duration_ms=1, error=error),
    )
    with pytest.raises(systems.SystemDown, match=re.escape(words)):
        systems.call("council_tax", "move_account", "AB12-CD34", {})


def test_the_sandbox_records_each_call_once_and_can_be_marked_down():
    first = systems.call("parking", "end_permit", "AB12-CD34", {"old_uprn": 1})
    again = systems.call("parking", "end_permit", "AB12-CD34", {"old_uprn": 1})
    assert first == again and first.startswith("SBX-")
    assert SandboxSystemCall.objects.get().payload == {"old_uprn": 1}
    SandboxSystem.objects.create(system="parking", is_down=True)
    with pytest.raises(systems.SystemDown, match="Parking permits \\(sandbox\\) did not answer"):
        systems.call("parking", "end_permit", "EF56-GH78", {})
    assert SandboxSystemCall.objects.count() == 1
    with pytest.raises(ValueError, match="no council system"):
        systems.call("library", "renew", "AB12-CD34", {})
