"""Signs a resident may need extra help: a signed-in resident is asked whether the need may be
noted on their record (only "yes" records it, as explicit consent); someone not signed in is
told once that we heard, and how to reach a person."""

from __future__ import annotations

from django.utils.translation import gettext as _

from borough.assistant.state import DialogueState
from borough.assistant.turns import NO_WORDS, YES_WORDS, Exchange, Turn
from borough.core.actors import ResidentActor
from borough.people.models import ConsentBasis, Need
from borough.people.services import resident_need_record

DRIVER_NEEDS = {
    "health": Need.HEALTH,
    "life_events": Need.LIFE_EVENT,
    "resilience": Need.RESILIENCE,
    "capability": Need.CAPABILITY,
}


def ask_consent(x: Exchange) -> None:
    """Signs of vulnerability: ask a signed-in resident if we may note them on their record."""
    asked = set(x.state.consent_asked)
    drivers = [d for d in x.u.vulnerability.drivers if d in DRIVER_NEEDS and d not in asked]
    if not drivers:
        return
    x.state.consent = drivers
    x.state.consent_asked = sorted(asked | set(drivers))
    x.say(
        _(
            "It sounds like things may be difficult for you at the moment. May we note this on "
            "your record, so that staff can give you extra help when you contact us? Answer yes "
            "or no. Nothing is noted unless you say yes."
        ),
        choices=[_("Yes"), _("No")],
    )


def acknowledge_support(state: DialogueState, turn: Turn) -> None:
    """Signs of vulnerability from someone not signed in (there is no record to note them on):
    say once that we heard, and how to reach a person, before whatever the assistant says next
    (the form's question carries on below)."""
    if state.support_acknowledged:
        return
    state.support_acknowledged = True
    turn.say_first(
        _(
            "Thank you for telling me. If you would like help from a person, ask to talk to "
            "a person at any time."
        ),
        choices=[_("Talk to a person")],
    )


def consent_answer(x: Exchange) -> bool:
    """Handle the answer to the consent question; False if the message is something else."""
    drivers, x.state.consent = x.state.consent, []
    if x.lowered in YES_WORDS or x.u.intent == "yes":
        resident = x.conversation.resident
        assert resident is not None  # consent is asked of a resident on record
        for driver in drivers:
            if not resident.needs.filter(need=DRIVER_NEEDS[driver], withdrawn_at=None).exists():
                resident_need_record(
                    actor=ResidentActor(resident=resident),
                    resident=resident,
                    need=DRIVER_NEEDS[driver],
                    consent_basis=ConsentBasis.EXPLICIT_CONSENT,
                    note="Given in web chat",
                )
        x.say(_("Thank you. We have noted it on your record."))
        return True
    if x.lowered in NO_WORDS or x.u.intent == "no":
        x.say(_("That is fine. We have not noted anything."))
        return True
    return False
