"""The chat API the widget and future channels use: JSON in, JSON out, the same dialogue."""

from __future__ import annotations

import json

import pytest

from borough.assistant.models import ChatMessage, Conversation
from borough.contacts.models import Contact
from tests.factories import ResidentUserFactory

API = "/chat/api/conversations/"


def post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


@pytest.mark.django_db
def test_a_conversation_through_the_api(client, catalogue, gazetteer):
    started = post(client, API, {})
    assert started.status_code == 201
    body = started.json()
    assert body["status"] == "assistant"
    assert body["messages"][0]["sender"] == "assistant"
    contact = Contact.objects.get()
    assert contact.channel == "chat"
    url = f"{API}{body['id']}/messages/"

    sent = post(client, url, {"text": "Report fly-tipping"})
    assert sent.status_code == 201
    messages = sent.json()["messages"]
    assert [m["sender"] for m in messages][:2] == ["resident", "assistant"]
    assert "Report fly-tipping" in messages[1]["text"]
    assert messages[-1]["text"].startswith("Where is the fly-tipping?")
    assert {m["language"][:2] for m in messages} == {"en"}  # the widget's lang attributes

    # Polling returns only what came after the last message seen.
    last = messages[-1]["seq"]
    assert client.get(f"{url}?after={last}").json()["messages"] == []
    assert len(client.get(f"{url}?after=0").json()["messages"]) == last


@pytest.mark.django_db
def test_bad_requests_get_one_error_envelope_and_change_nothing(client, catalogue):
    url = f"{API}{post(client, API, {}).json()['id']}/messages/"
    before = ChatMessage.objects.count()
    form_post = client.post(url, {"text": "hello"})  # a cross-site form cannot send JSON
    assert form_post.status_code == 415
    assert form_post.json()["error"]["code"] == "json_required"
    empty = post(client, url, {"text": "  "})
    assert (empty.status_code, empty.json()["error"]["message"]) == (400, "Enter a message")
    assert post(client, url, {"text": 42}).status_code == 400
    assert post(client, url, {"text": "x" * 1001}).status_code == 400
    assert client.get(f"{url}?after=abc").status_code == 400
    assert ChatMessage.objects.count() == before
    missing = post(client, f"{API}00000000-0000-0000-0000-000000000000/messages/", {"text": "hi"})
    assert missing.status_code == 404


@pytest.mark.django_db
def test_a_signed_in_residents_chat_is_theirs_alone(client, catalogue):
    owner = ResidentUserFactory()
    client.force_login(owner)
    url = f"{API}{post(client, API, {}).json()['id']}/messages/"
    assert Conversation.objects.get().user == owner
    client.force_login(ResidentUserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert post(client, url, {"text": "hello"}).status_code == 404


@pytest.mark.django_db
def test_starting_chats_is_rate_limited(client, catalogue, settings):
    settings.BOROUGH_RATE_LIMITS = {**settings.BOROUGH_RATE_LIMITS, "chat-start": "2/h"}
    assert post(client, API, {}).status_code == 201
    assert post(client, API, {}).status_code == 201
    refused = post(client, API, {})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert Conversation.objects.count() == 2
