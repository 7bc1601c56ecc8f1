"""The assistant's dialogue: one resident message in, the assistant's replies out.

Every channel (the chat page, the widget, the chat API and later voice) calls ``respond``
through ``assistant.services``. Understanding comes from ``assistant.nlu`` (intent, language,
entities, signs of vulnerability); everything the assistant *does* goes through the same code
the portal uses: a service's questions come from its catalogue form definition and each answer
is checked by ``catalogue.answers.clean_answer`` (routing and exit pages included), the case is
made by ``cases.services.case_create``, bin days by ``places.collections``. The assistant never
defines a question of its own.

The conversation's ``state`` (JSON) is the dialogue's memory:

``mode``       what the assistant is waiting for: "" (anything), "form", "confirm", "change",
               "status", "bin_postcode", "bin_address"
``form``       the service request being made: service slug, answers, postcodes, the question
               asked, its step (postcode, pick, description, answer) and the choices offered
``failures``   turns in a row the assistant could not help with (two: a person is offered)
``consent``    the FCA drivers a resident was asked to let us record, awaiting yes or no
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid
from borough.cases.references import normalise_reference
from borough.cases.selectors import case_by_reference
from borough.cases.tracking import case_tracking_token, tracking_token_valid
from borough.catalogue.answers import AnswerError, Exit, clean_answer, display_answer, journey
from borough.catalogue.definitions import CHECK_ANSWERS, Question
from borough.catalogue.inputs import postcode_check, store_upload
from borough.catalogue.models import Service
from borough.catalogue.selectors import service_get, services_online
from borough.contacts.models import FormSession
from borough.contacts.services import form_session_finish, form_session_start
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.core.postcodes import normalise_postcode
from borough.people.models import ConsentBasis, Need
from borough.people.services import resident_need_record
from borough.places.collections import collections_between, schedules_for
from borough.places.selectors import Gazetteer, properties_at_postcode, streets_at_postcode

from . import llm
from .models import Conversation

MAX_MESSAGE_LENGTH = 1000
# Turns in a row the assistant cannot help with before it offers a person.
FAILED_TURNS_BEFORE_HANDOVER = 2
# A retrieved passage this good is quoted; below it the assistant says it does not know.
MIN_PASSAGE_SCORE = 0.35
BIN_DAYS_SHOWN = 14

DRIVER_NEEDS = {
    "health": Need.HEALTH,
    "life_events": Need.LIFE_EVENT,
    "resilience": Need.RESILIENCE,
    "capability": Need.CAPABILITY,
}
# Words that are commands in any mode (the resident's way out), not things to classify.
_CANCEL = {"cancel", "stop", "start again", "anuluj", "stop."}
_SKIP = {"skip", "no answer", "none", "pomiń", "-"}
_YES = {"yes", "y", "yes please", "yeah", "yep", "ok", "okay", "correct", "tak", "confirm"}
_NO = {"no", "n", "no thanks", "nope", "nie", "no thank you"}
_TRACK_LINK = re.compile(r"/track/([A-Za-z0-9-]{6,20})/([A-Za-z0-9_:-]{10,200})/?")


@dataclass
class Reply:
    text: str
    links: list[dict] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)


@dataclass
class Turn:
    """What one resident message led to."""

    replies: list[Reply] = field(default_factory=list)
    understood: dict = field(default_factory=dict)
    handover: str = ""  # why the chat goes to a person ("asked", "safeguarding", ...)
    cases: list = field(default_factory=list)

    def say(self, text: str, *, links=(), choices=()) -> Reply:
        reply = Reply(text=text, links=list(links), choices=list(choices))
        self.replies.append(reply)
        return reply


def nlu():
    """The understanding package (imported late: it loads its model on first use)."""
    from borough.assistant import nlu as brain

    return brain


def _fixed(key: str, english: str, language: str) -> str:
    """One of the assistant's fixed replies in the resident's language where Borough has it:
    the understanding's own translations first, then the portal's catalogue (gettext), else
    the English given (already translated by gettext when the active language has it)."""
    if language and not language.startswith("en"):
        translated = nlu().translate(key, language)
        if translated:
            return translated
    return english


def _understanding_summary(u) -> dict:
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


def supported_language(code: str) -> str | None:
    """The portal language (Django code) for an ISO 639-1 code, if Borough has one."""
    for django_code, _name in settings.LANGUAGES:
        if django_code.split("-")[0] == (code or "").split("-")[0]:
            return django_code
    return None


_CHOICE = re.compile(r"^\s*\d{1,3}(\s*[,;]\s*\d{1,3})*\s*$")


def _choice_only(conversation: Conversation, text: str):
    """A reply that is only the number(s) of a listed choice, or only a postcode, while the
    assistant is asking for one: there is nothing in it to classify (no intent, no sign of
    vulnerability), so the model is not asked. Saves most of a turn's time in a long form."""
    if not conversation.state.get("mode"):
        return None
    brain = nlu()
    postcode = normalise_postcode(text) if len(text) <= 9 else None
    if not _CHOICE.match(text) and postcode is None:
        return None
    return brain.Understanding(
        text=text,
        language=conversation.language,
        intent=None,
        confidence=1.0,
        out_of_scope=False,
        entities=brain.Entities(postcodes=(postcode,) if postcode else ()),
        vulnerability=brain.Vulnerability(),
        flags=(),
    )


