"""Every write to a conversation: residents' messages, the assistant's replies, the live chat.

The chat page, the widget and the chat API all call ``conversation_start`` and
``conversation_post``; the hub's live chat calls the ``livechat_*`` functions. Each takes a typed
actor (``core.actors``) and checks ``accounts.policies`` itself. Each conversation is recorded
as one contact on the ``chat`` channel; the first request it raises is recorded on that contact.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.policies import may_handle_live_chat, may_write_in_chat
from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid
from borough.catalogue.selectors import service_get
from borough.contacts.models import Contact
from borough.contacts.services import contact_record
from borough.core.actors import Actor, ResidentActor, staff_user
from borough.core.channels import Channel

from . import crosslanguage, dialogue, llm
from .models import ChatMessage, Conversation
from .selectors import contact_without_case
from .state import DialogueState
from .turns import MAX_MESSAGE_LENGTH, Reply, Turn, starter_choices

MAX_AGENT_MESSAGE_LENGTH = 2000


class ChatInvalid(ValueError):
    """A message that cannot be sent. ``str(error)`` says why, in the resident's words."""


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def conversation_start(*, actor: ResidentActor, channel: str = Channel.CHAT) -> Conversation:
    """A new conversation, with its contact on the chat channel, and the assistant's welcome.

    ``actor`` is the resident starting it: their account when signed in, their record if
    Borough knows it.
    """
    _refuse_unless(may_write_in_chat(actor))
    now = timezone.now()
    with transaction.atomic():
        contact = contact_record(
            channel=channel,
            resident=actor.resident,
            started_at=now,
            reason="Web chat",
            outcome=Contact.Outcome.NO_ACTION,
        )
        conversation = Conversation.objects.create(
            channel=channel,
            user=actor.user,
            resident=actor.resident,
            contact=contact,
            started_at=now,
            updated_at=now,
        )
        _add(
            conversation,
            sender=ChatMessage.Sender.ASSISTANT,
            reply=Reply(
                text=_(
                    "Hello. I am the council's automated assistant. Tell me what you need in "
                    "a few words: for example “report fly-tipping”, “when is my bin day” or "
                    "“where is my request”. You can ask for a person at any time."
                ),
                choices=starter_choices(),
            ),
        )
    return conversation


def _next_seq(conversation: Conversation) -> int:
    last = conversation.messages.aggregate(last=Max("seq"))["last"]
    return (last or 0) + 1


def _add(
    conversation,
    *,
    sender,
    text="",
    reply=None,
    understood=None,
    author=None,
    translation="",
    translation_language="",
    language="",
):
    return ChatMessage.objects.create(
        conversation=conversation,
        seq=_next_seq(conversation),
        sender=sender,
        text=reply.text if reply else text,
        links=reply.links if reply else [],
        choices=reply.choices if reply else [],
        understood=understood or {},
        author=author,
        translation=translation,
        translation_language=translation_language if translation else "",
        language=reply.language if reply else language,
        at=timezone.now(),
    )


def _locked(conversation: Conversation) -> Conversation:
    """The conversation read again and locked until the transaction ends (its contact and
    resident read with it; only its own row is locked)."""
    return (
        Conversation.objects.select_related("contact", "resident")
        .select_for_update(of=("self",))
        .get(pk=conversation.pk)
    )


