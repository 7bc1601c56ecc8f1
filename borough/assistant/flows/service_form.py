"""A service request made in chat: the service's own questions from its catalogue form
definition, walked by ``catalogue.journey`` exactly as the portal walks them.

This module only says how a question is asked in a chat message and how a typed reply becomes
a raw answer: postcode then a numbered list of places, options by number or words, dates in
words, files attached on the chat page. The answers are read back, and "yes" sends them through
``cases.services.case_create`` on the chat channel (the same answers the portal stores).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.assistant.selectors import contact_without_case
from borough.assistant.state import FORM_MODES, DialogueState, FormInProgress, Mode, Step
from borough.assistant.turns import NO_WORDS, SKIP_WORDS, YES_WORDS, Exchange, numbered
from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid
from borough.cases.selectors import case_contact_email
from borough.cases.tracking import case_follow_path
from borough.catalogue.answers import AnswerError, Exit
from borough.catalogue.definitions import CHECK_ANSWERS, Question
from borough.catalogue.fees import FeeRefused
from borough.catalogue.inputs import store_upload
from borough.catalogue.journey import FormJourney, place_chosen, property_choices, street_choices
from borough.catalogue.models import Service
from borough.catalogue.selectors import service_get, services_online
from borough.contacts.models import FormSession
from borough.contacts.services import form_session_finish, form_session_start
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.people.services import resident_for_account
from borough.places.selectors import example_postcode, properties_at_postcode

from .handover import failed, hand_over
from .payment_handoff import offer_payment
from .prefill import prefill


def service_named(text: str) -> Service | None:
    """A service whose name the resident typed (or chose from the suggestions) exactly."""
    wanted = text.strip().casefold().rstrip(".")
    for service in services_online():
        if wanted in (service.name.casefold(), service.local_name.casefold(), service.slug):
            return service
    return None


def start_form(x: Exchange, service: Service) -> None:
    # The conversation's channel: web chat, or automated voice for a phone call (issue 21).
    session = form_session_start(service=service, channel=x.conversation.channel or Channel.CHAT)
    x.state.mode = Mode.FORM
    # The resident's own words (not the service's name typed or chosen) may answer questions.
    said = x.text if x.u.intent == f"service:{service.slug}" and not service_named(x.text) else ""
    x.state.form = FormInProgress(service=service.slug, token=str(session.token), said=said)
    x.say(
        _("I can help you with “%(service)s”. I will ask you a few questions.")
        % {"service": service.local_name},
        links=[
            {
                "url": reverse("portal:start", args=[service.slug]),
                "text": _("Or use the online form"),
            }
        ],
    )
    advance(x, service)


def cancel_form(state: DialogueState) -> None:
    """The resident stopped: the request in progress is forgotten."""
    if state.mode in FORM_MODES:
        state.form = None


def asking_for_file(state: DialogueState) -> bool:
    """Is the assistant waiting for a file (so the chat page offers to attach one)?"""
    form = state.form
    if state.mode != Mode.FORM or form is None or not form.question:
        return False
    service = service_get(form.service)
    question = service.form.by_id.get(form.question) if service else None
    return question is not None and question.type == "file"


def _form(x: Exchange) -> FormInProgress:
    form = x.state.form
    assert form is not None, "a form flow without a form in progress"
    return form


def advance(x: Exchange, service: Service) -> None:
    """Ask the next unanswered question, send the resident to an exit, or confirm."""
    form = _form(x)
    step = _prefilled_step(x, service)
    if isinstance(step, Exit):
        _exit(x, step)
        return
    if step == CHECK_ANSWERS:
        x.state.mode = Mode.CONFIRM
        ask_confirm(x, service)
        return
    form.question = step
    form.step = Step.NOT_ASKED
    x.state.mode = Mode.FORM
    ask_current(x, service)


def _prefilled_step(x: Exchange, service: Service) -> str | Exit:
    """The form's next step, after the questions the resident's first words answer (each
    tried once) are filled; says what was noted from them."""
    form = _form(x)
    journey = form.journey(service)
    noted = []
    step = journey.step
    while form.said and isinstance(step, str) and step in service.form.by_id:
        if step in form.tried:
            break
        form.tried.append(step)
        question = service.form.by_id[step]
        described = any(
            service.form.by_id[q].type == "text" for q in form.tried[:-1] if q in form.answers
        )
        shown = prefill(
            journey, question, form.said, described=described, service_name=service.name
        )
        if not shown:
            break
        noted.append(f"{question.label} {shown}")
        step = journey.step
    if noted:
        x.say(
            _("From what you told me, I have noted:")
            + "\n"
            + "\n".join(noted)
            + "\n"
            + _("You can change this before the request is sent.")
        )
    return step


def _exit(x: Exchange, step: Exit) -> None:
    token = _form(x).token
    x.state.finish_form()
    form_session_finish(token=token, outcome=FormSession.Outcome.NOT_ELIGIBLE)
    body = " ".join(p.strip() for p in step.paragraphs)
    x.say(f"{step.title}. {body}".strip(), choices=[_("Talk to a person")])


def ask_again(x: Exchange) -> None:
    """After an interruption, ask again what the assistant was asking about the request."""
    form = x.state.form
    service = service_get(form.service) if form and x.state.mode in FORM_MODES else None
    if service is None:
        return
    if x.state.mode == Mode.CONFIRM:
        ask_confirm(x, service)
    else:
        ask_current(x, service)


def ask_current(x: Exchange, service: Service) -> None:
    """Ask the question the form is at, as a chat message, and say what is waited for."""
    form = _form(x)
    question = service.form.by_id[form.question]
    parts = [question.label]
    links: list[dict] = []
    if question.hint:
        parts.append(question.hint)
    choices: list[str] = []
    if question.type in ("address", "location"):
        postcode = form.postcodes.get(question.id)
        if not postcode:
            form.step = Step.POSTCODE
            parts.append(
                _("First, what is the postcode? For example, %(postcode)s.")
                % {"postcode": example_postcode()}
            )
        else:
            form.choices = [
                *(street_choices(postcode) if question.type == "location" else []),
                *property_choices(properties_at_postcode(postcode)),
            ]
            form.step = Step.PICK
            parts.append(
                _("Type the number of the place from this list:")
                + "\n"
                + numbered([label for _value, label in form.choices])
            )
    elif question.type == "selection":
        form.step = Step.ANSWER
        labels = [option.label for option in question.options]
        form.choices = [(option.value, option.label) for option in question.options]
        parts.append(
            (
                _("Type the numbers of all that apply, separated by commas:")
                if question.multiple
                else _("Type the number or the words of your answer:")
            )
            + "\n"
            + numbered(labels)
        )
        choices = labels if not question.multiple else []
    elif question.type == "file":
        form.step = Step.ANSWER
        parts.append(
            _("Attach the file on the chat page, then send.")
            if question.required
            else _("This question is optional: attach a file on the chat page, or type “skip”.")
        )
        links = [{"url": reverse("assistant:chat"), "text": _("Attach a file on the chat page")}]
    else:
        form.step = Step.ANSWER
        if question.type == "date":
            parts.append(_("Type the date, for example 5/11/2026, today or yesterday."))
    if not question.required and question.type != "file":
        parts.append(_("This question is optional: type “skip” to leave it out."))
    if not question.required:
        choices = [*choices, _("Skip")]
    x.say("\n".join(parts), choices=choices, links=links)


def _pick(form: FormInProgress, text: str) -> str | None:
    """The value of the choice a resident typed: its number or its words."""
    typed = text.strip().rstrip(".").casefold()
    if typed.isdigit() and 1 <= int(typed) <= len(form.choices):
        return form.choices[int(typed) - 1][0]
    for value, label in form.choices:
        if typed in (label.casefold(), str(value).casefold()):
            return value
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.casefold())


def _pick_place(form: FormInProgress, text: str) -> str | None:
    """The place whose listed address holds every word the resident typed ("flat 4 hampton
    mansions", "the old forge"), when exactly one does; numbers must match whole ("4" is not
    "14")."""
    typed = [word for word in _words(text) if word not in ("the", "at", "no", "number")]
    if not typed:
        return None
    found = [value for value, label in form.choices if all(word in _words(label) for word in typed)]
    return found[0] if len(found) == 1 else None


def picks_place(form: FormInProgress, text: str) -> bool:
    """Does ``text`` choose one of the places listed (by number or address)?"""
    return (_pick(form, text) or _pick_place(form, text)) is not None


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


def form_turn(x: Exchange) -> None:
    """The resident's reply while a question (or which answer to change) is asked."""
    form = _form(x)
    service = service_get(form.service)
    if service is None or form.question not in service.form.by_id:
        x.state.finish_form()
        x.say(_("Sorry, that form is no longer available. What else can I help you with?"))
        return
    if x.state.mode == Mode.CHANGE:
        _change_turn(x, service)
        return
    journey = form.journey(service)
    question = service.form.by_id[form.question]
    try:
        raw = _raw_answer(x, service, journey, question)
        if raw is _ASKED:
            return
        journey.record(question, raw)
    except AnswerError as error:
        x.say(str(error))
        failed(x)
        return
    x.state.failures = 0
    form.place = {}
    advance(x, service)