# Identifying the language of a few words is guesswork ("Report fly-tipping" reads as Tagalog):
# the conversation changes language only on a message long enough, or written with letters
# English does not use.
MIN_WORDS_FOR_LANGUAGE = 6


def _language_is_clear(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS_FOR_LANGUAGE or any(
        ch.isalpha() and not ch.isascii() for ch in text
    )


def respond(conversation: Conversation, text: str, *, upload=None) -> Turn:
    """The assistant's answer to one resident message. Changes ``conversation`` in memory
    (state, language, priority, status); the caller saves it and the messages."""
    turn = Turn()
    understanding = _choice_only(conversation, text) or nlu().understand(text)
    language = understanding.language or "en"
    if supported_language(language) is None and llm.configured():
        english = llm.translate_to_english(text)
        if english:
            understood_english = nlu().understand(english)
            understanding = dataclasses.replace(understood_english, language=language)
    turn.understood = _understanding_summary(understanding)
    if _language_is_clear(text) and not (
        # Plain English letters the classifier (trained in English) understood: English, even
        # if a reference or a postcode made the words look like another language.
        supported_language(language) is None and text.isascii() and understanding.intent
    ):
        conversation.language = language
    portal_language = supported_language(conversation.language)
    with translation.override(portal_language or settings.LANGUAGE_CODE):
        _respond(conversation, text, understanding, turn, upload=upload)
        if portal_language is None and not conversation.state.get("interpreter_offered"):
            conversation.state["interpreter_offered"] = True
            turn.replies.insert(
                0,
                Reply(
                    text=_(
                        "I can only reply in English. If you would like an interpreter, "
                        "ask to talk to a person and we will arrange one."
                    ),
                    choices=[_("Talk to a person")],
                ),
            )
    if portal_language is None and llm.configured():
        for reply in turn.replies:
            reply.text = llm.translate_reply(reply.text, conversation.language) or reply.text
    return turn


def _respond(conversation: Conversation, text: str, u, turn: Turn, *, upload=None) -> None:
    state = conversation.state
    lowered = text.strip().casefold()

    # Safeguarding first, whatever else is going on: signposting at once, then a person.
    if u.vulnerability.level == "safeguarding":
        _note_signs(conversation, u)
        conversation.priority = Conversation.Priority.SAFEGUARDING
        turn.say(_signposting(conversation.language))
        _hand_over(conversation, turn, reason="safeguarding")
        return
    if u.vulnerability.level == "support":
        _note_signs(conversation, u)
        conversation.priority = max(conversation.priority, Conversation.Priority.SUPPORT)

    if conversation.status in (Conversation.Status.WAITING, Conversation.Status.LIVE):
        # A person has the chat: the assistant keeps quiet (the agent reads the message).
        if conversation.status == Conversation.Status.WAITING and u.intent == "human":
            turn.say(_("You are in the queue. A member of staff will reply here soon."))
        return

    if state.get("consent") and _consent_answer(conversation, lowered, u, turn):
        _ask_again(conversation, turn)
        return

    if "injection" in u.flags:
        turn.say(
            _fixed(
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
        _failed(conversation, turn)
        return
    if "abusive" in u.flags:
        turn.say(
            _fixed(
                "abusive",
                _(
                    "I want to help. Please tell me what you need without offensive words, or ask "
                    "to talk to a person."
                ),
                conversation.language,
            ),
            choices=[_("Talk to a person")],
        )
        _failed(conversation, turn)
        return

    named = _service_named(text) if not state.get("mode") else None
    if u.intent == "human" and state.get("mode") != "confirm" and named is None:
        _hand_over(conversation, turn, reason="asked")
        return
    if lowered in _CANCEL and state.get("mode"):
        _cancel_form(conversation)
        state["mode"] = ""
        turn.say(_("I have stopped that. What else can I help you with?"))
        return

    mode = state.get("mode", "")
    if mode in ("form", "change"):
        _form_turn(conversation, text, u, turn, upload=upload)
    elif mode == "confirm":
        _confirm_turn(conversation, lowered, u, turn)
    elif mode == "status":
        _status_turn(conversation, text, u, turn)
    elif mode == "bin_postcode":
        _bin_postcode_turn(conversation, text, u, turn)
    elif mode == "bin_address":
        _bin_address_turn(conversation, text, turn)
    else:
        _open_turn(conversation, text, u, turn)

    if u.vulnerability.level == "support":
        if conversation.resident_id is None:
            _acknowledge_support(conversation, turn)
        else:
            _ask_consent(conversation, u, turn)


# --------------------------------------------------------------------------- open questions


def _service_named(text: str) -> Service | None:
    """A service whose name the resident typed (or chose from the suggestions) exactly."""
    wanted = text.strip().casefold().rstrip(".")
    for service in services_online():
        if wanted in (service.name.casefold(), service.local_name.casefold(), service.slug):
            return service
    return None


def starter_choices() -> list[str]:
    return [
        _("Report a problem"),
        _("Check my bin days"),
        _("Check a request"),
        _("Talk to a person"),
    ]


def _open_turn(conversation: Conversation, text: str, u, turn: Turn) -> None:
    state = conversation.state
    intent = u.intent or ""
    # The suggested first replies mean what they say, whatever the classifier makes of them.
    typed = text.strip().casefold()
    intent = {
        _("Check my bin days").casefold(): "bin_days",
        _("Check a request").casefold(): "status",
        _("Talk to a person").casefold(): "human",
        _("Report a problem").casefold(): "report",
    }.get(typed, intent)
    if intent == "human":
        _hand_over(conversation, turn, reason="asked")
        return
    named = _service_named(text)
    if named is not None:
        intent = f"service:{named.slug}"
    if intent.startswith("service:"):
        service = service_get(intent.split(":", 1)[1])
        if service is not None:
            state["failures"] = 0
            _start_form(conversation, service, turn)
            return
    if intent == "status":
        state["failures"] = 0
        if u.entities.references or _TRACK_LINK.search(text) or _reference_in(text):
            _status_turn(conversation, text, u, turn)
        else:
            state["mode"] = "status"
            turn.say(
                _(
                    "What is the reference of your request? It looks like ABCD-EFGH and is in "
                    "your confirmation email. You can also paste the tracking link from that "
                    "email."
                )
            )
        return
    if intent == "bin_days":
        state["failures"] = 0
        if u.entities.postcodes:
            _bin_postcode_turn(conversation, u.entities.postcodes[0], u, turn)
        else:
            state["mode"] = "bin_postcode"
            turn.say(_("What is your postcode? For example, E8 1DY."))
        return
    if intent == "greeting":
        turn.say(
            _fixed(
                "greeting",
                _(
                    "Hello. I am the council's automated assistant. I can report a problem, ask "
                    "for a service, tell you your bin days or the progress of a request, and "
                    "answer questions about our services. What would you like to do?"
                ),
                conversation.language,
            ),
            choices=starter_choices(),
        )
        return
    if intent == "thanks":
        turn.say(
            _fixed(
                "thanks",
                _("You're welcome. Is there anything else I can help you with?"),
                conversation.language,
            )
        )
        return
    if intent == "goodbye":
        turn.say(
            _fixed(
                "goodbye",
                _("Goodbye. You can start a new chat at any time."),
                conversation.language,
            )
        )
        return
    if intent == "report":
        turn.say(
            _("What would you like to report or ask for? Tell me in a few words."),
            links=[{"url": reverse("portal:home"), "text": _("See all our services")}],
        )
        return
    # A question (faq:...), or nothing we recognise: answer from the council's own content.
    passages = [p for p in nlu().retrieve(text, limit=3) if p.score >= MIN_PASSAGE_SCORE]
    if passages and (intent.startswith("faq:") or not u.out_of_scope):
        state["failures"] = 0
        _answer_from_content(conversation, text, passages, turn)
        return
    if u.out_of_scope or not passages:
        turn.say(
            _(
                "Sorry, I cannot find an answer to that in the council's information. Would you "
                "like to talk to a person?"
            ),
            choices=[_("Talk to a person")],
        )
        _failed(conversation, turn, offered=True)


def _answer_from_content(conversation: Conversation, text: str, passages, turn: Turn) -> None:
    best = passages[0]
    plain = _("This is what our page “%(title)s” says: “%(text)s”") % {
        "title": best.title,
        "text": best.text,
    }
    answer = plain
    if llm.configured():
        answer = llm.rephrase(question=text, passages=passages) or plain
    turn.say(answer, links=[{"url": best.url, "text": best.title}])


def _failed(conversation: Conversation, turn: Turn, *, offered: bool = False) -> None:
    state = conversation.state
    state["failures"] = state.get("failures", 0) + 1
    if state["failures"] >= FAILED_TURNS_BEFORE_HANDOVER and not offered:
        turn.say(
            _("I am having trouble helping you. Would you like to talk to a person?"),
            choices=[_("Talk to a person")],
        )


# ------------------------------------------------------------------------------- handover


def _signposting(language: str) -> str:
    return _fixed(
        "safeguarding_signposting",
        _(
            "If you or someone else is in immediate danger, call 999 now. You can talk to "
            "Samaritans free, day or night, on 116 123. Outside office hours, call the "
            "council's emergency line on %(phone)s. I am passing you to a member of staff now."
        )
        % {"phone": settings.BOROUGH_OUT_OF_HOURS_PHONE},
        language,
    )


def _hand_over(conversation: Conversation, turn: Turn, *, reason: str) -> None:
    """Put the chat in the live queue (the caller saves it; the queue orders by priority)."""
    _cancel_form(conversation, keep_answers=True)
    conversation.state["mode"] = ""
    conversation.status = Conversation.Status.WAITING
    conversation.waiting_since = timezone.now()
    conversation.handover_reason = reason
    turn.handover = reason
    if reason != "safeguarding":
        turn.say(
            _(
                "I have asked a member of staff to join this chat. Please stay on this page: "
                "their reply will appear here."
            )
        )


def _note_signs(conversation: Conversation, u) -> None:
    conversation.drivers = sorted(set(conversation.drivers) | set(u.vulnerability.drivers))
    conversation.signs = sorted(set(conversation.signs) | set(u.vulnerability.signs))[:50]


# -------------------------------------------------------------------------------- consent


def _ask_consent(conversation: Conversation, u, turn: Turn) -> None:
    """Signs of vulnerability: ask a signed-in resident if we may note them on their record."""
    asked = set(conversation.state.get("consent_asked", []))
    drivers = [d for d in u.vulnerability.drivers if d in DRIVER_NEEDS and d not in asked]
    if not drivers:
        return
    conversation.state["consent"] = drivers
    conversation.state["consent_asked"] = sorted(asked | set(drivers))
    turn.say(
        _(
            "It sounds like things may be difficult for you at the moment. May we note this on "
            "your record, so that staff can give you extra help when you contact us? Answer yes "
            "or no. Nothing is noted unless you say yes."
        ),
        choices=[_("Yes"), _("No")],
    )


def _acknowledge_support(conversation: Conversation, turn: Turn) -> None:
    """Signs of vulnerability from someone not signed in (there is no record to note them on):
    say once that we heard, and how to reach a person, before whatever the assistant says next
    (the form's question carries on below)."""
    if conversation.state.get("support_acknowledged"):
        return
    conversation.state["support_acknowledged"] = True
    turn.replies.insert(
        0,
        Reply(
            text=_(
                "Thank you for telling me. If you would like help from a person, ask to talk to "
                "a person at any time."
            ),
            choices=[_("Talk to a person")],
        ),
    )


def _consent_answer(conversation: Conversation, lowered: str, u, turn: Turn) -> bool:
    """Handle the answer to the consent question; False if the message is something else."""
    drivers = conversation.state.pop("consent")
    if lowered in _YES or u.intent == "yes":
        for driver in drivers:
            if not conversation.resident.needs.filter(
                need=DRIVER_NEEDS[driver], withdrawn_at=None
            ).exists():
                resident_need_record(
                    resident=conversation.resident,
                    need=DRIVER_NEEDS[driver],
                    consent_basis=ConsentBasis.EXPLICIT_CONSENT,
                    note="Given in web chat",
                )
        turn.say(_("Thank you. We have noted it on your record."))
        return True
    if lowered in _NO or u.intent == "no":
        turn.say(_("That is fine. We have not noted anything."))
        return True
    return False


def _ask_again(conversation: Conversation, turn: Turn) -> None:
    """After an interruption, ask again what the assistant was asking."""
    mode = conversation.state.get("mode")
    if mode in ("form", "change"):
        service = service_get(conversation.state["form"]["service"])
        if service is not None:
            _ask_current(conversation, service, turn)
    elif mode == "confirm":
        service = service_get(conversation.state["form"]["service"])
        if service is not None:
            _ask_confirm(conversation, service, turn)


# --------------------------------------------------------------------------- service forms


def _start_form(conversation: Conversation, service: Service, turn: Turn) -> None:
    session = form_session_start(service=service, channel=Channel.CHAT)
    conversation.state["mode"] = "form"
    conversation.state["form"] = {
        "service": service.slug,
        "token": str(session.token),
        "answers": {},
        "postcodes": {},
        "step": "",
        "choices": [],
        "place": {},
    }
    turn.say(
        _("I can help you with “%(service)s”. I will ask you a few questions.")
        % {"service": service.local_name},
        links=[
            {
                "url": reverse("portal:start", args=[service.slug]),
                "text": _("Or use the online form"),
            }
        ],
    )
    _advance(conversation, service, turn)


def _cancel_form(conversation: Conversation, *, keep_answers: bool = False) -> None:
    """Stop the request in progress; its answers are kept for an agent after a handover."""
    if not keep_answers and conversation.state.get("mode") in ("form", "change", "confirm"):
        conversation.state.pop("form", None)


def _advance(conversation: Conversation, service: Service, turn: Turn) -> None:
    """Ask the next unanswered question, send the resident to an exit, or confirm."""
    form = conversation.state["form"]
    _path, step = journey(service.form, form["answers"])
    if isinstance(step, Exit):
        _exit(conversation, service, step, turn)
        return
    if step == CHECK_ANSWERS:
        conversation.state["mode"] = "confirm"
        _ask_confirm(conversation, service, turn)
        return
    form["question"] = step
    form["step"] = ""
    conversation.state["mode"] = "form"
    _ask_current(conversation, service, turn)


def _exit(conversation: Conversation, service: Service, step: Exit, turn: Turn) -> None:
    form = conversation.state.pop("form")
    conversation.state["mode"] = ""
    form_session_finish(token=form["token"], outcome=FormSession.Outcome.NOT_ELIGIBLE)
    body = " ".join(p.strip() for p in step.body.split("\n\n") if p.strip())
    turn.say(f"{step.title}. {body}".strip(), choices=[_("Talk to a person")])


def _question(service: Service, form: dict) -> Question:
    return service.form.by_id[form["question"]]


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))


def _ask_current(conversation: Conversation, service: Service, turn: Turn) -> None:
    form = conversation.state["form"]
    question = _question(service, form)
    parts = [question.label]
    links: list[dict] = []
    if question.hint:
        parts.append(question.hint)
    choices: list[str] = []
    if question.type in ("address", "location"):
        postcode = form["postcodes"].get(question.id)
        if not postcode:
            form["step"] = "postcode"
            parts.append(_("First, what is the postcode? For example, E8 1DY."))
        else:
            _offer_places(form, question, postcode)
            form["step"] = "pick"
            parts.append(
                _("Type the number of the place from this list:")
                + "\n"
                + _numbered([label for _value, label in form["choices"]])
            )
    elif question.type == "selection":
        form["step"] = "answer"
        labels = [option.label for option in question.options]
        form["choices"] = [[option.value, option.label] for option in question.options]
        parts.append(
            (
                _("Type the numbers of all that apply, separated by commas:")
                if question.multiple
                else _("Type the number or the words of your answer:")
            )
            + "\n"
            + _numbered(labels)
        )
        choices = labels if not question.multiple else []
    elif question.type == "file":
        form["step"] = "answer"
        parts.append(
            _("Attach the file on the chat page, then send.")
            if question.required
            else _("This question is optional: attach a file on the chat page, or type “skip”.")
        )
        links = [{"url": reverse("assistant:chat"), "text": _("Attach a file on the chat page")}]
    else:
        form["step"] = "answer"
        if question.type == "date":
            parts.append(_("Type the date, for example 5/11/2026, today or yesterday."))
    if not question.required and question.type != "file":
        parts.append(_("This question is optional: type “skip” to leave it out."))
    if not question.required:
        choices = [*choices, _("Skip")]
    turn.say("\n".join(parts), choices=choices, links=links)


def _offer_places(form: dict, question: Question, postcode: str) -> None:
    choices = []
    if question.type == "location":
        choices += [
            [f"usrn:{street.usrn}", _("Somewhere on %(street)s") % {"street": street.name}]
            for street in streets_at_postcode(postcode)
        ]
    choices += [
        [f"uprn:{prop.uprn}", prop.single_line] for prop in properties_at_postcode(postcode)
    ]
    form["choices"] = choices


def _pick(form: dict, text: str) -> str | None:
    """The value of the choice a resident typed: its number or its words."""
    typed = text.strip().rstrip(".").casefold()
    if typed.isdigit() and 1 <= int(typed) <= len(form["choices"]):
        return form["choices"][int(typed) - 1][0]
    for value, label in form["choices"]:
        if typed in (label.casefold(), str(value).casefold()):
            return value
    return None


def _date_from_text(text: str, u) -> Any:
    typed = text.strip().casefold()
    today = timezone.localdate()
    if typed in ("today", _("today").casefold()):
        return today.isoformat()
    if typed in ("yesterday", _("yesterday").casefold()):
        return (today - dt.timedelta(days=1)).isoformat()
    found = re.fullmatch(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2,4})", typed)
    if found:
        day, month, year = found.groups()
        return {"day": day, "month": month, "year": year}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", typed):
        return typed
    if u is not None and u.entities.dates:
        return u.entities.dates[0].isoformat()
    return {"day": "", "month": "", "year": typed} if typed else ""


