"""Garden waste subscription (``definitions/garden_waste.bpmn``, decision
``garden_waste_delivery``). The first payment makes the case; the process asks the waste team
to deliver bins when the resident has none, starts the year, reminds the resident
``REMIND_DAYS`` before it ends, and then waits for the renewal payment (the payments app's
``payment_received``: Pay's renewal from the resident's agreement, or a payment made again):
paid extends the subscription a year and waits again; not paid by the end lapses it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from borough.cases.models import Resolution, Status
from borough.cases.workflow import case_send_update
from borough.payments.agreements import next_year
from borough.payments.models import Agreement, AgreementState

from ..registry import StepContext, service_task
from .common import actor
from .waste_words import day, their_language

REMIND_DAYS = 21
REMIND_AT = dt.time(9, 0)
# Days after the end before the subscription lapses: Pay's renewal from an agreement is taken
# on the end day, and a refused one is tried again each day.
GRACE_DAYS = 7
ACTOR = actor("garden-waste")


def _dates(ends_on: dt.date) -> dict:
    def at(date, time=dt.time.min):
        return timezone.make_aware(dt.datetime.combine(date, time)).isoformat()

    return {
        "ends_on": ends_on.isoformat(),
        "remind_at": at(ends_on - dt.timedelta(days=REMIND_DAYS), REMIND_AT),
        "ends_at": at(ends_on + dt.timedelta(days=GRACE_DAYS)),
    }


def _agreement(case) -> Agreement | None:
    return Agreement.objects.filter(case=case).order_by("-created_at").first()


def _tell(case, text: str, **change) -> None:
    case.refresh_from_db()
    if case.status == Status.CLOSED and not change:
        return
    case_send_update(case=case, text=text, actor=ACTOR, **change)


@service_task("garden.subscribe", "Start the garden waste year and tell the resident")
def subscribe(step: StepContext, params: dict) -> dict:
    case = step.case
    agreement = _agreement(case)
    ends_on = (
        agreement.renews_on
        if agreement is not None and agreement.renews_on
        else next_year(timezone.localdate())
    )
    with their_language(case):
        text = _(
            "Your garden waste subscription has started. It runs until %(day)s; we will remind "
            "you before then."
        ) % {"day": day(ends_on)}
    if step.data.get("deliver") == "yes":
        with their_language(case):
            text += " " + _("Your brown bins have been delivered.")
    _tell(case, text, to_status=Status.CLOSED, resolution=Resolution.FIXED)
    return _dates(ends_on) | {"years": 1}


@service_task("garden.remind", "Remind the resident their subscription ends soon")
def remind(step: StepContext, params: dict) -> dict:
    """Residents whose card renews it are told by the payments app's own renewal notice
    (``payments.renewals``): only the others are reminded here, so no one hears twice."""
    case = step.case
    ends_on = step.data["subscription"]["ends_on"]
    agreement = _agreement(case)
    if agreement is not None and agreement.state == AgreementState.ACTIVE:
        return {"on": ends_on, "sent": False}
    with their_language(case):
        text = _(
            "Your garden waste subscription ends on %(day)s. To keep your collections, "
            "subscribe again before then."
        ) % {"day": day(ends_on)}
    case.refresh_from_db()
    case_send_update(case=case, text=text, actor=ACTOR)
    return {"on": ends_on, "sent": True}


@service_task("garden.renew", "Extend the subscription a year (the renewal was paid)")
def renew(step: StepContext, params: dict) -> dict:
    case = step.case
    current = step.data["subscription"]
    ends_on = next_year(dt.date.fromisoformat(current["ends_on"]))
    with their_language(case):
        text = _("Thank you: your garden waste subscription is renewed until %(day)s.") % {
            "day": day(ends_on)
        }
    case.refresh_from_db()
    case_send_update(case=case, text=text, actor=ACTOR)
    return _dates(ends_on) | {"years": int(current.get("years", 1)) + 1}


@service_task("garden.lapse", "End the subscription: the renewal was not paid")
def lapse(step: StepContext, params: dict) -> dict:
    case = step.case
    with their_language(case):
        text = _(
            "Your garden waste subscription ended on %(day)s because it was not renewed, so "
            "we have stopped collecting your brown bin. You can subscribe again at any time."
        ) % {"day": day(step.data["subscription"]["ends_on"])}
    case.refresh_from_db()
    case_send_update(case=case, text=text, actor=ACTOR)
    return {"lapsed": True}
