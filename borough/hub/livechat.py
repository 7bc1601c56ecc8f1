"""The live chat queue: residents the assistant handed over to a person.

Agents (and anyone above) see waiting chats, most urgent first (safeguarding, then signs of
vulnerability, then the longest wait), take one, read the transcript with what the assistant
detected and the resident's record (audited), reply (the resident sees it in the widget or on
the chat page), turn the chat into a case, and close it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from borough.accounts.policies import can_handle_live_chat
from borough.assistant import crosslanguage
from borough.assistant.models import ChatMessage, Conversation
from borough.assistant.selectors import conversation_get, live_queue, transcript
from borough.assistant.services import (
    CaseInvalid,
    ChatInvalid,
    livechat_case_create,
    livechat_close,
    livechat_reply,
    livechat_take,
)
from borough.assistant.state import DialogueState
from borough.assistant.turns import chat_language, machine_made
from borough.catalogue.selectors import service_get
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.people.models import Need

from .access import staff_required
from .words import language_name, understood_words

DRIVER_LABELS = {
    "health": Need.HEALTH.label,
    "life_events": Need.LIFE_EVENT.label,
    "resilience": Need.RESILIENCE.label,
    "capability": Need.CAPABILITY.label,
}
REASONS = {
    "asked": "The resident asked for a person",
    "safeguarding": "Safeguarding: signs the resident may be at risk",
    "failed": "The assistant could not help",
    "out_of_scope": "Out of the assistant's scope",
}


def _allowed(request) -> None:
    if not can_handle_live_chat(request.user):
        raise PermissionDenied


@staff_required
def queue(request):
    """Waiting chats, most urgent first, then chats agents have taken."""
    _allowed(request)
    chats = list(live_queue()[:100])
    return render(
        request,
        "hub/livechat_queue.html",
        {
            # Each waiting chat with why it was handed over, in words.
            "waiting": [
                (c, REASONS.get(c.handover_reason, ""))
                for c in chats
                if c.status == Conversation.Status.WAITING
            ],
            "live": [c for c in chats if c.status == Conversation.Status.LIVE],
            "reasons": REASONS,
        },
    )


def _conversation_or_404(conversation_id: int) -> Conversation:
    conversation = conversation_get(conversation_id)
    if conversation is None:
        raise Http404("No such chat")
    return conversation


def _answers(conversation: Conversation) -> tuple[object, list[dict]]:
    """The request the resident was making in the chat, and their answers so far."""
    form = DialogueState.of(conversation).form
    service = service_get(form.service) if form else None
    if form is None or service is None:
        return None, []
    rows = [
        {"label": row.question.label, "value": row.value} for row in form.journey(service).rows()
    ]
    return service, rows


@staff_required
def chat(
    request,
    conversation_id: int,
    errors: dict | None = None,
    entered: str = "",
    entered_ready: str = "",
):
    """One chat: the transcript, what was detected, the resident's record, and the reply box."""
    _allowed(request)
    conversation = _conversation_or_404(conversation_id)
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="conversation",
        object_id=conversation.pk,
        summary=f"chat {conversation.pk}",
    )
    if conversation.resident_id:
        audit_record(
            actor=request.user,
            action="viewed",
            object_type="resident",
            object_id=conversation.resident_id,
            resident_id=conversation.resident_id,
            summary=f"resident {conversation.resident_id} in chat {conversation.pk}",
        )
    service, answers = _answers(conversation)
    # Each message with what the assistant understood of it, in words, and for a resident's
    # message in another language with no translation, the closest English phrase to it.
    messages_read = [
        (message, understood_words(message.understood), _nearest_english(conversation, message))
        for message in transcript(conversation)
    ]
    needs = (
        list(conversation.resident.needs.filter(withdrawn_at=None))
        if conversation.resident is not None
        else []
    )
    return render(
        request,
        "hub/livechat.html",
        {
            "conversation": conversation,
            "transcript": messages_read,
            "language": _language_words(conversation.language),
            "language_plain": language_name(conversation.language),
            "foreign_language": crosslanguage.needs_translation(conversation.language),
            "can_translate": crosslanguage.available(conversation.resident_id),
            "ready_replies": crosslanguage.ready_replies(conversation.language),
            "entered_ready": entered_ready,
            "drivers": [DRIVER_LABELS.get(d, d) for d in conversation.drivers],
            "reason": REASONS.get(conversation.handover_reason, ""),
            "service": service,
            "answers": answers,
            "resident": conversation.resident,
            "needs": needs,
            "cases": list(conversation.cases.select_related("service")),
            "errors": errors or {},
            "form_has_errors": bool(errors),
            "entered": entered,
            "agent_sender": ChatMessage.Sender.AGENT,
        },
        status=400 if errors else 200,
    )


@staff_required
@require_POST
def chat_action(request, conversation_id: int, action: str):
    """Take the chat, reply, raise the request from the chat's answers, or close it."""
    _allowed(request)
    conversation = _conversation_or_404(conversation_id)
    actor = StaffActor(request.user)
    try:
        if action == "take":
            livechat_take(conversation=conversation, actor=actor)
        elif action == "reply":
            livechat_reply(
                conversation=conversation,
                actor=actor,
                text=request.POST.get("text", ""),
                ready=request.POST.get("ready") or None,
            )
        elif action == "case":
            case = livechat_case_create(conversation=conversation, actor=actor)
            messages.success(request, f"Request {case.reference} raised")
        elif action == "close":
            livechat_close(conversation=conversation, actor=actor)
            messages.success(request, "Chat closed")
            return redirect("hub:livechat")
        else:
            raise Http404("No such action")
    except ChatInvalid as invalid:
        field = "text" if action == "reply" else "action"
        return chat.__wrapped__(
            request,
            conversation_id,
            errors={field: str(invalid)},
            entered=request.POST.get("text", ""),
            entered_ready=request.POST.get("ready", ""),
        )
    except CaseInvalid as invalid:
        return chat.__wrapped__(
            request,
            conversation_id,
            errors={
                "action": "The request cannot be raised yet: " + "; ".join(invalid.errors.values())
            },
        )
    return redirect("hub:livechat_chat", conversation_id=conversation.pk)


def _language_words(code: str) -> str:
    """The conversation's language, and how the assistant answered in it."""
    name = language_name(code)
    if not code or code.startswith("en"):
        return name
    if machine_made(code):
        return f"{name} (the assistant replied in machine translation, not yet reviewed)"
    if chat_language(code) is None:
        return f"{name} (the assistant replied in English and offered an interpreter)"
    return name


# Fewer words than this ('ਹਾਂ', a postcode, '1') have no gist worth showing.
GIST_WORDS = 3


def _nearest_english(conversation: Conversation, message: ChatMessage) -> str:
    """The closest English phrase to a resident's message in another language, when Borough
    could not translate it (kept when the chat was with a person; found now otherwise)."""
    if message.sender != ChatMessage.Sender.RESIDENT or message.translation:
        return ""
    kept = (message.understood or {}).get("nearest_english")
    if kept:
        return kept
    words = [w for w in message.text.split() if any(c.isalpha() for c in w)]
    if len(words) < GIST_WORDS:
        return ""
    return crosslanguage.nearest_english(
        message.text, conversation.language, (message.understood or {}).get("intent")
    )
