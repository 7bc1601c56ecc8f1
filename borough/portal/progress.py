"""A resident's progress through one service's form, kept in their session (the portal's
store for ``catalogue.journey``).

Only cleaned answers are kept (the same JSON a case stores), keyed by question id, together
with the form session token that makes the final submit idempotent. For a signed-in resident
the answers are also saved with their form session after every page, so they can come back
later on any device (``contacts.services.form_session_save``; wiped after 28 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from borough.catalogue.journey import FormJourney
from borough.catalogue.models import Service
from borough.contacts.selectors import form_sessions_saved
from borough.contacts.services import form_session_save

SESSION_KEY = "borough_forms"
SUBMITTED_KEY = "borough_submitted"


@dataclass
class FormState:
    token: str
    answers: dict[str, Any]
    postcodes: dict[str, str]

    def journey(self, service: Service) -> FormJourney:
        """The form journey over these answers: recording on it changes this state."""
        return FormJourney(service.form, self.answers, self.postcodes)


class Journeys:
    """Read and write the form state of every service a resident has started."""

    def __init__(self, session, user=None):
        self.session = session
        signed_in = user is not None and user.is_authenticated and not user.is_council_staff
        self.user = user if signed_in else None

    def _all(self) -> dict:
        return self.session.get(SESSION_KEY, {})

    def get(self, service: Service) -> FormState | None:
        data = self._all().get(service.slug)
        if not data:
            return self._restore(service)
        return FormState(token=data["token"], answers=data["answers"], postcodes=data["postcodes"])

    def _restore(self, service: Service) -> FormState | None:
        """A signed-in resident's saved answers, brought back into this session."""
        if self.user is None:
            return None
        saved = form_sessions_saved(user=self.user, service=service).first()
        if saved is None:
            return None
        state = FormState(
            token=str(saved.token),
            answers=dict(saved.saved_answers),
            postcodes=dict(saved.saved_postcodes),
        )
        self.save(service, state, persist=False)
        return state

    def saved_at(self, service: Service):
        """When a signed-in resident's answers to this service were last saved, if they were."""
        if self.user is None:
            return None
        saved = form_sessions_saved(user=self.user, service=service).first()
        return saved.saved_at if saved else None

    def start(self, service: Service, token: str) -> FormState:
        state = FormState(token=token, answers={}, postcodes={})
        self.save(service, state)
        return state

    def save(self, service: Service, state: FormState, *, persist: bool = True) -> None:
        forms = self._all()
        forms[service.slug] = {
            "token": state.token,
            "answers": state.answers,
            "postcodes": state.postcodes,
        }
        self.session[SESSION_KEY] = forms
        if persist and self.user is not None:
            form_session_save(
                token=state.token, user=self.user, answers=state.answers, postcodes=state.postcodes
            )

    def discard(self, token: str) -> None:
        """Forget a form in this session (the resident deleted their saved answers)."""
        forms = {slug: data for slug, data in self._all().items() if data["token"] != token}
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