def message_check(text: str) -> str:
    """The message as it will be kept, or ``ChatInvalid`` saying what to change."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ChatInvalid(_("Enter a message"))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ChatInvalid(
            _("Your message must be %(limit)s characters or fewer")
            % {"limit": f"{MAX_MESSAGE_LENGTH:,}"}
        )
    return text


def conversation_post(
    *, conversation: Conversation, text: str, actor: Actor, upload=None
) -> list[ChatMessage]:
    """A resident's message and the assistant's replies.

    Raises ``ChatInvalid`` (nothing kept) for an empty or too long message or a closed chat.
    The message is understood before the conversation is locked; the dialogue's decision, the
    message and the replies are then kept in one transaction. Only with a language model
    configured, and a reply for it to reword or translate, are the replies kept in a second
    short transaction after the model has answered, so no lock is held while it is asked.
    """
    _refuse_unless(may_write_in_chat(actor, conversation))
    if conversation.status == Conversation.Status.CLOSED:
        raise ChatInvalid(_("This chat has ended. Start a new chat to carry on."))
    if upload is not None and not (text or "").strip():
        text = upload.name or _("A file")
    text = message_check(text)
    understood = dialogue.understand(conversation, text)
    with transaction.atomic():
        conversation = _locked(conversation)
        turn = dialogue.respond(conversation, text, understood, upload=upload)
        added = [
            _add(
                conversation,
                sender=ChatMessage.Sender.RESIDENT,
                text=text,
                understood=turn.understood,
                language=conversation.language,
            )
        ]
        polish = dialogue.needs_polish(turn, resident_id=llm.conversation_resident_id(conversation))
        if not polish:
            added += _add_replies(conversation, turn)
        _record_outcome(conversation, turn)
        conversation.updated_at = timezone.now()
        conversation.save()
    if polish:
        dialogue.polish(turn)
        with transaction.atomic():
            added += _add_replies(_locked(conversation), turn)
    _translate_for_agent(conversation, added[0])
    return added


def _translate_for_agent(conversation: Conversation, message: ChatMessage) -> None:
    """A message to a person (waiting or live chat) in another language: its English, for the
    agent, through the council's model (no lock held while it answers)."""
    if conversation.status not in (Conversation.Status.WAITING, Conversation.Status.LIVE):
        return
    english = crosslanguage.to_english(
        message.text, conversation.language, llm.conversation_resident_id(conversation)
    )
    if english:
        message.translation, message.translation_language = english, crosslanguage.ENGLISH
        ChatMessage.objects.filter(pk=message.pk).update(
            translation=english, translation_language=crosslanguage.ENGLISH
        )
        return
    # No translation: the closest English phrase the assistant knows, kept with what it
    # understood of the message (the agent's page says it is not a translation).
    words = [w for w in message.text.split() if any(c.isalpha() for c in w)]
    nearest = (
        crosslanguage.nearest_english(
            message.text, conversation.language, (message.understood or {}).get("intent")
        )
        if len(words) >= 3
        else ""
    )
    if nearest:
        message.understood = {**(message.understood or {}), "nearest_english": nearest}
        ChatMessage.objects.filter(pk=message.pk).update(understood=message.understood)


def _add_replies(conversation: Conversation, turn: Turn) -> list[ChatMessage]:
    return [
        _add(conversation, sender=ChatMessage.Sender.ASSISTANT, reply=reply)
        for reply in turn.replies
    ]


def _record_outcome(conversation: Conversation, turn: Turn) -> None:
    """What the conversation's contact led to: the requests raised (the first is recorded on
    the contact by ``case_create``), or an answer."""
    if turn.cases:
        _cases_raised(conversation, *turn.cases)
    elif turn.replies and conversation.contact_id:
        Contact.objects.filter(
            pk=conversation.contact_id, outcome=Contact.Outcome.NO_ACTION
        ).update(outcome=Contact.Outcome.ANSWERED)


def _cases_raised(conversation: Conversation, *cases) -> None:
    conversation.cases.add(*cases)
    if conversation.contact_id is None:
        # A chat whose contact has gone: the contact ``case_create`` recorded becomes its own.
        conversation.contact = Contact.objects.filter(
            case=cases[0], channel=conversation.channel
        ).first()


def messages_after(conversation: Conversation, seq: int) -> list[ChatMessage]:
    return list(conversation.messages.filter(seq__gt=seq).order_by("seq"))


# ------------------------------------------------------------------------------ live chat


