"""Conversations with the resident assistant: the web chat page, the widget and the chat API.

A conversation is one resident's chat, from the first message until it is closed. Its
``state`` is the dialogue's memory (what it is asking, the answers so far), read and written as
``assistant.state.DialogueState``; its messages are the transcript the resident and, after a
handover, an agent read.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Conversation(models.Model):
    class Status(models.TextChoices):
        ASSISTANT = "assistant", "With the assistant"
        WAITING = "waiting", "Waiting for a person"
        LIVE = "live", "With an agent"
        CLOSED = "closed", "Closed"

    class Priority(models.IntegerChoices):
        NORMAL = 0, "Normal"
        SUPPORT = 1, "Signs of vulnerability"
        SAFEGUARDING = 2, "Safeguarding"

    # The conversation's public id: the only way into it for the chat API (unguessable).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=16, default="chat")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ASSISTANT)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    # A signed-in resident: only their own requests are looked up, and only they may reopen it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=8, default="en")
    state = models.JSONField(default=dict, blank=True)
    # What the assistant detected, for the agent (FCA drivers, the matched signs, handover why).
    drivers = models.JSONField(default=list, blank=True)
    signs = models.JSONField(default=list, blank=True)
    handover_reason = models.CharField(max_length=40, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_chats",
    )
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="conversations")
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    waiting_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "priority", "waiting_since"])]

    def __str__(self) -> str:
        return f"Chat {self.pk} ({self.get_status_display()})"


class ChatMessage(models.Model):
    class Sender(models.TextChoices):
        RESIDENT = "resident", "Resident"
        ASSISTANT = "assistant", "Assistant"
        AGENT = "agent", "Agent"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # 1, 2, 3 ... within the conversation: clients ask for the messages after the last they have.
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=10, choices=Sender.choices)
    text = models.TextField()
    # Links the reply offers ({"url": ..., "text": ...}) and choices the resident may pick.
    links = models.JSONField(default=list, blank=True)
    choices = models.JSONField(default=list, blank=True)
    # What the assistant understood of a resident's message (intent, language, flags): audit.
    understood = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A machine translation of ``text`` for the other side of a live chat (issue 22): a
    # resident's message in English for the agent, an agent's reply in the resident's
    # language. Made only by the council's configured translation model; ``text`` is always
    # what the person wrote.
    translation = models.TextField(blank=True)
    translation_language = models.CharField(max_length=12, blank=True)
    # The language ``text`` is in (BCP 47; blank for messages kept before it was recorded):
    # the chat page marks words in another language than the page's (WCAG 3.1.2).
    language = models.CharField(max_length=12, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chatmessage_unique_seq")
        ]

    def __str__(self) -> str:
        return f"{self.sender} #{self.seq}"

    @property
    def for_resident(self) -> str:
        """What the resident reads: an agent's reply in their language (marked as a machine
        translation) with the agent's own words under it; anything else as written."""
        if self.sender == self.Sender.AGENT and self.translation:
            return f"{self.translation}\n\n(Machine translation. Original: {self.text})"
        return self.text

    @property
    def language_for_resident(self) -> str:
        """The language of what the resident reads (``for_resident``): an agent's reply in its
        translation's language, else the message's own ("" where it was not recorded)."""
        if self.sender == self.Sender.AGENT and self.translation:
            return self.translation_language
        return self.language
