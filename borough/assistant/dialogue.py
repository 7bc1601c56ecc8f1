"""The assistant's dialogue: one resident message in, the assistant's replies out.

Every channel (the chat page, the widget, the chat API and later voice) goes through
``assistant.services.conversation_post``, which calls this module in three steps:

1. ``understand`` with no transaction open: the understanding package (intent, language,
   entities, signs of vulnerability), a configured language model's translation of a message
   in a language Borough does not have, and the council's content that may answer a question.
2. ``respond`` with the conversation locked: chooses the flow for the message (a flow module
   each in ``assistant.flows``: service form, status, bin days, consent, handover, general),
   which changes the typed dialogue state (``assistant.state``) and does what it must through
   the code the portal uses (``catalogue.journey``, ``cases.services.case_create``,
   ``places.collections``). The assistant never defines a question of its own.
3. ``polish`` with no transaction open, only when a language model is configured: rewords
   answers quoted from the council's content and translates the replies.
"""

from __future__ import annotations

import dataclasses
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from borough.assistant import nlu
from borough.assistant.nlu import Understanding
from borough.core.postcodes import normalise_postcode

from . import llm
from .flows import consent, general, handover, service_form, status, subject
from .flows.bin_days import bin_address_turn, bin_postcode_turn
from .models import Conversation
from .state import DialogueState, Mode
from .turns import (
    CANCEL_WORDS,
    Exchange,
    Turn,
    Understood,
    answer_word,
    chat_language,
    fixed,
    machine_made,
    starter_choices,
    supported_language,
)

# Identifying the language of a few words is guesswork ("Report fly-tipping" reads as Tagalog):
# the conversation changes language only on a message long enough, or written with letters
# English does not use.
MIN_WORDS_FOR_LANGUAGE = 6
_CHOICE = re.compile(r"^\s*\d{1,3}(\s*[,;]\s*\d{1,3})*\s*$")


# ------------------------------------------------------------ 1. understand (no lock held)


def understand(conversation: Conversation, text: str) -> Understood:
    """What the message means, from the conversation as last read. Runs the understanding
    and any language model call, so the caller runs it before locking the conversation."""
    state = DialogueState.of(conversation)
    understanding = (
        _choice_only(state, conversation.language, text)
        or _known_reply(state, conversation.language, text)
        or nlu.understand(
            text,
            # When the message alone does not settle its language ('ok', a reference): the
            # conversation's so far, else the site's (issue 22, point 4).
            previous_language=conversation.language or None,
            site_language=settings.LANGUAGE_CODE.split("-")[0],
        )
    )
    language = understanding.language or "en"
    if supported_language(language) is None and llm.may_use_for(
        llm.conversation_resident_id(conversation)
    ):
        english = llm.translate_to_english(text)
        if english:
            original = understanding
            understanding = dataclasses.replace(nlu.understand(english), language=language)
            if original.vulnerability.level == "safeguarding":
                # What the resident wrote counts: a translation must not hide a sign.
                understanding = dataclasses.replace(
                    understanding, vulnerability=original.vulnerability
                )
    passages = None
    if (
        state.mode == Mode.ANYTHING
        and conversation.status == Conversation.Status.ASSISTANT
        and general.may_be_question(understanding)
    ):
        passages = general.content_passages(text)
    return Understood(understanding=understanding, language=language, passages=passages)


def _choice_only(state: DialogueState, language: str, text: str) -> Understanding | None:
    """A reply that is only the number(s) of a listed choice, or only a postcode, while the
    assistant is asking for one: there is nothing in it to classify (no intent, no sign of
    vulnerability), so the model is not asked. Saves most of a turn's time in a long form."""
    if not state.mode:
        return None
    postcode = normalise_postcode(text) if len(text) <= 9 else None
    if not _CHOICE.match(text) and postcode is None:
        return None
    return Understanding(
        text=text,
        language=language,
        intent=None,
        confidence=1.0,
        out_of_scope=False,
        entities=nlu.Entities(postcodes=(postcode,) if postcode else ()),
        vulnerability=nlu.Vulnerability(),
        flags=(),
    )


