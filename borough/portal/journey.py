"""A resident's progress through one service's form, kept in their session.

Only cleaned answers are kept (the same JSON a case stores), keyed by question id, together
with the form session token that makes the final submit idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from borough.catalogue.models import Service

SESSION_KEY = "borough_forms"
SUBMITTED_KEY = "borough_submitted"


@dataclass
class FormState:
    token: str
    answers: dict[str, Any]
    postcodes: dict[str, str]


class Journeys:
    """Read and write the form state of every service a resident has started."""

    def __init__(self, session):
        self.session = session

    def _all(self) -> dict:
        return self.session.get(SESSION_KEY, {})

    def get(self, service: Service) -> FormState | None:
        data = self._all().get(service.slug)
        if not data:
            return None
        return FormState(token=data["token"], answers=data["answers"], postcodes=data["postcodes"])

    def start(self, service: Service, token: str) -> FormState:
        state = FormState(token=token, answers={}, postcodes={})
        self.save(service, state)
        return state

    def save(self, service: Service, state: FormState) -> None:
        forms = self._all()
        forms[service.slug] = {
            "token": state.token,
            "answers": state.answers,
            "postcodes": state.postcodes,
        }
        self.session[SESSION_KEY] = forms

    def finish(self, service: Service, reference: str) -> None:
        forms = self._all()
        forms.pop(service.slug, None)
        self.session[SESSION_KEY] = forms
        submitted = self.session.get(SUBMITTED_KEY, {})
        submitted[service.slug] = reference
        self.session[SUBMITTED_KEY] = submitted

    def submitted_reference(self, service: Service) -> str | None:
        return self.session.get(SUBMITTED_KEY, {}).get(service.slug)
