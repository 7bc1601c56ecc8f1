"""Every write to a conversation: residents' messages, the assistant's replies, the live chat.

The chat page, the widget and the chat API all call ``conversation_start`` and
``conversation_post``; the hub's live chat calls the ``livechat_*`` functions, which check the
policy. Each conversation is recorded as one contact on the ``chat`` channel.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.policies import can_handle_live_chat
from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid
from borough.catalogue.selectors import service_get
from borough.contacts.models import Contact
from borough.contacts.services import contact_record
from borough.core.actors import StaffActor
from borough.core.channels import Channel
from borough.people.selectors import resident_for_user

from . import dialogue
from .models import ChatMessage, Conversation

MAX_AGENT_MESSAGE_LENGTH = 2000


class ChatInvalid(ValueError):
    """A message that cannot be sent. ``str(error)`` says why, in the resident's words."""


def conversation_start(*, user=None, channel: str = Channel.CHAT) -> Conversation:
    """A new conversation, with its contact on the chat channel, and the assistant's welcome."""
    resident = resident_for_user(user)
    now = timezone.now()
    with transaction.atomic():
        contact = contact_record(
            channel=channel,
            resident=resident,
            started_at=now,
            reason="Web chat",
            outcome=Contact.Outcome.NO_ACTION,
        )
        conversation = Conversation.objects.create(
            channel=channel,
            user=user if user is not None and user.is_authenticated else None,
            resident=resident,
            contact=contact,
            started_at=now,
            updated_at=now,
        )
        _add(
            conversation,
            sender=ChatMessage.Sender.ASSISTANT,
            reply=dialogue.Reply(
                text=_(
                    "Hello. I am the council's automated assistant. Tell me what you need in "
                    "a few words: for example “report fly-tipping”, “when is my bin day” or "
                    "“where is my request”. You can ask for a person at any time."
                ),
                choices=dialogue_starters(),
            ),
        )
    return conversation


def dialogue_starters() -> list[str]:
    return dialogue.starter_choices()


def _next_seq(conversation: Conversation) -> int:
    last = conversation.messages.aggregate(last=Max("seq"))["last"]
    return (last or 0) + 1


def _add(conversation, *, sender, text="", reply=None, understood=None, author=None):
    return ChatMessage.objects.create(
        conversation=conversation,
        seq=_next_seq(conversation),
        sender=sender,
        text=reply.text if reply else text,
        links=reply.links if reply else [],
        choices=reply.choices if reply else [],
        understood=understood or {},
        author=author,
        at=timezone.now(),
    )


