"""A resident in danger who writes in another language is put through to a person (issue 22).

Through the real chat page (Django test client): each urgent message must put the chat in the
live queue at safeguarding priority, with the emergency numbers in the resident's language where
Borough has a (machine-made, labelled) translation and the English under it, and never "I can
only reply in English". The development phrases (used to build the lexicon, ADR 0029) must all
pass; the formerly held-out phrases (written by someone who never saw the code; development
data since their misses were studied) have a recall floor at the level measured
(docs/benchmarks.md), so a change that loses any of them fails.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from django.test import Client
from django.utils import timezone

from bench.assistant_multilingual import DEV, DEV_V1, jsonl_rows
from borough.assistant.models import Conversation
from borough.assistant.selectors import live_queue
from tests.assistant.conftest import Chat

ENGLISH_ONLY = "I can only reply in English"

with open(DEV, encoding="utf-8") as _handle:
    _DEV = yaml.safe_load(_handle)
DEV_URGENT = [(lang, t) for lang, g in _DEV["languages"].items() for t in g["urgent"]]
DEV_ORDINARY = [(lang, t) for lang, g in _DEV["languages"].items() for t in g["ordinary"]]
V1_URGENT = [r for r in jsonl_rows(DEV_V1) if r["urgent"] and r["language"] != "en"]

# The formerly held-out set (data/development_multilingual.jsonl): 91 of 154 urgent messages in
# other languages reached a person when it was run once as a held-out set; its misses have since
# been studied (it is development data now) and 151 of 154 reach a person (docs/benchmarks.md).
# This floor stops that getting worse; the honest measure is the v2 held-out set
# (test_multilingual_heldout.py).
V1_REACHED_FLOOR = 151


def _tell(text: str) -> tuple[Conversation, list[str]]:
    # One resident per message, each from their own address (the chat's per-client rate limit).
    _tell.residents += 1  # type: ignore[attr-defined]
    n = _tell.residents  # type: ignore[attr-defined]
    chat = Chat(Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"))
    chat.start()
    replies = chat.say(text)
    return chat.conversation, replies


_tell.residents = 0  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), DEV_URGENT)
def test_an_urgent_message_in_another_language_reaches_a_person_first(
    catalogue, gazetteer, language, text
):
    earlier = Conversation.objects.create(
        started_at=timezone.now(),
        updated_at=timezone.now(),
        status=Conversation.Status.WAITING,
        waiting_since=timezone.now() - dt.timedelta(minutes=20),
    )
    conversation, replies = _tell(text)
    assert conversation.status == Conversation.Status.WAITING
    assert conversation.priority == Conversation.Priority.SAFEGUARDING
    assert conversation.handover_reason == "safeguarding"
    assert list(live_queue())[0] == conversation != earlier
    said = "\n".join(replies)
    assert "999" in said and "116 123" in said and "0800 000 0000" in said
    assert ENGLISH_ONLY not in said
    # The resident's language is on the chat for the agent (an interpreter).
    assert conversation.language == language


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text", "words"),
    [
        ("ur", "میرا شوہر مجھے مارتا ہے", "فوری خطرے"),
        ("pa", "ਮੈਂ ਖੁਦਕੁਸ਼ੀ ਕਰਨਾ ਚਾਹੁੰਦਾ ਹਾਂ", "ਖ਼ਤਰੇ"),
        ("so", "Waxaan doonayaa inaan is dilo", "khatar"),
        ("ro", "Miroase a gaz în bucătărie", "pericol imediat"),
        ("ar", "ليس لدينا مكان ننام فيه الليلة", "خطر مباشر"),
    ],
)
def test_the_urgent_reply_is_in_the_residents_language_marked_and_with_the_english(
    catalogue, gazetteer, language, text, words
):
    _conversation, replies = _tell(text)
    said = "\n".join(replies)
    assert words in said
    assert "Machine translation; the English is below" in said
    assert "If you or someone else is in immediate danger, call 999 now." in said
    assert said.index(words) < said.index("If you or someone else")


@pytest.mark.django_db
def test_polish_keeps_the_portals_reviewed_translation(catalogue, gazetteer):
    _conversation, replies = _tell("Mąż mnie bije i boję się wrócić do domu")
    said = "\n".join(replies)
    assert "999" in said and "Machine translation" not in said


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), DEV_ORDINARY)
def test_an_ordinary_request_in_another_language_does_not_jump_the_queue(
    catalogue, gazetteer, language, text
):
    conversation, _replies = _tell(text)
    assert conversation.priority != Conversation.Priority.SAFEGUARDING
    assert conversation.handover_reason != "safeguarding"


@pytest.mark.django_db
@pytest.mark.skipif(not V1_URGENT, reason="the development file is not in the repository")
def test_formerly_held_out_urgent_messages_reach_a_person_at_safeguarding_priority(
    catalogue, gazetteer
):
    missed = []
    for row in V1_URGENT:
        conversation, replies = _tell(row["text"])
        reached = (
            conversation.priority == Conversation.Priority.SAFEGUARDING
            and conversation.status == Conversation.Status.WAITING
        )
        if not reached:
            missed.append((row["language"], row.get("kind"), row["text"]))
        else:
            assert ENGLISH_ONLY not in "\n".join(replies)
    assert len(V1_URGENT) == 154
    assert len(V1_URGENT) - len(missed) >= V1_REACHED_FLOOR, missed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pa", "ਸਾਡੇ ਘਰ ਦਾ ਕੂੜਾ ਇਸ ਹਫ਼ਤੇ ਚੁੱਕਣ ਕੋਈ ਨਹੀਂ ਆਇਆ"),
        ("pl", "Dzień dobry, nikt nie odebrał moich śmieci w tym tygodniu"),
    ],
)
def test_a_missed_bin_in_another_language_starts_the_missed_bin_request(
    catalogue, gazetteer, language, text
):
    # Issue 22: the same service as in English (the intent from the multilingual encoder), not
    # "there is nothing about it in the council's information".
    conversation, _replies = _tell(text)
    assert conversation.language == language
    assert conversation.state["form"]["service"] == "report-missed-bin"
    assert conversation.priority != Conversation.Priority.SAFEGUARDING
