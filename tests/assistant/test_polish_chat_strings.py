"""The chat's newer replies in Polish (issue 17, point 9, in the resident's language): what the
assistant noted from the first message, a request stopped when the resident changes the subject
in Polish ("nieważne"), and the Housing Options number for someone with nowhere to sleep,
however the sign was found (in English or in Polish)."""

from __future__ import annotations

import pytest

from borough.assistant.models import Conversation

pytestmark = pytest.mark.django_db

HOUSING_OPTIONS = "020 7946 0300"


def _in_polish(chat) -> None:
    """The resident carries on in Polish (as after a first message written in Polish)."""
    Conversation.objects.filter(pk=chat.conversation.pk).update(language="pl")


def test_what_was_noted_from_the_first_message_is_said_in_polish(chat):
    chat.start("my kitchen tap is leaking")
    _in_polish(chat)
    chat.say("UB8 1QA")
    chat.say("1")
    text = "\n".join(chat.say("2"))  # not an emergency
    assert "Z tego, co Pan/Pani napisał(a), zanotowałem:" in text
    assert "Gdzie trzeba wykonać naprawę? Kuchnia" in text  # the question and answer in Polish
    assert "Można to zmienić przed wysłaniem zgłoszenia." in text
    assert "From what you told me" not in text and "You can change this" not in text


def test_nevermind_in_polish_stops_the_request_in_polish(chat):
    chat.start("my kitchen tap is leaking")
    _in_polish(chat)
    replies = chat.say("nieważne")
    assert replies == [
        "Przerwałem Pana/Pani zgłoszenie „Zgłoś naprawę w mieszkaniu komunalnym”.",
        "W czym jeszcze mogę pomóc?",
    ]
    assert chat.conversation.state["form"] is None


def test_nowhere_to_sleep_in_polish_gets_the_housing_options_number_in_polish(chat):
    replies = chat.start("Nie mam gdzie spać dziś w nocy")
    text = "\n".join(replies)
    assert chat.conversation.language == "pl"
    assert "Jeśli nie ma Pan/Pani dziś gdzie spać" in text and HOUSING_OPTIONS in text
    assert "If you have nowhere to stay tonight" not in text
