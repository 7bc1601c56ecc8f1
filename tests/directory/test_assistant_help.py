"""The assistant answers "where can I get help with ..." from the community directory."""

from __future__ import annotations

import pytest

from borough.assistant.helpfinders import find_help, help_topic
from borough.assistant.models import ChatMessage
from tests.assistant.conftest import Chat

pytestmark = pytest.mark.django_db


def test_the_topic_of_a_help_question_is_read_and_other_messages_are_not():
    assert help_topic("Where can I get help with debt?") == "debt"
    assert help_topic("where can i find a food bank") == "food bank"
    assert help_topic("Who gives advice about money worries") == "money worries"
    assert help_topic("My bin was not collected") is None


def test_the_directory_answers_with_links_to_its_service_pages(directory):
    offers = find_help("Where can I get help with debt?")
    assert [(o.title, o.provider) for o in offers] == [("Debt advice", "Borough Advice")]
    assert offers[0].url == f"/community-directory/services/{directory.debt_advice.pk}/"
    assert {o.title for o in find_help("where can I find a food bank")} == {
        "Emergency food parcels",
        "Community pantry",
    }
    assert find_help("Where can I get help with astrophysics?") == []


def test_the_chat_links_the_services(directory, client):
    chat = Chat(client)
    chat.start()
    replies = chat.say("Where can I find a food bank near me?")
    assert any("community directory" in reply for reply in replies), replies
    links = ChatMessage.objects.filter(sender="assistant").exclude(links=[]).last().links
    assert {
        "url": f"/community-directory/services/{directory.parcels.pk}/",
        "text": "Emergency food parcels (Hillside Food Bank)",
    } in links
