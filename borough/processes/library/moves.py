"""Tell us once about a move (``tell_us_once_move.bpmn``, decision ``move_actions``).

The resident fills in one form (the catalogue's ``tell-us-you-have-moved``). The process works
out whether the new address is in the borough, the decision table says what each system must
do, and four steps, in parallel, tell council tax, waste, parking permits and the electoral
registration office (``integrations.systems``: a real connector, or the sandbox). Each of those
steps is marked ``retry = alone``: when one system is down, that step fails and waits in the
hub with its error while the others finish; a retry runs only it. When all four are done, the
resident gets one confirmation, in their language, listing what was updated.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from borough.cases.models import Resolution, Status
from borough.cases.workflow import case_send_update
from borough.core.postcodes import postcode_key
from borough.integrations import systems
from borough.integrations.models import CouncilSystem
from borough.places.models import Property

from ..registry import ServiceUnavailable, StepContext, service_task
from .common import actor

_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.I)


def language(case) -> str:
    """The language the resident reads their messages in (their account's; English if none)."""
    resident = getattr(case, "resident", None)
    return (getattr(resident, "preferred_language", "") or "en") if resident else "en"


def find_new_home(text: str) -> tuple[str, int | None]:
    """Where the new address is: ``in_borough`` (its postcode is in the gazetteer; with the
    property's UPRN when the house number matches one), or ``elsewhere``."""
    match = _POSTCODE.search(text or "")
    if match is None:
        return "elsewhere", None
    homes = list(
        Property.objects.filter(
            postcode_key=postcode_key(match.group(1) + match.group(2)), is_current=True
        )
    )
    if not homes:
        return "elsewhere", None
    first_line = (text or "")[: match.start()].upper()
    numbers = set(re.findall(r"\b\d+[A-Z]?\b", first_line))
    for home in homes:
        if f"{home.pao}".upper().replace(" ", "") in numbers:
            return "in_borough", home.uprn
    return "in_borough", None


@service_task("moves.where", "Find out whether the new address is in the borough")
def where(step: StepContext, params: dict) -> dict:
    answers = step.data.get("answers") or step.case.answers or {}
    destination, new_uprn = find_new_home(str(answers.get("new_address", "")))
    return {"destination": destination, "new_uprn": new_uprn}


def _payload(step: StepContext, action: str) -> dict:
    case = step.case
    answers = step.data.get("answers") or case.answers or {}
    return {
        "action": action,
        "old_uprn": case.property_id,
        "old_address": case.location_description,
        "new_address": answers.get("new_address", ""),
        "new_uprn": step.data["move"]["new_uprn"],
        "moved_on": answers.get("moved_on", ""),
        "name": answers.get("name", ""),
        "email": answers.get("email", ""),
    }


def _tell(step: StepContext, system: str, action_key: str) -> dict:
    action = step.data[action_key]
    try:
        receipt = systems.call(system, action, step.case.reference, _payload(step, action))
    except systems.SystemDown as down:
        raise ServiceUnavailable(str(down)) from down
    return {"system": system, "action": action, "receipt": receipt}


@service_task("moves.council_tax", "Tell the council tax system about the move")
def council_tax(step: StepContext, params: dict) -> dict:
    return _tell(step, CouncilSystem.COUNCIL_TAX, "council_tax_action")


@service_task("moves.waste", "Tell the waste system: bins at the old and new address")
def waste(step: StepContext, params: dict) -> dict:
    return _tell(step, CouncilSystem.WASTE, "waste_action")


@service_task("moves.parking", "Tell the parking permits system about the move")
def parking(step: StepContext, params: dict) -> dict:
    return _tell(step, CouncilSystem.PARKING, "parking_action")


@service_task("moves.electoral", "Tell the electoral registration office about the move")
def electoral(step: StepContext, params: dict) -> dict:
    return _tell(step, CouncilSystem.ELECTORAL, "electoral_action")


def long_date(value) -> str:
    """A date as the resident's language writes it ("1 grudnia 2026"); as given if not one."""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_format(day, "j E Y")


def _lines(actions: dict[str, str], moved_on: str) -> list[str]:
    when = long_date(moved_on)
    words = {
        "move_account": _(
            "Council tax: your account moves to your new address from %(date)s. We will send "
            "you a final bill for your old address and a bill for your new home."
        ),
        "close_account": _(
            "Council tax: your account for your old address closes on %(date)s. We will send "
            "you a final bill; if you have paid too much, we will refund you."
        ),
        "move_bins": _(
            "Bins: collections at your old address are updated, and any garden waste "
            "subscription or assisted collection moves with you to your new address."
        ),
        "stop_collections": _(
            "Bins: any garden waste subscription or assisted collection at your old address "
            "has stopped."
        ),
        "move_permit": _(
            "Parking permits: any resident parking permit moves to your new address. We will "
            "write to you if your new street is in a different zone."
        ),
        "end_permit": _(
            "Parking permits: any resident parking permit for your old address has ended."
        ),
        "move_entry": _(
            "Electoral register: the electoral registration office will send a registration "
            "form to your new address."
        ),
        "tell_new_area": _(
            "Electoral register: you will be taken off our register. Register to vote at your "
            "new address at gov.uk/register-to-vote."
        ),
    }
    return [words[action] % {"date": when} for action in actions.values()]


@service_task("moves.confirm", "Send the resident one confirmation of everything updated")
def confirm(step: StepContext, params: dict) -> dict:
    case = step.case
    case.refresh_from_db()
    data = step.data
    actions: dict[str, str] = {
        str(system): data[key]["action"]
        for system, key in (
            (CouncilSystem.COUNCIL_TAX, "council_tax"),
            (CouncilSystem.WASTE, "waste"),
            (CouncilSystem.PARKING, "parking"),
            (CouncilSystem.ELECTORAL, "electoral"),
        )
    }
    if case.status != Status.CLOSED:  # a retry after the confirmation went sends nothing twice
        with translation.override(language(case)):
            text = "\n\n".join(
                [
                    _("Thank you for telling us you have moved. We have updated:"),
                    *_lines(actions, str((data.get("answers") or {}).get("moved_on", ""))),
                    _("Your reference is %(reference)s.") % {"reference": case.reference},
                ]
            )
        case_send_update(
            case=case,
            text=text,
            actor=actor("tell-us-once-move"),
            to_status=Status.CLOSED,
            resolution=Resolution.FIXED,
        )
    return {"updated": list(actions)}