def _form_turn(conversation: Conversation, text: str, u, turn: Turn, *, upload=None) -> None:
    form = conversation.state["form"]
    service = service_get(form["service"])
    if service is None or form.get("question") not in service.form.by_id:
        conversation.state.pop("form", None)
        conversation.state["mode"] = ""
        turn.say(_("Sorry, that form is no longer available. What else can I help you with?"))
        return
    if conversation.state["mode"] == "change":
        _change_turn(conversation, service, text, turn)
        return
    question = _question(service, form)
    typed = text.strip()
    try:
        if form["step"] == "postcode":
            postcode = u.entities.postcodes[0] if u and u.entities.postcodes else typed
            error, normalised = postcode_check(postcode)
            if error:
                raise AnswerError(error)
            form["postcodes"][question.id] = normalised
            _ask_current(conversation, service, turn)
            return
        if form["step"] == "pick":
            if typed.casefold() in ("change postcode", _("change postcode").casefold()):
                form["postcodes"].pop(question.id, None)
                _ask_current(conversation, service, turn)
                return
            value = _pick(form, typed)
            if value is None:
                raise AnswerError(
                    _("Type the number of a place from the list, or “change postcode”")
                )
            kind, _sep, ident = value.partition(":")
            if question.type == "address":
                raw: Any = ident
            else:
                form["place"] = {
                    "uprn": ident if kind == "uprn" else "",
                    "usrn": ident if kind == "usrn" else "",
                }
                form["step"] = "description"
                turn.say(
                    _("Describe exactly where the problem is, for example “outside number 12”.")
                    + (
                        ""
                        if kind == "usrn"
                        else " " + _("Or type “skip” if the address is enough.")
                    )
                )
                return
        elif form["step"] == "description":
            description = "" if typed.casefold() in _SKIP else typed
            raw = {**form["place"], "description": description}
        elif question.type == "selection":
            if typed.casefold() in _SKIP:
                raw = [] if question.multiple else ""
            elif question.multiple:
                picked = [
                    _pick(form, part) for part in re.split(r"[,;]| and ", typed) if part.strip()
                ]
                if not picked or None in picked:
                    raise AnswerError(_("Select one of the options shown"))
                raw = picked
            else:
                raw = _pick(form, typed)
                if raw is None:
                    raise AnswerError(_("Select one of the options shown"))
        elif question.type == "file":
            if upload is not None:
                raw = store_upload(question, upload)
            elif typed.casefold() in _SKIP:
                raw = None
            else:
                raise AnswerError(question.required_error)
        elif question.type == "date":
            raw = "" if typed.casefold() in _SKIP else _date_from_text(typed, u)
        else:
            raw = "" if typed.casefold() in _SKIP else typed
        value = clean_answer(question, raw, places=Gazetteer())
    except AnswerError as error:
        turn.say(str(error))
        _failed(conversation, turn)
        return
    conversation.state["failures"] = 0
    form["answers"][question.id] = value
    form["place"] = {}
    _advance(conversation, service, turn)


