"""Reading the outbox and the texts residents sent back."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import NEEDS_ATTENTION, Message, ReceivedText

# The outbox's status filter also offers every message staff must act on, together.
NEEDS_ATTENTION_FILTER = "attention"


@dataclass(frozen=True)
class OutboxFilters:
    """What the outbox shows. Empty values mean "any"."""

    case_reference: str = ""
    template: str = ""
    status: str = ""
    to: str = ""
    channel: str = ""


def messages_list(filters: OutboxFilters = OutboxFilters()) -> QuerySet[Message]:
    """Messages, newest first, with their case, in one query."""
    messages = Message.objects.select_related("case")
    if filters.case_reference:
        messages = messages.filter(case__reference=filters.case_reference)
    if filters.template:
        messages = messages.filter(template=filters.template)
    if filters.status == NEEDS_ATTENTION_FILTER:
        messages = messages.filter(status__in=NEEDS_ATTENTION)
    elif filters.status:
        messages = messages.filter(status=filters.status)
    if filters.channel:
        messages = messages.filter(channel=filters.channel)
    if filters.to:
        messages = messages.filter(to__iexact=filters.to.strip())
    return messages.order_by("-created", "-id")


def message_get(message_id: int) -> Message | None:
    return Message.objects.select_related("case").filter(pk=message_id).first()


def messages_for_case(case) -> QuerySet[Message]:
    return Message.objects.filter(case=case).order_by("created", "id")


def messages_needing_attention_count() -> int:
    """How many messages will not arrive unless staff act (failed for good, wrong address or
    number, returned letters)."""
    return Message.objects.filter(status__in=NEEDS_ATTENTION).count()


def returned_letters_for(resident_id: int) -> QuerySet[Message]:
    """Letters to this resident that came back: their address needs checking."""
    return Message.objects.filter(resident_id=resident_id, status=Message.Status.RETURNED).order_by(
        "-status_at", "-id"
    )


def received_texts(*, unmatched_only: bool = False) -> QuerySet[ReceivedText]:
    """Texts residents sent back, newest first, with their case."""
    texts = ReceivedText.objects.select_related("case")
    if unmatched_only:
        texts = texts.filter(case__isnull=True)
    return texts.order_by("-received_at", "-id")


# The messages written to residents (not to staff), shown on their request page.
RESIDENT_TEMPLATES = ("case_acknowledgement", "case_update")


def messages_to_resident(case) -> QuerySet[Message]:
    """What we sent the resident about a case, oldest first (their request page)."""
    return Message.objects.filter(case=case, template__in=RESIDENT_TEMPLATES).order_by(
        "created", "id"
    )
