"""Whether a public update on a case reached the resident, and how (issue 17, point 13).

A public update is shown on the resident's tracking page and emailed to them if the council
has an address for them (``case_update_email``). The timeline says which of these really
happened, never "sent" to a resident the council has no way to reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Case, CaseEvent
from .selectors import case_contact_email, case_contact_route


@dataclass(frozen=True)
class Delivery:
    """What became of one public update: words for the timeline, and whether it reached them."""

    words: str
    reached: bool


EMAILED = Delivery("Emailed to the resident", reached=True)
QUEUED = Delivery("Being emailed to the resident", reached=True)
OPTED_OUT = Delivery(
    "Not emailed: the resident turned off email updates (on their tracking page only)",
    reached=False,
)
PHONE_ONLY = Delivery("Not sent: no email address for the resident, phone them", reached=False)
NO_CONTACT = Delivery("Not sent: no contact details for the resident", reached=False)


def is_resident_update(event: CaseEvent) -> bool:
    """An event the resident is told about: public, with words, and not theirs or an email."""
    return (
        event.is_public
        and bool(event.text)
        and not event.data.get("from_resident")
        and event.kind not in (CaseEvent.Kind.EMAIL_SENT, CaseEvent.Kind.ACKNOWLEDGED)
    )


BY_TEXT = Delivery("Being sent to the resident by text message", reached=True)
BY_LETTER = Delivery("Being sent to the resident by letter", reached=True)
TEXTED = Delivery("Texted to the resident", reached=True)
POSTED = Delivery("Posted to the resident in a letter", reached=True)
SENT = {"sms": TEXTED, "letter": POSTED}


def next_update_delivery(case: Case) -> Delivery:
    """What will become of a public update sent on ``case`` now."""
    route = case_contact_route(case, update=True)
    if route is not None:
        return {"sms": BY_TEXT, "letter": BY_LETTER}.get(route.channel, QUEUED)
    if case_contact_email(case, update=True):
        return QUEUED
    if case.resident and case.resident.email:
        return OPTED_OUT
    if case.resident and case.resident.phone:
        return PHONE_ONLY
    return NO_CONTACT


def update_deliveries(case: Case, events: list[CaseEvent]) -> dict[int, Delivery]:
    """For each public update among ``events`` (the case's timeline), what became of it."""
    sent = {
        event.data.get("event"): SENT.get(event.data.get("channel", ""), EMAILED)
        for event in events
        if event.kind == CaseEvent.Kind.EMAIL_SENT
    }
    otherwise = next_update_delivery(case)
    return {
        event.pk: sent.get(event.pk, otherwise) for event in events if is_resident_update(event)
    }