def _ask_confirm(conversation: Conversation, service: Service, turn: Turn) -> None:
    form = conversation.state["form"]
    path, _step = journey(service.form, form["answers"])
    places = Gazetteer()
    lines = [
        f"{q.label}: {display_answer(q, form['answers'].get(q.id), places=places)}" for q in path
    ]
    turn.say(
        _("Please check your answers:")
        + "\n"
        + "\n".join(lines)
        + "\n"
        + _("Shall I send the request? Answer yes to send it, or no to change an answer."),
        choices=[_("Yes"), _("No")],
    )


def _confirm_turn(conversation: Conversation, lowered: str, u, turn: Turn) -> None:
    form = conversation.state["form"]
    service = service_get(form["service"])
    if lowered in _YES or (u.intent == "yes" and lowered not in _NO):
        _send(conversation, service, turn)
        return
    if lowered in _NO or u.intent == "no":
        path, _step = journey(service.form, form["answers"])
        form["choices"] = [[q.id, q.label] for q in path]
        conversation.state["mode"] = "change"
        turn.say(
            _("Which answer would you like to change? Type its number:")
            + "\n"
            + _numbered([q.label for q in path])
        )
        return
    if u.intent == "human":
        _hand_over(conversation, turn, reason="asked")
        return
    turn.say(
        _("Answer yes to send the request, or no to change an answer."), choices=[_("Yes"), _("No")]
    )