# Buttons the chat offers (``choices=``): in a chat language they are pressed in that language.
_OFFERED = ("Talk to a person", "Report a problem", "Check my bin days", "Check a request")


def _known_reply(state: DialogueState, language: str, text: str) -> Understanding | None:
    """A short reply in the conversation's chat language that the chat knows without the
    understanding: a yes/no/skip/cancel word (data/answer_words.yaml), one of the chat's own
    buttons, or one of the choices just listed. It is understood as its English and keeps the
    conversation's language (a word or two is too short to tell Arabic from Urdu, or Punjabi
    from English). None for anything else, or a conversation not in a chat language."""
    code = chat_language(language)
    if code is None or code.startswith("en"):
        return None
    typed = text.strip().rstrip(".!").casefold()
    english = answer_word(code, text)
    if not english:
        with translation.override(code):
            english = next((msgid for msgid in _OFFERED if _(msgid).casefold() == typed), "")
    if english:
        return dataclasses.replace(nlu.understand(english), text=text, language=language)
    listed = state.form.choices if state.form and state.mode else []
    if any(typed == label.casefold() for _value, label in listed):
        return Understanding(
            text=text,
            language=language,
            intent=None,
            confidence=1.0,
            out_of_scope=False,
            entities=nlu.Entities(),
            vulnerability=nlu.Vulnerability(),
            flags=(),
        )
    return None


def _summary(u: Understanding) -> dict:
    """What the understanding made of the message, kept on it for audit."""
    return {
        "intent": u.intent,
        "confidence": round(float(u.confidence), 3),
        "language": u.language,
        "out_of_scope": bool(u.out_of_scope),
        "flags": list(u.flags),
        "vulnerability": u.vulnerability.level,
        "drivers": list(u.vulnerability.drivers),
        "signs": list(u.vulnerability.signs),
    }


