"""The dialogue's memory between messages, typed: what the assistant is waiting for, the request
being made, the turns it could not help with, consent asked.

Kept as JSON on ``Conversation.state`` with a ``version`` key. Rows written before the key
existed have the same layout and load as version 1; a field they lack takes its default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from borough.catalogue.journey import FormJourney
from borough.catalogue.models import Service

from .models import Conversation

STATE_VERSION = 1


class Mode(StrEnum):
    """What the assistant is waiting for."""

    ANYTHING = ""
    FORM = "form"  # the answer to a question of the request being made
    CONFIRM = "confirm"  # yes to send the request, no to change an answer
    CHANGE = "change"  # the number of the answer to change
    STATUS = "status"  # a request's reference or tracking link
    BIN_POSTCODE = "bin_postcode"  # a postcode, for bin days
    BIN_ADDRESS = "bin_address"  # the number of an address at that postcode


FORM_MODES = (Mode.FORM, Mode.CHANGE, Mode.CONFIRM)


class Step(StrEnum):
    """Where the assistant is in asking one question of a form."""

    NOT_ASKED = ""
    POSTCODE = "postcode"  # an address or location question: the postcode first
    PICK = "pick"  # then the number of a place at that postcode
    DESCRIPTION = "description"  # a location: where exactly, in words
    ANSWER = "answer"  # any other question: the answer itself


@dataclass
class FormInProgress:
    """The request a resident is making in the chat: the service, its form session's token,
    the answers and postcodes so far (as ``catalogue.journey`` keeps them), the question asked
    and its step, the choices offered (value, label) and the place picked for a location."""

    service: str
    token: str
    answers: dict[str, Any] = field(default_factory=dict)
    postcodes: dict[str, str] = field(default_factory=dict)
    question: str = ""
    step: Step = Step.NOT_ASKED
    choices: list[tuple[str, str]] = field(default_factory=list)
    place: dict[str, str] = field(default_factory=dict)
    # The resident's words that started the request, and the questions already answered from
    # them or tried (``flows.prefill``): each is tried once, so a changed answer stays changed.
    said: str = ""
    tried: list[str] = field(default_factory=list)

    def journey(self, service: Service) -> FormJourney:
        """The form journey over these answers: recording on it changes them."""
        return FormJourney(service.form, self.answers, self.postcodes)

    @classmethod
    def from_json(cls, data: dict) -> FormInProgress:
        return cls(
            service=data["service"],
            token=data["token"],
            answers=dict(data.get("answers") or {}),
            postcodes=dict(data.get("postcodes") or {}),
            question=data.get("question") or "",
            step=Step(data.get("step") or ""),
            choices=[(value, label) for value, label in data.get("choices") or []],
            place=dict(data.get("place") or {}),
            said=data.get("said") or "",
            tried=list(data.get("tried") or []),
        )

    def to_json(self) -> dict:
        return {
            "service": self.service,
            "token": self.token,
            "answers": self.answers,
            "postcodes": self.postcodes,
            "question": self.question,
            "step": self.step.value,
            "choices": [[value, label] for value, label in self.choices],
            "place": self.place,
            "said": self.said,
            "tried": self.tried,
        }


@dataclass
class DialogueState:
    """Everything the dialogue remembers about a conversation."""

    mode: Mode = Mode.ANYTHING
    form: FormInProgress | None = None
    # Turns in a row the assistant could not help with (at two, a person is offered).
    failures: int = 0
    # The FCA drivers a resident was asked to let us record, awaiting yes or no.
    consent: list[str] = field(default_factory=list)
    consent_asked: list[str] = field(default_factory=list)
    # References of the requests made in this chat (their status may be told here).
    own_cases: list[str] = field(default_factory=list)
    # The UPRNs offered, in order, when asking which address for bin days.
    bin_choices: list[int] = field(default_factory=list)
    interpreter_offered: bool = False
    machine_labelled: bool = False  # told that replies are machine-translated (dialogue)
    support_acknowledged: bool = False

    @classmethod
    def from_json(cls, data: dict | None) -> DialogueState:
        """The state stored on a conversation (any version up to this one; none is version 1)."""
        data = data or {}
        form = data.get("form")
        return cls(
            mode=Mode(data.get("mode") or ""),
            form=FormInProgress.from_json(form) if form else None,
            failures=int(data.get("failures") or 0),
            consent=list(data.get("consent") or []),
            consent_asked=list(data.get("consent_asked") or []),
            own_cases=list(data.get("own_cases") or []),
            bin_choices=list(data.get("bin_choices") or []),
            interpreter_offered=bool(data.get("interpreter_offered")),
            machine_labelled=bool(data.get("machine_labelled")),
            support_acknowledged=bool(data.get("support_acknowledged")),
        )

    def to_json(self) -> dict:
        return {
            "version": STATE_VERSION,
            "mode": self.mode.value,
            "form": self.form.to_json() if self.form else None,
            "failures": self.failures,
            "consent": self.consent,
            "consent_asked": self.consent_asked,
            "own_cases": self.own_cases,
            "bin_choices": self.bin_choices,
            "interpreter_offered": self.interpreter_offered,
            "machine_labelled": self.machine_labelled,
            "support_acknowledged": self.support_acknowledged,
        }

    @classmethod
    def of(cls, conversation: Conversation) -> DialogueState:
        """The state of a ``Conversation``, typed."""
        return cls.from_json(conversation.state)

    def save_to(self, conversation: Conversation) -> None:
        """Put this state on the conversation (the caller saves the conversation)."""
        conversation.state = self.to_json()

    def finish_form(self, reference: str = "") -> None:
        """The request in progress is over (sent, ended at an exit or stopped): forget it and
        wait for anything; a request sent is remembered as this chat's own."""
        self.form = None
        self.mode = Mode.ANYTHING
        if reference:
            self.own_cases.append(reference)
