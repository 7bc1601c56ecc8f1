"""A paid service asked for in the chat is paid for on the portal (issue 20): the chat makes
no case, and its signed link works only in the chat's own browser session."""

from __future__ import annotations

import pytest
from django.test import Client

from borough.assistant.flows.payment_handoff import payment_link
from borough.cases.models import Case
from tests.assistant.conftest import Chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat_at_the_end_of_bulky_waste(catalogue, gazetteer):
    from tests.assistant.test_conversations import _request_in_chat

    chat = Chat(Client())
    _request_in_chat(chat, catalogue["book-bulky-waste-collection"])
    replies = chat.say("yes")
    assert "I cannot take card payments in the chat" in replies[0]
    assert not Case.objects.exists()
    return chat


def test_the_link_works_only_in_the_chats_own_session(chat_at_the_end_of_bulky_waste, catalogue):
    chat = chat_at_the_end_of_bulky_waste
    link = chat.conversation.messages.order_by("-seq").first().links[0]["url"]
    stranger = Client()
    refused = stranger.get(link)
    assert refused.status_code == 404
    assert "We cannot find this payment" in refused.content.decode()
    forged = link.rsplit("/", 2)[0] + "/not-signed/"
    assert chat.client.get(forged).status_code == 404
    other_service = payment_link(str(chat.conversation.token), catalogue["request-pest-control"])
    assert chat.client.get(other_service).status_code == 404, "no form for that service here"
    assert chat.client.get(link)["Location"].endswith("/check-answers/")
    assert not Case.objects.exists()
