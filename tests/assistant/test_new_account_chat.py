"""A request made in the chat by a new account, signed in, is theirs and acknowledged
(issue 17, point 6)."""

from __future__ import annotations

import pytest
from django.test import Client

from borough.cases.models import Case
from borough.notify.models import Message
from tests.assistant.conftest import Chat
from tests.assistant.test_conversations import _request_in_chat
from tests.factories import ResidentUserFactory


@pytest.mark.django_db
def test_a_new_accounts_chat_request_is_its_own(
    catalogue, gazetteer, django_capture_on_commit_callbacks
):
    user = ResidentUserFactory(email="chatter@example.com")
    client = Client()
    client.force_login(user)
    chat = Chat(client)
    _request_in_chat(chat, catalogue["report-missed-bin"])
    with django_capture_on_commit_callbacks(execute=True):
        replies = chat.say("yes")
    case = Case.objects.get()
    assert case.resident is not None and case.resident.user == user
    assert "We are emailing you the reference" in replies[0]
    assert Message.objects.filter(template="case_acknowledgement", to=user.email).exists()
    assert case.reference in client.get("/my-account/").content.decode()