def _change_turn(conversation: Conversation, service: Service, text: str, turn: Turn) -> None:
    form = conversation.state["form"]
    question_id = _pick(form, text)
    if question_id is None or question_id not in service.form.by_id:
        turn.say(_("Type the number of the answer you want to change."))
        return
    form["answers"].pop(question_id, None)
    form["postcodes"].pop(question_id, None)
    form["question"] = question_id
    conversation.state["mode"] = "form"
    _ask_current(conversation, service, turn)


def _send(conversation: Conversation, service: Service, turn: Turn) -> None:
    form = conversation.state["form"]
    try:
        case = case_create(
            service=service,
            answers=form["answers"],
            channel=Channel.CHAT,
            resident=conversation.resident,
            actor=ResidentActor(resident=conversation.resident),
            idempotency_key=f"chat:{form['token']}",
            form_session_token=form["token"],
            contact_reason=service.name,
        )
    except CaseInvalid as invalid:
        first = next(iter(invalid.errors))
        form["answers"].pop(first, None)
        turn.say(invalid.errors[first])
        _advance(conversation, service, turn)
        return
    conversation.state.pop("form")
    conversation.state["mode"] = ""
    conversation.state.setdefault("own_cases", []).append(case.reference)
    turn.cases.append(case)
    turn.say(
        _("Your request has been sent. Your reference is %(reference)s.")
        % {"reference": case.reference}
        + " "
        + " ".join(service.paragraphs("what_happens_next")),
        links=[{"url": _follow_url(conversation, case), "text": _("Follow your request")}],
    )


