"""The outbox (every message Borough wrote, from ``notify``) and files residents add later."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from borough.accounts.policies import can_see_case, outbox_access
from borough.cases.references import normalise_reference
from borough.cases.selectors import case_by_reference
from borough.core.services import audit_record
from borough.notify.models import Message, MessageChannel
from borough.notify.selectors import (
    NEEDS_ATTENTION_FILTER,
    OutboxFilters,
    message_get,
    messages_list,
    messages_needing_attention_count,
    received_texts,
)
from borough.notify.services import TEMPLATES, provider_name

from .access import staff_required

PAGE_SIZE = 50


@staff_required
def outbox(request):
    """Messages, newest first, filtered by case reference, message, channel and status
    (or every message staff must act on).

    Team leads and admins see every message; other staff see the messages about one case
    they can see, once they give its reference.
    """
    access = outbox_access(request.user)
    typed = request.GET.get("case", "").strip()[:20]
    reference = normalise_reference(typed) or "" if typed else ""
    filters = OutboxFilters(
        case_reference=reference,
        template=request.GET.get("template", "")
        if request.GET.get("template") in TEMPLATES
        else "",
        status=request.GET.get("status", "")
        if request.GET.get("status") in [*Message.Status.values, NEEDS_ATTENTION_FILTER]
        else "",
        channel=request.GET.get("channel", "")
        if request.GET.get("channel") in MessageChannel.values
        else "",
    )
    to = request.GET.get("to", "").strip()[:254] if access == "all" else ""
    filters = OutboxFilters(**{**filters.__dict__, "to": to})
    errors: dict[str, str] = {}
    page = None
    if typed and not reference:
        errors["filter-case"] = "Enter a case reference, like K7P2-QXM4"
    elif access == "by_case" and not reference:
        pass  # nothing listed until a reference is given
    elif access == "by_case":
        case = case_by_reference(reference)
        if case is None or not can_see_case(request.user, case):
            errors["filter-case"] = "There is no case with that reference that you can see"
    if not errors and (access == "all" or reference):
        page = Paginator(messages_list(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(
        {
            key: value
            for key, value in (
                ("case", reference),
                ("template", filters.template),
                ("status", filters.status),
                ("channel", filters.channel),
                ("to", filters.to),
            )
            if value
        }
    )
    return render(
        request,
        "hub/outbox.html",
        {
            "access": access,
            "filters": filters,
            "typed": typed,
            "templates": TEMPLATES.items(),
            "statuses": [
                (NEEDS_ATTENTION_FILTER, "Needs attention (failed, wrong, returned)"),
                *Message.Status.choices,
            ],
            "channels": MessageChannel.choices,
            "attention": messages_needing_attention_count() if access == "all" else 0,
            "sandbox": settings.NOTIFY_SANDBOX and provider_name() == "notify",
            "page": page,
            "query": query,
            "errors": errors,
            "case_error": errors.get("filter-case", ""),
            "form_has_errors": bool(errors),
        },
    )


@staff_required
def outbox_message(request, message_id: int):
    """One message as it was written. It names a person, so every view is audited."""
    message = message_get(message_id)
    if message is None:
        raise Http404("No such message")
    access = outbox_access(request.user)
    if access != "all" and (message.case is None or not can_see_case(request.user, message.case)):
        raise PermissionDenied
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="message",
        object_id=message.pk,
        resident_id=message.case.resident_id if message.case is not None else None,
        summary=f"message {message.pk} ({message.template})",
    )
    return render(request, "hub/outbox_message.html", {"message": message})


@staff_required
def outbox_texts(request):
    """Texts residents sent back to the council's Notify number: those put on a request and
    those from numbers Borough does not know, for staff to follow up. Team leads and admins;
    every view is audited (they name people and hold their words)."""
    if outbox_access(request.user) != "all":
        raise PermissionDenied
    unmatched = request.GET.get("unmatched") == "yes"
    page = Paginator(received_texts(unmatched_only=unmatched), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="received_text",
        object_id="list",
        summary=f"received texts, page {page.number}",
    )
    return render(
        request,
        "hub/outbox_texts.html",
        {"page": page, "unmatched": unmatched, "query": "unmatched=yes" if unmatched else ""},
    )
