"""Live chat across languages (issue 22, point 3): a resident writes in Punjabi, the agent reads
English beside it and replies in English; the resident reads the reply in Punjabi with the
agent's words under it. The translations come from the council's configured model (here a
stand-in for its chat-completions endpoint); without one the agent is told so."""

from __future__ import annotations

import pytest
from django.test import Client

from borough.assistant import crosslanguage, llm
from borough.assistant.models import ChatMessage, Conversation
from tests.assistant.conftest import Chat

# The council's model, as the client sees it: the last user message translated by this table
# (a reply that changed a number would be refused by llm.grounded).
TRANSLATIONS = {
    "ਮੇਰਾ ਕੂੜਾ ਤਿੰਨ ਹਫ਼ਤਿਆਂ ਤੋਂ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ": "My rubbish has not been collected for three weeks",
    "We will collect it on Friday. Your reference is K7P2-QXM4.": (
        "ਅਸੀਂ ਇਸਨੂੰ ਸ਼ੁੱਕਰਵਾਰ ਨੂੰ ਚੁੱਕਾਂਗੇ। ਤੁਹਾਡਾ ਹਵਾਲਾ K7P2-QXM4 ਹੈ।"
    ),
}


def _model(messages, **kwargs):
    return TRANSLATIONS.get(messages[-1]["content"])


@pytest.fixture
def punjabi_chat(catalogue, gazetteer):
    chat = Chat(Client())
    chat.start()
    chat.say("Can I talk to a person?")
    conversation = chat.conversation
    assert conversation.status == Conversation.Status.WAITING
    # The conversation's language, as the understanding sets it from the resident's words.
    Conversation.objects.filter(pk=conversation.pk).update(language="pa")
    return chat


@pytest.mark.django_db
def test_each_reads_the_others_language(
    client, punjabi_chat, agent, staff_login, settings, monkeypatch
):
    settings.BOROUGH_ASSISTANT_LLM_URL = "http://127.0.0.1:9/v1"
    monkeypatch.setattr(llm, "complete", _model)
    punjabi_chat.say("ਮੇਰਾ ਕੂੜਾ ਤਿੰਨ ਹਫ਼ਤਿਆਂ ਤੋਂ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ")
    conversation = punjabi_chat.conversation

    staff_login(client, agent)
    page = client.get(f"/hub/live-chat/{conversation.pk}/").content.decode()
    assert "ਮੇਰਾ ਕੂੜਾ ਤਿੰਨ ਹਫ਼ਤਿਆਂ ਤੋਂ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ" in page  # what they wrote
    assert (
        "In English (machine translation):</strong> <span>My rubbish has not been collected" in page
    )
    assert "your replies are sent in Punjabi" in page

    reply = "We will collect it on Friday. Your reference is K7P2-QXM4."
    assert (
        client.post(f"/hub/live-chat/{conversation.pk}/reply/", {"text": reply}).status_code == 302
    )
    sent = ChatMessage.objects.get(conversation=conversation, sender="agent", text=reply)
    assert sent.translation.startswith("ਅਸੀਂ ਇਸਨੂੰ ਸ਼ੁੱਕਰਵਾਰ") and sent.translation_language == "pa"

    resident_page = punjabi_chat.page()
    assert "ਤੁਹਾਡਾ ਹਵਾਲਾ K7P2-QXM4 ਹੈ" in resident_page
    assert "Machine translation. Original: We will collect it on Friday." in resident_page
    api = punjabi_chat.client.get(
        f"/chat/api/conversations/{conversation.token}/messages/?after=0",
        HTTP_ACCEPT="application/json",
    ).json()
    texts = [m["text"] for m in api["messages"] if m["sender"] == "agent"]
    assert texts and texts[-1].startswith("ਅਸੀਂ ਇਸਨੂੰ")


@pytest.mark.django_db
def test_a_translation_that_changes_a_fact_is_not_used(
    client, punjabi_chat, agent, staff_login, settings, monkeypatch
):
    settings.BOROUGH_ASSISTANT_LLM_URL = "http://127.0.0.1:9/v1"
    monkeypatch.setattr(llm, "complete", lambda messages, **k: "ਹਵਾਲਾ K7P2-QXM5")  # wrong ref
    conversation = punjabi_chat.conversation
    staff_login(client, agent)
    client.post(
        f"/hub/live-chat/{conversation.pk}/reply/", {"text": "Your reference is K7P2-QXM4."}
    )
    sent = ChatMessage.objects.get(conversation=conversation, text="Your reference is K7P2-QXM4.")
    assert sent.translation == ""
    assert "Your reference is K7P2-QXM4." in punjabi_chat.page()