def _language_is_clear(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS_FOR_LANGUAGE or any(
        ch.isalpha() and not ch.isascii() for ch in text
    )


# ----------------------------------------------------------- 2. respond (conversation locked)


def respond(conversation: Conversation, text: str, understood: Understood, *, upload=None) -> Turn:
    """The assistant's answer to one resident message. Changes ``conversation`` in memory
    (state, language, priority, status); the caller saves it and the messages."""
    u, language = understood.understanding, understood.language
    state = DialogueState.of(conversation)
    x = Exchange(conversation, state, understood, text, upload=upload)
    x.turn.understood = _summary(u)
    urgent = u.vulnerability.level == "safeguarding"
    if _language_is_clear(text):
        # References, postcodes and codes do not count towards a language (nlu.language), and a
        # message that settles nothing keeps the conversation's: the understanding's is right.
        conversation.language = language
    elif urgent and language != "en":
        # A sign of danger in another language: the agent must see the language at once (an
        # interpreter), and the urgent reply is in it, however short the message.
        conversation.language = language
    portal_language = chat_language(conversation.language)
    with translation.override(portal_language or settings.LANGUAGE_CODE):
        _respond(x)
        if portal_language and not urgent:
            _label_machine_made(x, portal_language)
        if portal_language is None and not state.interpreter_offered and not urgent:
            # Never for an urgent message: its reply is in the resident's language already.
            state.interpreter_offered = True
            x.turn.say_first(
                _(
                    "I can only reply in English. If you would like an interpreter, "
                    "ask to talk to a person and we will arrange one."
                ),
                choices=[_("Talk to a person")],
            )
    if portal_language is None:
        x.turn.translate_to = conversation.language
    state.save_to(conversation)
    return x.turn


MACHINE_LABEL = gettext_noop("Machine translation: ask for a person if anything is unclear.")


def _label_machine_made(x: Exchange, language: str) -> None:
    """The first reply in a machine-made chat language says so, once per conversation, in
    that language and in English (an urgent reply carries its own label)."""
    if x.state.machine_labelled or not machine_made(language) or not x.turn.replies:
        return
    x.state.machine_labelled = True
    x.turn.say_first(f"{_(MACHINE_LABEL)} ({MACHINE_LABEL})")


def _respond(x: Exchange) -> None:
    conversation, state, u = x.conversation, x.state, x.u

    # Safeguarding first, whatever else is going on: signposting at once, then a person.
    if u.vulnerability.level == "safeguarding":
        handover.note_signs(x)
        conversation.priority = Conversation.Priority.SAFEGUARDING
        x.say(handover.signposting(conversation.language))
        handover.homeless_signposting(x)
        handover.safety_page_links(x)
        handover.hand_over(x, reason="safeguarding")
        return
    if u.vulnerability.level == "support":
        handover.note_signs(x)
        conversation.priority = max(conversation.priority, Conversation.Priority.SUPPORT)

    if conversation.status in (Conversation.Status.WAITING, Conversation.Status.LIVE):
        # A person has the chat: the assistant keeps quiet (the agent reads the message).
        if conversation.status == Conversation.Status.WAITING and u.intent == "human":
            x.say(_("You are in the queue. A member of staff will reply here soon."))
        return

    if state.consent and consent.consent_answer(x):
        service_form.ask_again(x)
        return

    if "injection" in u.flags:
        x.say(
            fixed(
                "injection",
                _(
                    "I can only help with the council's services: reporting a problem, asking for "
                    "something, your bin days, the progress of a request or a question about our "
                    "services. What would you like to do?"
                ),
                conversation.language,
            ),
            choices=starter_choices(),
        )
        handover.failed(x)
        return
    if "abusive" in u.flags:
        x.say(
            fixed(
                "abusive",
                _(
                    "I want to help. Please tell me what you need without offensive words, or ask "
                    "to talk to a person."
                ),
                conversation.language,
            ),
            choices=[_("Talk to a person")],
        )
        handover.failed(x)
        return

    named = service_form.service_named(x.text) if not state.mode else None
    if u.intent == "human" and state.mode != Mode.CONFIRM and named is None:
        handover.hand_over(x, reason="asked")
        return
    if x.lowered in CANCEL_WORDS and state.mode:
        service_form.cancel_form(state)
        state.mode = Mode.ANYTHING
        x.say(_("I have stopped that. What else can I help you with?"))
        return
    rest = subject.new_subject(x)
    if rest is not None:
        subject.leave(x)
        if not rest:
            x.say(_("What else can I help you with?"))
            return
        x.text = rest
        general.open_turn(x)
        return

    if state.mode in (Mode.FORM, Mode.CHANGE):
        service_form.form_turn(x)
    elif state.mode == Mode.CONFIRM:
        service_form.confirm_turn(x)
    elif state.mode == Mode.STATUS:
        status.status_turn(x)
    elif state.mode == Mode.BIN_POSTCODE:
        bin_postcode_turn(x, x.text)
    elif state.mode == Mode.BIN_ADDRESS:
        bin_address_turn(x)
    else:
        general.open_turn(x)

    if u.vulnerability.level == "support":
        if conversation.resident_id is None:
            consent.acknowledge_support(state, x.turn)
        else:
            consent.ask_consent(x)


# ------------------------------------------------------------------- 3. polish (no lock held)


def needs_polish(turn: Turn, *, resident_id: int | None = None) -> bool:
    """Would a configured language model reword or translate any of the turn's replies? Never
    for a resident who objects to the model."""
    return llm.may_use_for(resident_id) and bool(
        turn.translate_to or any(reply.passages for reply in turn.replies)
    )


def polish(turn: Turn) -> None:
    """Reword answers quoted from the council's content, and translate the replies into a
    language Borough has no translation for, through the configured language model. Slow and
    remote: the caller holds no lock and no transaction. Anything the model says that is not
    grounded in what it was given is refused, and the plain reply kept."""
    for reply in turn.replies:
        if reply.passages:
            reply.text = (
                llm.rephrase(question=reply.question, passages=reply.passages) or reply.text
            )
        if turn.translate_to:
            translated = llm.translate_reply(reply.text, turn.translate_to)
            if translated:
                reply.text, reply.language = translated, turn.translate_to
