"""The one form journey: a resident's way through a service's form, on every channel.

The portal's question pages, the hub's assisted-digital form and the assistant's chat all walk
a service's form definition with ``FormJourney``: which question comes next and which came
before, recording an answer (checked by ``answers.clean_answer``, routes followed) or the
postcode of an address question, changing an answer, the answers to check before sending, and
exit pages. A channel keeps only how it stores the answers so far (the resident's session, the
agent's session, the conversation) and how it shows a question (a web page, a chat message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from borough.core.postcodes import normalise_postcode
from borough.places.selectors import (
    Gazetteer,
    example_postcode,
    properties_at_postcode,
    streets_at_postcode,
)

from .answers import AnswerError, Exit, PlaceLookup, clean_answer, display_answer, journey
from .collection_days import collection_day_error
from .definitions import CHECK_ANSWERS, Question, ServiceForm


@dataclass(frozen=True)
class AnswerRow:
    """One answer as the resident reads it back (check answers, a request page, the hub)."""

    question: Question
    value: str


@dataclass
class FormJourney:
    """Where a resident is in one service's form, and the moves they can make.

    ``answers`` (cleaned answers by question id, as a case stores them) and ``postcodes`` (the
    postcode given for each address or location question) belong to the channel: the journey
    changes them in place, and the channel saves them the way it keeps them.
    """

    form: ServiceForm
    answers: dict[str, Any]
    postcodes: dict[str, str] = field(default_factory=dict)
    places: PlaceLookup = field(default_factory=Gazetteer)

    # ---------------------------------------------------------------- where the resident is

    @property
    def path(self) -> list[Question]:
        """The questions the answers so far pass through, up to the next one to answer."""
        return journey(self.form, self.answers)[0]

    @property
    def step(self) -> str | Exit:
        """What comes next: the first question not answered yet, an exit, or ``CHECK_ANSWERS``."""
        return journey(self.form, self.answers)[1]

    @property
    def ready(self) -> bool:
        """Is every question on the way answered, so the answers can be checked and sent?"""
        return self.step == CHECK_ANSWERS

    @property
    def resume_at(self) -> str:
        """Where to take a resident who comes back: the next step, or the question whose answer
        leads to an exit (so they can change it)."""
        step = self.step
        return step.question_id if isinstance(step, Exit) else step

    def question(self, question_id: str) -> Question | None:
        return self.form.by_id.get(question_id)

    def reaches(self, question_id: str) -> bool:
        """Is this question on the way with the answers given so far (not skipped to)?"""
        return question_id in self._ids()

    def number(self, question_id: str) -> int:
        """The question's place on the way (1 for the first)."""
        return self._ids().index(question_id) + 1

    def previous(self, question_id: str) -> str | None:
        """The question before this one on the way; None for the first."""
        ids = self._ids()
        if question_id in ids and ids.index(question_id) > 0:
            return ids[ids.index(question_id) - 1]
        return None

    @property
    def last_question(self) -> Question:
        """The last question on the way (where "back" goes from checking the answers)."""
        return self.path[-1]

    def exit_from(self, question_id: str) -> Exit | None:
        """The exit page the answer to this question leads to, if it does."""
        step = self.step
        return step if isinstance(step, Exit) and step.question_id == question_id else None

    def _ids(self) -> list[str]:
        return [question.id for question in self.path]

    # ------------------------------------------------------------------------- moving on

    def record(self, question: Question, raw: Any) -> Any:
        """Check a raw answer and keep it. Raises ``AnswerError`` with the message to show."""
        value = clean_answer(question, raw, places=self.places)
        not_collected = collection_day_error(question, self.answers, value)
        if not_collected:
            raise AnswerError(not_collected)
        self.answers[question.id] = value
        return value

    def record_postcode(self, question: Question, entered: str) -> str | None:
        """Keep the postcode of an address or location question; the error to show if it is
        not a postcode with addresses here."""
        error, normalised = postcode_check(entered)
        if error is None:
            assert normalised is not None  # postcode_check gives one when there is no error
            self.postcodes[question.id] = normalised
        return error

    def forget_postcode(self, question_id: str) -> None:
        self.postcodes.pop(question_id, None)

    def forget(self, question_id: str) -> None:
        """Forget an answer (and its postcode) so the question is asked again."""
        self.answers.pop(question_id, None)
        self.forget_postcode(question_id)

    # ---------------------------------------------------------------------- reading back

    def rows(self, *, hide_personal: bool = False) -> list[AnswerRow]:
        """The answers on the way, in order, as the resident reads them. ``hide_personal``
        leaves out answers that are personal data (a page anyone with the link may open)."""
        return [
            AnswerRow(
                question, display_answer(question, self.answers[question.id], places=self.places)
            )
            for question in self.path
            if question.id in self.answers and not (hide_personal and question.personal_data)
        ]


def postcode_check(entered: str) -> tuple[str | None, str | None]:
    """``(error, normalised postcode)``: an error unless it is a postcode with addresses here."""
    normalised = normalise_postcode(entered)
    if not entered.strip():
        return _("Enter a postcode"), None
    if normalised is None:
        example = example_postcode()
        return _("Enter a real postcode, like %(postcode)s") % {"postcode": example}, None
    if not properties_at_postcode(normalised):
        return (
            _(
                "We cannot find any addresses at %(postcode)s. Check the postcode is right "
                "and in this council's area"
            )
            % {"postcode": normalised},
            None,
        )
    return None, normalised


def street_choices(postcode: str) -> list[tuple[str, str]]:
    """The streets at a postcode as choices of a location question: ``("usrn:<usrn>", label)``."""
    return [
        (f"usrn:{street.usrn}", _("Somewhere on %(street)s") % {"street": street.name})
        for street in streets_at_postcode(postcode)
    ]


def property_choices(properties) -> list[tuple[str, str]]:
    """Properties as choices of a place: ``("uprn:<uprn>", the address on one line)``."""
    return [(f"uprn:{prop.uprn}", prop.single_line) for prop in properties]


def place_chosen(choice: str) -> dict[str, str]:
    """The place a choice names (``uprn:...`` or ``usrn:...``), as a location's raw answer."""
    kind, _sep, ident = choice.partition(":")
    return {"uprn": ident if kind == "uprn" else "", "usrn": ident if kind == "usrn" else ""}
