"""The chat's services: each checks its own policy for the actor it is given, understands a
message and asks a language model with no transaction open, and records one contact a chat."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from borough.assistant import llm, nlu
from borough.assistant.models import Conversation
from borough.assistant.services import (
    conversation_post,
    conversation_start,
    livechat_case_create,
    livechat_close,
    livechat_reply,
    livechat_take,
)
from borough.cases.models import Case
from borough.contacts.models import Contact
from borough.core.actors import ApiClientActor, ResidentActor, StaffActor
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory


@pytest.fixture
def waiting_chat(catalogue, gazetteer):
    """A resident's chat, mid-request, handed over to a person."""
    user = ResidentUserFactory()
    actor = ResidentActor(resident=ResidentFactory(user=user), user=user)
    conversation = conversation_start(actor=actor)
    for text in ("Report fly-tipping", "UB8 1QA", "1", "By the lamp post", "Talk to a person"):
        conversation_post(conversation=conversation, text=text, actor=actor)
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.WAITING
    return conversation


def _unchanged(conversation: Conversation) -> tuple:
    conversation.refresh_from_db()
    return (
        conversation.status,
        conversation.agent_id,
        conversation.state,
        conversation.messages.count(),
        Case.objects.count(),
    )


@pytest.mark.django_db
def test_live_chat_actions_refuse_every_actor_who_may_not_handle_chats(waiting_chat):
    refused = {
        "a member of staff in no team": StaffActor(StaffFactory()),
        "the resident in the chat": ResidentActor(user=waiting_chat.user),
        "an API client": ApiClientActor(client_id=1, name="Repairs", scopes=frozenset({"*"})),
    }
    actions = {
        "take": livechat_take,
        "reply": lambda **kwargs: livechat_reply(text="Hello", **kwargs),
        "raise the request": livechat_case_create,
        "close": livechat_close,
    }
    before = _unchanged(waiting_chat)
    for who, actor in refused.items():
        for name, action in actions.items():
            with pytest.raises(PermissionDenied):
                action(conversation=waiting_chat, actor=actor)
            assert _unchanged(waiting_chat) == before, (who, name)


@pytest.mark.django_db
def test_a_signed_in_residents_chat_takes_messages_from_them_alone(waiting_chat, agent):
    before = _unchanged(waiting_chat)
    someone_else = ResidentUserFactory()
    for actor in (
        ResidentActor(user=someone_else),
        ResidentActor(),  # not signed in, even holding the chat's token
        StaffActor(agent),
    ):
        with pytest.raises(PermissionDenied):
            conversation_post(conversation=waiting_chat, text="Hello", actor=actor)
        assert _unchanged(waiting_chat) == before
    conversation_post(
        conversation=waiting_chat, text="Hello", actor=ResidentActor(user=waiting_chat.user)
    )
    assert waiting_chat.messages.count() == before[3] + 1


@pytest.mark.django_db
def test_a_chat_that_raises_a_request_is_one_contact(waiting_chat, agent, catalogue):
    contact = waiting_chat.contact
    questions = catalogue["report-fly-tipping"].form.by_id
    waiting_chat.state["form"]["answers"].update(
        {
            "waste_types": [questions["waste_types"].options[0].value],
            "amount": questions["amount"].options[0].value,
            "evidence_in_waste": "no",
        }
    )
    Conversation.objects.filter(pk=waiting_chat.pk).update(state=waiting_chat.state)
    case = livechat_case_create(conversation=waiting_chat, actor=StaffActor(agent))
    waiting_chat.refresh_from_db()
    # The request is recorded on the chat's own contact: no second contact, none removed.
    assert list(Contact.objects.all()) == [contact]
    contact.refresh_from_db()
    assert (contact.case, contact.outcome, contact.handled_by) == (case, "request_raised", agent)
    assert waiting_chat.contact == contact and list(waiting_chat.cases.all()) == [case]


@pytest.mark.django_db(transaction=True)
def test_understanding_and_the_language_model_run_with_no_transaction_open(
    catalogue, settings, monkeypatch
):
    settings.BOROUGH_ASSISTANT_LLM_URL = "http://127.0.0.1:9/v1"
    in_transaction = {"understand": [], "model": []}
    understand = nlu.understand

    def understanding(text, **kwargs):
        in_transaction["understand"].append(connection.in_atomic_block)
        return understand(text, **kwargs)

    def model(messages, **kwargs):
        in_transaction["model"].append(connection.in_atomic_block)
        return "Our pages say when we are open."

    monkeypatch.setattr(nlu, "understand", understanding)
    monkeypatch.setattr(llm, "complete", model)
    actor = ResidentActor()
    conversation = conversation_start(actor=actor)
    added = conversation_post(conversation=conversation, text="When are you open?", actor=actor)
    # In a language Borough has no translation for: understood in English, replies translated.
    conversation_post(
        conversation=conversation,
        text="Waxaan rabaa inaan la hadlo qof shaqaale ah fadlan",
        actor=actor,
    )
    assert in_transaction["understand"] and in_transaction["model"]
    assert not any(in_transaction["understand"]) and not any(in_transaction["model"])
    # The reworded answer is what was kept, after the resident's message, in order.
    assert [m.sender for m in added] == ["resident", "assistant"]
    assert added[1].text == "Our pages say when we are open."
    seqs = list(conversation.messages.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
