"""The hub's live chat: the agent takes a chat, sees the transcript, what was detected and the
resident, replies (the resident sees it), raises the request from the chat, and closes it."""

from __future__ import annotations

import pytest

from borough.assistant.models import Conversation
from borough.cases.models import Case
from borough.core.models import AuditEvent
from tests.assistant.conftest import Chat
from tests.factories import ResidentFactory, ResidentUserFactory


@pytest.mark.django_db
def test_an_agent_answers_a_chat_and_raises_its_request(
    client, catalogue, gazetteer, agent, staff_login
):
    from django.test import Client

    user = ResidentUserFactory()
    resident = ResidentFactory(user=user, first_name="Ama", last_name="Owusu")
    resident_client = Client()
    resident_client.force_login(user)
    chat = Chat(resident_client)
    chat.start()
    chat.say("Report fly-tipping")
    chat.say("UB8 1QA")
    chat.say("1")
    chat.say("By the lamp post")
    chat.say("Can I talk to a person?")
    conversation = chat.conversation
    assert conversation.status == Conversation.Status.WAITING

    client.force_login(user)  # a resident cannot see the queue
    assert client.get("/hub/live-chat/").status_code == 403
    staff_login(client, agent)
    queue = client.get("/hub/live-chat/").content.decode()
    assert f"/hub/live-chat/{conversation.pk}/" in queue and "Ama Owusu" in queue
    page = client.get(f"/hub/live-chat/{conversation.pk}/").content.decode()
    assert "Report fly-tipping" in page and "By the lamp post" in page  # transcript, answers
    assert f"/hub/residents/{resident.pk}/" in page
    assert AuditEvent.objects.filter(object_type="resident", object_id=str(resident.pk)).exists()

    response = client.post(f"/hub/live-chat/{conversation.pk}/reply/", {"text": "Hello Ama"})
    assert response.status_code == 302
    replies = chat.new_replies()
    assert "has joined the chat" in replies[0] and replies[1] == "Hello Ama"
    assert "Hello Ama" in chat.page()
    conversation.refresh_from_db()
    assert (conversation.status, conversation.agent) == ("live", agent)

    # An empty reply is refused and sends nothing.
    refused = client.post(f"/hub/live-chat/{conversation.pk}/reply/", {"text": " "})
    assert refused.status_code == 400 and "Enter a reply" in refused.content.decode()
    assert chat.new_replies() == []

    # The request cannot be raised until the resident has answered the required questions.
    early = client.post(f"/hub/live-chat/{conversation.pk}/case/")
    assert early.status_code == 400 and not Case.objects.exists()
    state = conversation.state
    form = catalogue["report-fly-tipping"].form
    state["form"]["answers"]["waste_types"] = [form.by_id["waste_types"].options[0].value]
    state["form"]["answers"]["amount"] = form.by_id["amount"].options[0].value
    state["form"]["answers"]["evidence_in_waste"] = "no"
    Conversation.objects.filter(pk=conversation.pk).update(state=state)
    assert client.post(f"/hub/live-chat/{conversation.pk}/case/").status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.assisted_by, case.resident) == ("chat", agent, resident)
    assert case.reference in chat.new_replies()[0]

    client.post(f"/hub/live-chat/{conversation.pk}/close/")
    conversation.refresh_from_db()
    assert conversation.status == "closed"
    assert conversation.contact.handled_by == agent
    assert conversation.contact.case == case