def _follow_url(conversation: Conversation, case) -> str:
    if case.resident_id and conversation.user_id and case.resident.user_id == conversation.user_id:
        return reverse("portal:my_request", args=[case.reference])
    return reverse("portal:track", args=[case.reference, case_tracking_token(case)])


# ------------------------------------------------------------------------------- status


def _reference_in(text: str) -> str | None:
    """A word of the message that is a case reference as Borough writes them."""
    for word in re.findall(r"\b[A-Za-z0-9]{4}[\s-]?[A-Za-z0-9]{4}\b", text):
        reference = normalise_reference(word)
        if reference is not None and any(ch.isdigit() for ch in reference):
            return reference
    return None


def _status_turn(conversation: Conversation, text: str, u, turn: Turn) -> None:
    """A request's progress, only for its owner: made in this chat, the signed-in resident's
    own, or opened with the tracking link. Anything else gets the same reply, whether or not
    the reference exists, so a reference reveals nothing."""
    conversation.state["mode"] = ""
    link = _TRACK_LINK.search(text)
    token = ""
    if link:
        reference, token = link.group(1), link.group(2)
    elif u is not None and u.entities.references:
        reference = u.entities.references[0]
    else:
        reference = _reference_in(text) or text.strip()
    case = case_by_reference(reference)
    allowed = case is not None and (
        case.reference in conversation.state.get("own_cases", [])
        or (
            conversation.user_id is not None
            and case.resident_id is not None
            and case.resident.user_id == conversation.user_id
        )
        or (token and tracking_token_valid(case.reference, token))
    )
    if not allowed:
        turn.say(
            _(
                "I cannot show you a request with that reference. If it is yours, sign in and "
                "ask again, or paste the tracking link from your confirmation email. Check the "
                "reference looks like ABCD-EFGH."
            )
        )
        _failed(conversation, turn)
        return
    conversation.state["failures"] = 0
    flow = case.service.flow
    text = _("Request %(reference)s (%(service)s): %(status)s.") % {
        "reference": case.reference,
        "service": case.service.name,
        "status": flow.public_label(case.state) if case.state else case.get_status_display(),
    }
    if case.is_open and case.due_date:
        text += " " + _("We aim to deal with it by %(date)s.") % {
            "date": date_format(case.due_date, "j F Y")
        }
    turn.say(text, links=[{"url": _follow_url(conversation, case), "text": _("See the request")}])


