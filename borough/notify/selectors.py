"""Reading the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Message


@dataclass(frozen=True)
class OutboxFilters:
    """What the outbox shows. Empty values mean "any"."""

    case_reference: str = ""
    template: str = ""
    status: str = ""
    to: str = ""


def messages_list(filters: OutboxFilters = OutboxFilters()) -> QuerySet[Message]:
    """Messages, newest first, with their case, in one query."""
    messages = Message.objects.select_related("case")
    if filters.case_reference:
        messages = messages.filter(case__reference=filters.case_reference)
    if filters.template:
        messages = messages.filter(template=filters.template)
    if filters.status:
        messages = messages.filter(status=filters.status)
    if filters.to:
        messages = messages.filter(to__iexact=filters.to.strip())
    return messages.order_by("-created", "-id")


def message_get(message_id: int) -> Message | None:
    return Message.objects.select_related("case").filter(pk=message_id).first()


def messages_for_case(case) -> QuerySet[Message]:
    return Message.objects.filter(case=case).order_by("created", "id")