def livechat_take(*, conversation: Conversation, actor: Actor) -> Conversation:
    """An agent takes a waiting chat (or one another agent left). Tells the resident."""
    _refuse_unless(may_handle_live_chat(actor))
    agent = staff_user(actor)
    with transaction.atomic():
        conversation = _locked(conversation)
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
        if conversation.contact_id is not None:  # no contact, nothing to update
            Contact.objects.filter(pk=conversation.contact_id).update(handled_by=agent)
    return conversation


def livechat_reply(
    *, conversation: Conversation, actor: Actor, text: str, ready: str | int | None = None
) -> ChatMessage:
    """An agent's message to the resident; they see it in the widget or on the chat page.

    ``ready``: the number of one of ``crosslanguage.READY_REPLIES`` instead of ``text``; the
    resident reads it in their language from the chat's catalogue (issue 22, point 3)."""
    _refuse_unless(may_handle_live_chat(actor))
    agent = staff_user(actor)
    text = (text or "").strip()
    chosen = None
    if ready not in (None, ""):
        chosen = crosslanguage.ready_reply(ready, conversation.language)
        if chosen is None:
            raise ChatInvalid("Choose one of the ready-made replies shown")
        if text:
            raise ChatInvalid("Send either your own reply or a ready-made one, not both")
        text = chosen.english
    if not text:
        raise ChatInvalid("Enter a reply")
    if len(text) > MAX_AGENT_MESSAGE_LENGTH:
        raise ChatInvalid(f"Your reply must be {MAX_AGENT_MESSAGE_LENGTH:,} characters or fewer")
    if conversation.status == Conversation.Status.CLOSED:
        raise ChatInvalid("This chat has ended")
    if conversation.status != Conversation.Status.LIVE or conversation.agent_id != agent.pk:
        conversation = livechat_take(conversation=conversation, actor=actor)
    # In the resident's language too: a ready-made reply from the catalogue, else through the
    # council's model when it can translate (no lock held).
    translated = (
        chosen.translated
        if chosen is not None
        else crosslanguage.to_resident(
            text, conversation.language, llm.conversation_resident_id(conversation)
        )
    )
    with transaction.atomic():
        message = _add(
            conversation,
            sender=ChatMessage.Sender.AGENT,
            text=text,
            author=agent,
            translation=translated,
            translation_language=conversation.language,
        )
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    return message


def livechat_close(*, conversation: Conversation, actor: Actor) -> Conversation:
    """An agent ends the chat. The contact records how long it lasted and who handled it."""
    _refuse_unless(may_handle_live_chat(actor))
    agent = staff_user(actor)
    with transaction.atomic():
        conversation = _locked(conversation)
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
        if conversation.contact_id is not None:  # no contact, nothing to update
            Contact.objects.filter(pk=conversation.contact_id).update(
                handled_by=agent,
                duration_seconds=int((now - conversation.started_at).total_seconds()),
            )
    return conversation


def livechat_case_create(*, conversation: Conversation, actor: Actor):
    """Raise the request the resident was making in the chat from the answers they gave.

    The same ``case_create`` the assistant uses, on the chat channel, recording the agent who
    raised it. Raises ``CaseInvalid`` with what is missing; ``ChatInvalid`` when the chat has no
    request in progress.
    """
    _refuse_unless(may_handle_live_chat(actor))
    with transaction.atomic():
        conversation = _locked(conversation)
        state = DialogueState.of(conversation)
        form = state.form
        service = service_get(form.service) if form else None
        if form is None or service is None:
            raise ChatInvalid("The resident has not started a request in this chat")
        case = case_create(
            service=service,
            answers=form.answers,
            channel=Channel.CHAT,
            resident=conversation.resident,
            actor=actor,
            idempotency_key=f"chat:{form.token}",
            form_session_token=form.token,
            contact=contact_without_case(conversation),
        )
        state.finish_form(case.reference)
        state.save_to(conversation)
        _cases_raised(conversation, case)
        conversation.save()
        _add(
            conversation,
            sender=ChatMessage.Sender.AGENT,
            author=staff_user(actor),
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