# ------------------------------------------------------------------------------- bin days


def _bin_postcode_turn(conversation: Conversation, text: str, u, turn: Turn) -> None:
    postcode = u.entities.postcodes[0] if u is not None and u.entities.postcodes else text
    error, normalised = postcode_check(normalise_postcode(postcode) or postcode)
    if error:
        conversation.state["mode"] = "bin_postcode"
        turn.say(error)
        _failed(conversation, turn)
        return
    properties = properties_at_postcode(normalised)
    conversation.state["mode"] = "bin_address"
    conversation.state["bin_choices"] = [prop.uprn for prop in properties]
    turn.say(
        _("Which address? Type its number:")
        + "\n"
        + _numbered([prop.single_line for prop in properties])
    )


def _bin_address_turn(conversation: Conversation, text: str, turn: Turn) -> None:
    choices = conversation.state.get("bin_choices", [])
    typed = text.strip().rstrip(".")
    if not typed.isdigit() or not 1 <= int(typed) <= len(choices):
        turn.say(_("Type the number of your address from the list."))
        _failed(conversation, turn)
        return
    conversation.state["mode"] = ""
    conversation.state["failures"] = 0
    from borough.places.selectors import property_get

    prop = property_get(choices[int(typed) - 1])
    today = timezone.localdate()
    upcoming = collections_between(
        schedules_for(prop), today, today + dt.timedelta(days=BIN_DAYS_SHOWN)
    )
    link = {"url": reverse("portal:bin_days_at", args=[prop.uprn]), "text": _("Your bin days")}
    if not upcoming:
        turn.say(
            _("We have no collections on record for %(address)s.") % {"address": prop.single_line},
            links=[link],
        )
        return
    days: dict[dt.date, list[str]] = {}
    for collection in upcoming:
        days.setdefault(collection.day, []).append(str(collection.label))
    lines = [f"{date_format(day, 'l j F')}: {', '.join(labels)}" for day, labels in days.items()]
    turn.say(
        _("Your next collections at %(address)s:") % {"address": prop.single_line}
        + "\n"
        + "\n".join(lines),
        links=[link],
    )
