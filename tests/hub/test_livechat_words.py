"""Live chat in words an agent reads (issue 17, point 12): who is waiting and what they first
said, how long they have waited, what the assistant understood without its internal labels,
languages by name, and a resident's chats on their page in the hub."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.assistant.models import ChatMessage, Conversation
from borough.people.models import Resident
from tests.signing_in import staff_login


def waiting_chat(*, resident=None, first_words: str, minutes: int, understood=None, language="en"):
    now = timezone.now()
    conversation = Conversation.objects.create(
        started_at=now - dt.timedelta(minutes=minutes + 2),
        updated_at=now,
        waiting_since=now - dt.timedelta(minutes=minutes),
        status=Conversation.Status.WAITING,
        priority=Conversation.Priority.SUPPORT,
        handover_reason="asked",
        resident=resident,
        language=language,
    )
    ChatMessage.objects.create(
        conversation=conversation,
        seq=1,
        sender=ChatMessage.Sender.RESIDENT,
        text=first_words,
        understood=understood or {},
        at=now,
    )
    ChatMessage.objects.create(
        conversation=conversation, seq=2, sender=ChatMessage.Sender.RESIDENT, text="Hello?", at=now
    )
    return conversation


@pytest.fixture
def ama(db):
    return Resident.objects.create(first_name="Ama", last_name="Owusu", preferred_language="gu")


@pytest.mark.django_db
def test_queue_rows_say_who_is_waiting_what_about_and_for_how_long(client, agent, ama):
    waiting_chat(resident=ama, first_words="My landlord has changed the locks on me", minutes=12)
    waiting_chat(first_words="Quand passe le camion poubelle", minutes=3)
    staff_login(client, agent)
    page = client.get("/hub/live-chat/").content.decode()
    assert "Ama Owusu" in page and "My landlord has changed the locks on me" in page
    assert "Resident not signed in" in page and "Quand passe le camion poubelle" in page
    assert "12\xa0minutes" in page and "3\xa0minutes" in page
    assert "The resident asked for a person" in page
    assert ">asked<" not in page


@pytest.mark.django_db
def test_the_agent_reads_what_was_understood_in_words(client, agent):
    conversation = waiting_chat(
        first_words="J'ai besoin d'aide pour me loger",
        minutes=1,
        understood={"intent": "faq:housing-advice", "language": "fr", "flags": []},
        language="fr",
    )
    staff_login(client, agent)
    page = client.get(f"/hub/live-chat/{conversation.pk}/").content.decode()
    assert "Asked about: Housing advice" in page and "Language: French" in page
    assert "faq:housing-advice" not in page and "language fr" not in page
    assert "Chat with a resident not signed in</h1>" in page


@pytest.mark.django_db
def test_the_residents_page_lists_their_chats_and_names_their_language(client, agent, ama):
    conversation = waiting_chat(resident=ama, first_words="Is my bin day changing?", minutes=5)
    staff_login(client, agent)
    page = client.get(f"/hub/residents/{ama.pk}/").content.decode()
    assert f'href="/hub/live-chat/{conversation.pk}/"' in page
    assert "Is my bin day changing?" in page
    assert "Gujarati" in page
    assert ">gu<" not in page
