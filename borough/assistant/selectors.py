"""Reading conversations: a resident's own by token, the transcript, the choices on offer, the live
chat queue, the contact a request is recorded on."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from borough.contacts.models import Contact

from .models import ChatMessage, Conversation


def conversation_for_token(token) -> Conversation | None:
    try:
        return Conversation.objects.filter(token=token).first()
    except (ValueError, TypeError):  # not a UUID
        return None


def transcript(conversation: Conversation) -> list[ChatMessage]:
    return list(conversation.messages.select_related("author").order_by("seq"))


def choices_offered(messages: list[ChatMessage]) -> list[str]:
    """The choices offered since the resident last wrote, in order, each once: a reply such as
    "you can ask for a person" may come before the question whose answers are offered."""
    choices: list[str] = []
    for message in reversed(messages):
        if message.sender == ChatMessage.Sender.RESIDENT:
            break
        for choice in reversed(message.choices or []):
            if choice not in choices:
                choices.insert(0, choice)
    return choices


def live_queue() -> QuerySet[Conversation]:
    """Chats waiting for a person, most urgent first (safeguarding, then signs of
    vulnerability), then the longest waiting; then chats agents have taken.

    Each carries ``first_message``: the text of the resident's first message, so an agent
    sees what the chat is about before opening it."""
    first = ChatMessage.objects.filter(
        conversation_id=OuterRef("pk"), sender=ChatMessage.Sender.RESIDENT
    ).order_by("seq")
    return (
        Conversation.objects.filter(
            status__in=(Conversation.Status.WAITING, Conversation.Status.LIVE)
        )
        .select_related("agent", "resident")
        .annotate(first_message=Subquery(first.values("text")[:1]))
        .order_by("-status", "-priority", F("waiting_since").asc(nulls_last=True), "pk")
    )


def conversations_for_resident(resident, *, limit: int = 20) -> list[Conversation]:
    """A resident's chats, newest first, each with ``first_message`` (their first words)."""
    first = ChatMessage.objects.filter(
        conversation_id=OuterRef("pk"), sender=ChatMessage.Sender.RESIDENT
    ).order_by("seq")
    return list(
        Conversation.objects.filter(resident=resident)
        .select_related("agent")
        .annotate(first_message=Subquery(first.values("text")[:1]))
        .order_by("-started_at", "-pk")[:limit]
    )


def conversation_get(conversation_id: int) -> Conversation | None:
    return (
        Conversation.objects.select_related("agent", "resident", "user")
        .filter(pk=conversation_id)
        .first()
    )


def contact_without_case(conversation: Conversation) -> Contact | None:
    """The conversation's contact while no request is recorded on it: the first request a chat
    raises is recorded on the chat's own contact, so one chat counts as one contact."""
    contact = conversation.contact
    if contact is None:
        return None
    return contact if contact.case_id is None else None


def chats_of(resident, user=None) -> list[Conversation]:
    """Every chat of ``resident`` (or of their account), oldest first, messages prefetched."""
    mine = Q(resident=resident) if resident is not None else Q(pk__in=[])
    if user is not None and getattr(user, "pk", None):
        mine |= Q(user=user)
    return list(
        Conversation.objects.filter(mine).prefetch_related("messages").order_by("started_at", "pk")
    )