# The reply was a step of the question (a postcode, a place to describe): asked again already.
_ASKED = object()


def _raw_answer(x: Exchange, service: Service, journey: FormJourney, question: Question):
    """The raw answer the resident's reply gives to ``question``, or ``_ASKED`` when the reply
    was a step towards it and the next step has been asked. Raises ``AnswerError``."""
    form = _form(x)
    typed, u = x.text.strip(), x.u
    skipped = typed.casefold() in SKIP_WORDS
    if form.step == Step.POSTCODE:
        error = journey.record_postcode(
            question, u.entities.postcodes[0] if u.entities.postcodes else typed
        )
        if error:
            raise AnswerError(error)
        ask_current(x, service)
        return _ASKED
    if form.step == Step.PICK:
        if typed.casefold() in ("change postcode", _("change postcode").casefold()):
            journey.forget_postcode(question.id)
            ask_current(x, service)
            return _ASKED
        value = _pick(form, typed) or _pick_place(form, typed)
        if value is None:
            raise AnswerError(_("Type the number of a place from the list, or “change postcode”"))
        place = place_chosen(value)
        if question.type == "address":
            return place["uprn"]
        form.place = place
        form.step = Step.DESCRIPTION
        x.say(
            _("Describe exactly where the problem is, for example “outside number 12”.")
            + ("" if place["usrn"] else " " + _("Or type “skip” if the address is enough."))
        )
        return _ASKED
    if form.step == Step.DESCRIPTION:
        return {**form.place, "description": "" if skipped else typed}
    if question.type == "selection":
        return _selection(form, question, typed, skipped)
    if question.type == "file":
        if x.upload is not None:
            return store_upload(
                question, x.upload, actor=ResidentActor(resident=x.conversation.resident)
            )
        if skipped:
            return None
        raise AnswerError(question.required_error)
    if question.type == "date":
        return "" if skipped else _date_from_text(typed, u)
    return "" if skipped else typed