def message_check(text: str) -> str:
    """The message as it will be kept, or ``ChatInvalid`` saying what to change."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ChatInvalid(_("Enter a message"))
    if len(text) > dialogue.MAX_MESSAGE_LENGTH:
        raise ChatInvalid(
            _("Your message must be %(limit)s characters or fewer")
            % {"limit": f"{dialogue.MAX_MESSAGE_LENGTH:,}"}
        )
    return text


def conversation_post(*, conversation: Conversation, text: str, upload=None) -> list[ChatMessage]:
    """A resident's message and the assistant's replies, kept in one transaction.

    Raises ``ChatInvalid`` (nothing kept) for an empty or too long message or a closed chat.
    """
    if conversation.status == Conversation.Status.CLOSED:
        raise ChatInvalid(_("This chat has ended. Start a new chat to carry on."))
    if upload is not None and not (text or "").strip():
        text = upload.name or _("A file")
    text = message_check(text)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        turn = dialogue.respond(conversation, text, upload=upload)
        added = [
            _add(
                conversation,
                sender=ChatMessage.Sender.RESIDENT,
                text=text,
                understood=turn.understood,
            )
        ]
        added += [
            _add(conversation, sender=ChatMessage.Sender.ASSISTANT, reply=reply)
            for reply in turn.replies
        ]
        if turn.cases:
            conversation.cases.add(*turn.cases)
            _adopt_case_contact(conversation, turn.cases[0])
        elif turn.replies and conversation.contact_id:
            Contact.objects.filter(
                pk=conversation.contact_id, outcome=Contact.Outcome.NO_ACTION
            ).update(outcome=Contact.Outcome.ANSWERED)
        conversation.updated_at = timezone.now()
        conversation.save()
    return added


def _adopt_case_contact(conversation: Conversation, case) -> None:
    """``case_create`` records a contact for the request it makes. When the conversation's own
    contact has nothing else on it, that contact becomes the conversation's, so one chat that
    raises one request counts as one contact, not two."""
    own = Contact.objects.filter(pk=conversation.contact_id, case=None).first()
    made = Contact.objects.filter(case=case, channel=conversation.channel).first()
    if made is None:
        return
    if own is not None:
        own.delete()
    if own is not None or conversation.contact_id is None:
        conversation.contact = made


def messages_after(conversation: Conversation, seq: int) -> list[ChatMessage]:
    return list(conversation.messages.filter(seq__gt=seq).order_by("seq"))


# ------------------------------------------------------------------------------ live chat


def _agent_allowed(agent) -> None:
    if not can_handle_live_chat(agent):
        raise PermissionDenied


def livechat_take(*, conversation: Conversation, agent) -> Conversation:
    """An agent takes a waiting chat (or one another agent left). Tells the resident."""
    _agent_allowed(agent)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == Conversation.Status.CLOSED:
            raise ChatInvalid("This chat has ended")
        if conversation.agent_id == agent.pk and conversation.status == Conversation.Status.LIVE:
            return conversation
        conversation.status = Conversation.Status.LIVE
        conversation.agent = agent
        conversation.updated_at = timezone.now()
        conversation.save()
        _add(
            conversation,
            sender=ChatMessage.Sender.AGENT,
            author=agent,
            text=_("%(name)s from the council has joined the chat.")
            % {"name": agent.first_name or _("A member of staff")},
        )
        Contact.objects.filter(pk=conversation.contact_id).update(handled_by=agent)
    return conversation


def livechat_reply(*, conversation: Conversation, agent, text: str) -> ChatMessage:
    """An agent's message to the resident; they see it in the widget or on the chat page."""
    _agent_allowed(agent)
    text = (text or "").strip()
    if not text:
        raise ChatInvalid("Enter a reply")
    if len(text) > MAX_AGENT_MESSAGE_LENGTH:
        raise ChatInvalid(f"Your reply must be {MAX_AGENT_MESSAGE_LENGTH:,} characters or fewer")
    if conversation.status == Conversation.Status.CLOSED:
        raise ChatInvalid("This chat has ended")
    if conversation.status != Conversation.Status.LIVE or conversation.agent_id != agent.pk:
        conversation = livechat_take(conversation=conversation, agent=agent)
    with transaction.atomic():
        message = _add(conversation, sender=ChatMessage.Sender.AGENT, text=text, author=agent)
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    return message


def livechat_close(*, conversation: Conversation, agent) -> Conversation:
    """An agent ends the chat. The contact records how long it lasted and who handled it."""
    _agent_allowed(agent)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == Conversation.Status.CLOSED:
            return conversation
        now = timezone.now()
        conversation.status = Conversation.Status.CLOSED
        conversation.closed_at = now
        conversation.updated_at = now
        conversation.save()
        _add(
            conversation,
            sender=ChatMessage.Sender.AGENT,
            author=agent,
            text=_("This chat has ended. Thank you for contacting us."),
        )
        Contact.objects.filter(pk=conversation.contact_id).update(
            handled_by=agent,
            duration_seconds=int((now - conversation.started_at).total_seconds()),
        )
    return conversation


def livechat_case_create(*, conversation: Conversation, agent):
    """Raise the request the resident was making in the chat from the answers they gave.

    The same ``case_create`` the assistant uses, on the chat channel, recording the agent who
    raised it. Raises ``CaseInvalid`` with what is missing; ``ChatInvalid`` when the chat has no
    request in progress.
    """
    _agent_allowed(agent)
    form = conversation.state.get("form")
    service = service_get(form["service"]) if form else None
    if service is None:
        raise ChatInvalid("The resident has not started a request in this chat")
    with transaction.atomic():
        case = case_create(
            service=service,
            answers=form["answers"],
            channel=Channel.CHAT,
            resident=conversation.resident,
            actor=StaffActor(agent),
            idempotency_key=f"chat:{form['token']}",
            form_session_token=form["token"],
        )
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conversation.state.pop("form", None)
        conversation.state["mode"] = ""
        conversation.state.setdefault("own_cases", []).append(case.reference)
        conversation.save()
        conversation.cases.add(case)
        _adopt_case_contact(conversation, case)
        conversation.save(update_fields=["contact"])
        _add(
            conversation,
            sender=ChatMessage.Sender.AGENT,
            author=agent,
            text=_("I have sent your request. Your reference is %(reference)s.")
            % {"reference": case.reference},
        )
    return case


__all__ = [
    "CaseInvalid",
    "ChatInvalid",
    "conversation_post",
    "conversation_start",
    "livechat_case_create",
    "livechat_close",
    "livechat_reply",
    "livechat_take",
    "messages_after",
]
