"""The resident assistant's channels: the chat page (no JavaScript needed) and the chat API
the widget (and later other channels) use. Both go through ``assistant.services``."""

from __future__ import annotations

import contextlib
import json
import uuid

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from borough.catalogue.inputs import upload_rate_limited
from borough.core.actors import ResidentActor
from borough.core.ratelimit import rate_limit_hit, rate_limited
from borough.people.selectors import resident_for_user

from .flows.service_form import asking_for_file
from .models import ChatMessage, Conversation
from .selectors import choices_offered, conversation_for_token, transcript
from .services import ChatInvalid, conversation_post, conversation_start, messages_after
from .state import DialogueState

SESSION_KEY = "assistant_conversation"


def _own_conversation(request, token) -> Conversation | None:
    """The conversation with this token, if this visitor may use it: anyone holding the token
    of an anonymous chat; only the same signed-in resident for theirs."""
    conversation = conversation_for_token(token)
    if conversation is None:
        return None
    if conversation.user_id is not None and conversation.user_id != request.user.pk:
        return None
    return conversation


def _visitor(request, *, with_record: bool = False) -> ResidentActor:
    """The person chatting: their account when signed in (and their resident record, to start
    a chat)."""
    user = request.user if request.user.is_authenticated else None
    return ResidentActor(resident=resident_for_user(user) if with_record else None, user=user)


def _start(request) -> Conversation:
    return conversation_start(actor=_visitor(request, with_record=True))


def _session_conversation(request) -> Conversation | None:
    token = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return _own_conversation(request, token) if token else None


# ------------------------------------------------------------------------- the chat page


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("chat-message")
@upload_rate_limited
def chat_page(request):
    """The chat as a plain page: each message is a form post and the page shows the whole
    conversation again. Works without JavaScript."""
    conversation = _session_conversation(request)
    errors: dict[str, str] = {}
    entered = ""
    if request.method == "POST" and conversation is not None:
        entered = request.POST.get("message", "")
        try:
            conversation_post(
                conversation=conversation,
                text=entered,
                actor=_visitor(request),
                upload=request.FILES.get("file"),
            )
        except ChatInvalid as invalid:
            errors["message"] = str(invalid)
        else:
            return redirect(reverse("assistant:chat") + "#latest")
    elif request.method == "POST":
        return redirect("assistant:chat")
    messages = transcript(conversation) if conversation else []
    return render(
        request,
        "assistant/chat.html",
        {
            "conversation": conversation,
            "messages_shown": [{"message": m, "name": _sender_name(m)} for m in messages],
            "choices": choices_offered(messages),
            "asks_file": conversation is not None
            and asking_for_file(DialogueState.of(conversation)),
            "errors": errors,
            "form_has_errors": bool(errors),
            "entered": entered,
            # "Check for new messages" reloads the page at a new address (the last message
            # shown), so the browser fetches it instead of scrolling to the anchor; the page
            # then says how many messages came since the one the resident last saw.
            "last_seq": messages[-1].seq if messages else 0,
            "new_since": _new_since(request, messages),
        },
    )


def _new_since(request, messages) -> int | None:
    """Messages from the council (assistant or staff) after the one the resident last saw,
    when the page was reloaded by "Check for new messages" (else None)."""
    seen = request.GET.get("seen", "")
    if not seen.isdigit():
        return None
    return sum(1 for m in messages if m.seq > int(seen) and m.sender != ChatMessage.Sender.RESIDENT)


@csrf_exempt  # starting a chat changes nothing but the visitor's own session (like a form)
@require_http_methods(["POST"])
@rate_limited("chat-start")
def chat_start(request):
    """Start a chat (the session, and its CSRF token, begin here), with a first message."""
    conversation = _session_conversation(request)
    if conversation is None or conversation.status == Conversation.Status.CLOSED:
        conversation = _start(request)
        request.session[SESSION_KEY] = str(conversation.token)
    text = request.POST.get("message", "")
    if text.strip():
        # A first message that cannot be kept: the welcome is shown and the resident types again.
        with contextlib.suppress(ChatInvalid):
            conversation_post(conversation=conversation, text=text, actor=_visitor(request))
    return redirect(reverse("assistant:chat") + "#latest")


# ------------------------------------------------------------------------------ the API


def _message_json(message: ChatMessage) -> dict:
    return {
        "seq": message.seq,
        "sender": message.sender,
        "name": _sender_name(message),
        "text": message.for_resident,
        # The language of "text" (BCP 47; "" where not recorded), for a lang attribute.
        "language": message.language_for_resident,
        "links": message.links,
        "choices": message.choices,
        "at": message.at.isoformat(),
    }


def _sender_name(message: ChatMessage) -> str:
    if message.sender == ChatMessage.Sender.RESIDENT:
        return _("You")
    if message.sender == ChatMessage.Sender.AGENT:
        first = message.author.first_name if message.author is not None else ""
        return _("%(name)s (council staff)") % {"name": first} if first else _("Council staff")
    return _("Assistant")


def _error(status: int, code: str, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)


def _conversation_json(conversation: Conversation, messages: list[ChatMessage]) -> dict:
    return {
        "id": str(conversation.token),
        "status": conversation.status,
        "messages": [_message_json(m) for m in messages],
    }


def _json_body(request) -> dict | None:
    """The JSON object posted. Only JSON is accepted: a cross-site form cannot send it, so the
    API needs no CSRF token (a browser asks first, and Borough allows no other origin)."""
    if request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _limited(request, scope: str) -> JsonResponse | None:
    wait = rate_limit_hit(request, scope)
    if wait:
        response = _error(429, "rate_limited", "Too many messages. Try again later.", wait=wait)
        response["Retry-After"] = str(wait)
        return response
    return None


@csrf_exempt
@require_http_methods(["POST"])
def api_conversations(request):
    """``POST /chat/api/conversations/``: start a conversation. Returns its id and welcome."""
    if _json_body(request) is None:
        return _error(415, "json_required", "Send a JSON object with Content-Type application/json")
    limited = _limited(request, "chat-start")
    if limited:
        return limited
    conversation = _start(request)
    # The same chat continues on the chat page (to attach a file, or without JavaScript).
    request.session[SESSION_KEY] = str(conversation.token)
    return JsonResponse(
        _conversation_json(conversation, messages_after(conversation, 0)), status=201
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def api_messages(request, token: uuid.UUID):
    """``GET``: the messages after ``?after=<seq>`` (poll for an agent's reply).
    ``POST {"text": ...}``: the resident's message; returns it and the replies."""
    conversation = _own_conversation(request, token)
    if conversation is None:
        return _error(404, "not_found", "No such conversation")
    if request.method == "GET":
        after = request.GET.get("after", "0")
        if not after.isdigit():
            return _error(400, "invalid", "after must be a whole number")
        return JsonResponse(
            _conversation_json(conversation, messages_after(conversation, int(after)))
        )
    data = _json_body(request)
    if data is None:
        return _error(415, "json_required", "Send a JSON object with Content-Type application/json")
    limited = _limited(request, "chat-message")
    if limited:
        return limited
    text = data.get("text")
    if not isinstance(text, str):
        return _error(400, "invalid", "text must be a string", field="text")
    try:
        added = conversation_post(conversation=conversation, text=text, actor=_visitor(request))
    except ChatInvalid as invalid:
        return _error(400, "invalid", str(invalid), field="text")
    conversation.refresh_from_db(fields=["status"])
    return JsonResponse(_conversation_json(conversation, added), status=201)
