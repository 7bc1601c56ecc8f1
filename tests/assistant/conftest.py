"""Chatting through the plain chat page (the channel that needs no JavaScript)."""

from __future__ import annotations

import pytest

from borough.assistant.models import Conversation


class Chat:
    """A resident's side of a conversation on the chat page."""

    def __init__(self, client):
        self.client = client
        self.seen = 0

    def start(self, text: str = "") -> list[str]:
        response = self.client.post("/chat/start/", {"message": text})
        assert response.status_code == 302
        return self.new_replies()

    @property
    def conversation(self) -> Conversation:
        return Conversation.objects.get(token=self.client.session["assistant_conversation"])

    def say(self, text: str, *, upload=None, status: int = 302) -> list[str]:
        data = {"message": text}
        if upload is not None:
            data["file"] = upload
        response = self.client.post("/chat/", data)
        assert response.status_code == status, response.content.decode()[:2000]
        self.last_response = response
        return self.new_replies()

    def new_replies(self) -> list[str]:
        messages = list(self.conversation.messages.filter(seq__gt=self.seen).order_by("seq"))
        if messages:
            self.seen = messages[-1].seq
        return [m.text for m in messages if m.sender != "resident"]

    def page(self) -> str:
        return self.client.get("/chat/").content.decode()


@pytest.fixture
def chat(client, catalogue, gazetteer):
    return Chat(client)
