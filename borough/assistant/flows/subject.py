"""A change of subject while the assistant is asking something ("actually forget that, council
tax?"): the question asked is dropped (a request in progress is stopped) and the new subject
answered, instead of the resident being told again how to answer a question they left."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from borough.assistant.state import Mode, Step
from borough.assistant.turns import Exchange
from borough.catalogue.selectors import service_get

from .service_form import cancel_form, picks_place
from .status import names_a_request

# Words that leave what was being asked, whatever the mode.
_LEAVING = re.compile(
    r"\b(?:actually\s*,?\s*)?(?:forget\s+(?:about\s+)?(?:that|it|this)|never\s*mind|nevermind|"
    r"something\s+else|changed\s+my\s+mind|scrap\s+that|different\s+question|"
    # and in Polish, the other language the assistant speaks
    r"nie\s*ważne|zapomnij(?:\s+o\s+tym)?|coś\s+innego|zmieni(?:łem|łam)\s+zdanie|"
    r"inne\s+pytanie)\b[\s,.;:!-]*",
    re.IGNORECASE,
)
# A new intent this sure starts a new subject when the answer waited for is not free text.
NEW_SUBJECT_CONFIDENCE = 0.8
_NEW_SUBJECT_INTENTS = ("status", "bin_days")
# Question types whose answer is whatever the resident writes (a new intent may be the answer).
_FREE_TEXT_TYPES = {"text", "number", "phone", "email", "name"}


def _waits_for_free_text(x: Exchange) -> bool:
    form, state = x.state.form, x.state
    if state.mode != Mode.FORM or form is None:
        return False
    if form.step == Step.DESCRIPTION:
        return True
    service = service_get(form.service)
    question = service.form.by_id.get(form.question) if service else None
    return form.step == Step.ANSWER and question is not None and question.type in _FREE_TEXT_TYPES


def _names_an_option(x: Exchange) -> bool:
    """Whether the message picks an option of the choice question being asked (its words, its
    value or its number), as a suggested answer the resident clicked does: that is an answer,
    however much it sounds like another service ("A single item or bag")."""
    form = x.state.form
    if x.state.mode != Mode.FORM or form is None or form.step != Step.ANSWER:
        return False
    service = service_get(form.service)
    question = service.form.by_id.get(form.question) if service else None
    if question is None or not question.options:
        return False
    text = " ".join(x.text.lower().split()).strip(" .!")
    if re.fullmatch(r"\d+(?:\s*(?:,|and)\s*\d+)*", text):
        return True
    return any(
        text in {option.label.lower(), option.value.lower()} or option.label.lower() in text
        for option in question.options
    )


def new_subject(x: Exchange) -> str | None:
    """What is left of the message when it changes the subject while the assistant is asking
    something (maybe ""), or None when it answers what was asked."""
    if x.state.mode == Mode.ANYTHING:
        return None
    leaving = _LEAVING.search(x.text)
    if leaving:
        rest = x.text[: leaving.start()] + x.text[leaving.end() :]
        return re.sub(r"^(?:actually|ok|okay|no)\b", "", rest.strip(" ,.;:!-"), flags=re.I).strip(
            " ,.;:!-"
        )
    u, form = x.u, x.state.form
    if (
        _waits_for_free_text(x)
        or _names_an_option(x)
        or (form is not None and form.step == Step.PICK and picks_place(form, x.text))
        or (x.state.mode == Mode.STATUS and names_a_request(x))
    ):
        return None
    intent = u.intent or ""
    current = {
        Mode.STATUS: "status",
        Mode.BIN_POSTCODE: "bin_days",
        Mode.BIN_ADDRESS: "bin_days",
    }.get(x.state.mode, f"service:{form.service}" if form else "")
    # Telling us about themselves ("I use a wheelchair and live alone") is not a new subject,
    # however sure the classifier is of a service it sounds like.
    if (
        u.vulnerability.level == "none"
        and u.confidence >= NEW_SUBJECT_CONFIDENCE
        and intent != current
        and (intent.startswith(("service:", "faq:")) or intent in _NEW_SUBJECT_INTENTS)
    ):
        return x.text
    return None


def leave(x: Exchange) -> None:
    """Stop what was being asked (a request in progress is forgotten) and say so."""
    form = x.state.form
    service = service_get(form.service) if form is not None else None
    cancel_form(x.state)
    x.state.mode = Mode.ANYTHING
    x.state.failures = 0
    if service is not None and x.state.form is None:
        x.say(_("I have stopped your request “%(service)s”.") % {"service": service.local_name})
    else:
        x.say(_("I have stopped that."))