def _selection(form: FormInProgress, question: Question, typed: str, skipped: bool):
    if skipped:
        return [] if question.multiple else ""
    if question.multiple:
        picked = [_pick(form, part) for part in re.split(r"[,;]| and ", typed) if part.strip()]
        if not picked or None in picked:
            raise AnswerError(_("Select one of the options shown"))
        return picked
    value = _pick(form, typed)
    if value is None:
        raise AnswerError(_("Select one of the options shown"))
    return value


def ask_confirm(x: Exchange, service: Service) -> None:
    rows = _form(x).journey(service).rows()
    lines = [f"{row.question.label}: {row.value}" for row in rows]
    x.say(
        _("Please check your answers:")
        + "\n"
        + "\n".join(lines)
        + "\n"
        + _("Shall I send the request? Answer yes to send it, or no to change an answer."),
        choices=[_("Yes"), _("No")],
    )


def confirm_turn(x: Exchange) -> None:
    """The resident's reply to "shall I send the request?"."""
    form = _form(x)
    service = service_get(form.service)
    assert service is not None  # the form in progress is of a service that exists
    lowered, u = x.lowered, x.u
    if lowered in YES_WORDS or (u.intent == "yes" and lowered not in NO_WORDS):
        _send(x, service)
        return
    if lowered in NO_WORDS or u.intent == "no":
        path = form.journey(service).path
        form.choices = [(q.id, q.label) for q in path]
        x.state.mode = Mode.CHANGE
        x.say(
            _("Which answer would you like to change? Type its number:")
            + "\n"
            + numbered([q.label for q in path])
        )
        return
    if u.intent == "human":
        hand_over(x, reason="asked")
        return
    x.say(
        _("Answer yes to send the request, or no to change an answer."),
        choices=[_("Yes"), _("No")],
    )


def _change_turn(x: Exchange, service: Service) -> None:
    form = _form(x)
    question_id = _pick(form, x.text)
    if question_id is None or question_id not in service.form.by_id:
        x.say(_("Type the number of the answer you want to change."))
        return
    form.journey(service).forget(question_id)
    form.question = question_id
    x.state.mode = Mode.FORM
    ask_current(x, service)


def _send(x: Exchange, service: Service) -> None:
    form = _form(x)
    conversation = x.conversation
    if conversation.resident is None and conversation.user_id is not None:
        # A new account signed in: the request is theirs, so it starts their record.
        user = conversation.user
        if user is not None and not user.is_council_staff:
            conversation.resident = resident_for_account(user=user, actor=ResidentActor(user=user))
    try:
        amount = service.fee_for(form.answers)
    except FeeRefused:
        x.say(_("We cannot work out what this costs from your answers. Check your answers."))
        return
    if amount:  # paid: made only once paid, on the portal (issue 20)
        offer_payment(x, service, amount)
        return
    try:
        case = case_create(
            service=service,
            answers=form.answers,
            channel=conversation.channel or Channel.CHAT,
            resident=conversation.resident,
            actor=ResidentActor(resident=conversation.resident),
            idempotency_key=f"chat:{form.token}",
            form_session_token=form.token,
            contact_reason=service.name,
            contact=contact_without_case(conversation),
        )
    except CaseInvalid as invalid:
        first = next(iter(invalid.errors))
        form.answers.pop(first, None)
        x.say(invalid.errors[first])
        advance(x, service)
        return
    x.state.finish_form(case.reference)
    x.turn.cases.append(case)
    x.say(
        _("Your request has been sent. Your reference is %(reference)s.")
        % {"reference": case.reference}
        + " "
        + " ".join(service.paragraphs("what_happens_next"))
        + " "
        + (
            _("We are emailing you the reference.")
            if case_contact_email(case)
            else _(
                "We will not email you about it, because we do not have your email address: "
                "keep your reference and follow your request with the link."
            )
        ),
        links=[
            {
                "url": case_follow_path(case, user_id=conversation.user_id),
                "text": _("Follow your request"),
            }
        ],
    )