@pytest.mark.django_db
def test_without_the_councils_model_the_agent_is_told_to_offer_an_interpreter(
    client, punjabi_chat, agent, staff_login
):
    punjabi_chat.say("ਮੇਰਾ ਕੂੜਾ ਤਿੰਨ ਹਫ਼ਤਿਆਂ ਤੋਂ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ")
    conversation = punjabi_chat.conversation
    staff_login(client, agent)
    page = client.get(f"/hub/live-chat/{conversation.pk}/").content.decode()
    assert "The resident writes in Punjabi" in page and "Offer an interpreter" in page
    assert "(machine translation):" not in page  # no message was translated
    client.post(f"/hub/live-chat/{conversation.pk}/reply/", {"text": "Hello, one moment."})
    sent = ChatMessage.objects.get(conversation=conversation, text="Hello, one moment.")
    assert sent.translation == ""


READY = "The crew will come back to collect your bin within 2 working days."
READY_PA = "ਅਮਲਾ 2 ਕੰਮਕਾਜੀ ਦਿਨਾਂ ਦੇ ਅੰਦਰ ਤੁਹਾਡਾ ਕੂੜੇਦਾਨ ਖ਼ਾਲੀ ਕਰਨ ਲਈ ਵਾਪਸ ਆਵੇਗਾ।"


@pytest.mark.django_db
def test_offline_the_agent_reads_the_gist_and_sends_a_ready_made_reply_in_punjabi(
    client, punjabi_chat, agent, staff_login
):
    punjabi_chat.say("ਮੇਰਾ ਕੂੜਾ ਤਿੰਨ ਹਫ਼ਤਿਆਂ ਤੋਂ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ")
    conversation = punjabi_chat.conversation
    said = ChatMessage.objects.filter(conversation=conversation, sender="resident").last()
    nearest = said.understood["nearest_english"]  # kept with what was understood
    assert "bin" in nearest.lower() or "rubbish" in nearest.lower()

    staff_login(client, agent)
    page = client.get(f"/hub/live-chat/{conversation.pk}/").content.decode()
    assert (
        "Closest English phrase the assistant knows (not a translation):</strong> "
        f"“{nearest}”" in page
    )
    assert "Or send a ready-made reply in Punjabi" in page
    assert READY in page and READY_PA in page  # the choice, and what the resident will read

    number = next(i for i, text in enumerate(crosslanguage.READY_REPLIES, start=1) if text == READY)
    assert (
        client.post(f"/hub/live-chat/{conversation.pk}/reply/", {"text": "", "ready": number})
    ).status_code == 302
    sent = ChatMessage.objects.get(conversation=conversation, sender="agent", text=READY)
    assert (sent.translation, sent.translation_language) == (READY_PA, "pa")
    resident_page = punjabi_chat.page()
    assert READY_PA in resident_page
    assert f"Machine translation. Original: {READY}" in resident_page


@pytest.mark.django_db
def test_a_ready_made_reply_that_does_not_exist_or_comes_with_text_is_refused(
    client, punjabi_chat, agent, staff_login
):
    conversation = punjabi_chat.conversation
    staff_login(client, agent)
    before = ChatMessage.objects.filter(conversation=conversation).count()
    page = client.post(f"/hub/live-chat/{conversation.pk}/reply/", {"ready": "99"})
    assert page.status_code == 400
    assert "Choose one of the ready-made replies shown" in page.content.decode()
    page = client.post(
        f"/hub/live-chat/{conversation.pk}/reply/", {"ready": "1", "text": "Hello there"}
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert "Send either your own reply or a ready-made one, not both" in body
    assert "Hello there" in body  # what the agent typed is kept
    # Taking the chat on the first post adds only the "has joined" line; no reply was sent.
    assert not ChatMessage.objects.filter(
        conversation=conversation, sender="agent", text="Hello there"
    ).exists()
    assert ChatMessage.objects.filter(conversation=conversation).count() <= before + 1


@pytest.mark.django_db
def test_every_chat_language_has_every_ready_made_reply_and_english_has_none():
    for language in ("pl", "pa", "ur", "ro", "gu", "ta", "so", "ar", "bn", "pt", "hi"):
        replies = crosslanguage.ready_replies(language)
        assert [r.english for r in replies] == list(crosslanguage.READY_REPLIES), language
        assert all(r.translated != r.english for r in replies)
    assert crosslanguage.ready_replies("en") == []
    assert crosslanguage.ready_replies("yo") == []  # no catalogue: English and an interpreter
