"""Resident parking permit (``definitions/resident_parking_permit.bpmn``, decision
``permit_price``). The resident paid when they applied (the payments app: the case is made once
GOV.UK Pay says the payment succeeded), by the emissions band they chose. The process:

- finds the address's controlled parking zone (``ParkingZone``: zones as data, by USRN); an
  address in no zone is refused and a parking officer refunds the fee;
- checks the vehicle with the DVLA Vehicle Enquiry Service (``processes.ves``): a registration
  the DVLA does not know, or one that cannot be a registration, goes to a parking officer, who
  corrects it from the log book or refuses; the DVLA being down fails the step (the hub shows
  it, and a retry runs it again);
- prices the permit by the vehicle's CO2 emissions as the DVLA holds them (the decision table,
  whose rows carry the dates their figures apply from and until);
- compares the price with what was paid: the same amount issues the permit, a difference goes
  to a parking officer to settle (take the rest, or refund some);
- issues a virtual permit (number, VRM, zone, valid from and to) and tells the resident, then
  reminds them to renew four weeks before it ends.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from borough.cases.models import Resolution
from borough.cases.workflow import case_send_update
from borough.catalogue.fees import DECIDED_PRICES, pounds
from borough.payments.models import Payment, PayState

from .. import engine, ves
from ..models import DecisionTable, ParkingPermit, ParkingZone
from ..registry import ServiceUnavailable, StepContext, service_task
from .common import actor, tell_and_close
from .flytipping import language

PROCESS = "resident-parking-permit"
PRICE_DECISION = "permit_price"
SHIPPED = Path(__file__).resolve().parent.parent / "definitions"
REMIND_DAYS_BEFORE = 28


def _start_date(answers: dict) -> dt.date:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(str(answers.get("start_date", "")))
    except ValueError:
        return today
    return max(start, today)


def band_prices(answers: dict) -> dict[str, int]:
    """Each emissions band's price in pence for a permit starting on the answers' start date
    (today when there is none yet): the current ``permit_price`` table's rows for that date.
    The portal charges this and shows it beside each band (``catalogue.fees.DECIDED_PRICES``),
    and the process prices the permit from the same table, so the page, the payment and the
    permit agree; a new version saved in the hub changes all three."""
    table = DecisionTable.objects.filter(key=PRICE_DECISION, is_current=True).first()
    # Before the processes are loaded (a new install), the table Borough ships.
    dmn = table.dmn if table else (SHIPPED / f"{PRICE_DECISION}.dmn").read_text(encoding="utf-8")
    data = {"zone": {"valid_from": _start_date(answers).isoformat()}}
    prices: dict[str, int] = {}
    for row in engine.decision_rows(dmn, data, columns=(0,)):  # column 0: the permit's start
        prices.setdefault(str(row["band"]), int(row["price_pence"]))
    return prices


DECIDED_PRICES[PRICE_DECISION] = band_prices


@service_task("permits.find_zone", "Find the controlled parking zone the address is in")
def find_zone(step: StepContext, params: dict) -> dict:
    case = step.case
    street_id = case.street_id or (case.property.usrn_id if case.property_id else None)
    zone = ParkingZone.objects.filter(streets=street_id).first() if street_id else None
    return {
        "code": zone.code if zone else "",
        "name": zone.name if zone else "",
        "valid_from": _start_date(step.data.get("answers") or case.answers or {}).isoformat(),
    }


@service_task("permits.check_vehicle", "Check the vehicle with the DVLA Vehicle Enquiry Service")
def check_vehicle(step: StepContext, params: dict) -> dict:
    answers = step.data.get("answers") or step.case.answers or {}
    raw = step.data.get("vehicle_registration") or answers.get("vehicle_registration", "")
    try:
        found = ves.ves_client().vehicle(raw)
    except ves.BadRegistration:
        return {"found": False, "problem": "not a registration number", "entered": str(raw)[:20]}
    except ves.VesBadRegistration:
        return {"found": False, "problem": "the DVLA refused its format", "entered": str(raw)[:20]}
    except ves.VesNotFound:
        return {"found": False, "problem": "the DVLA has no such vehicle", "entered": str(raw)[:20]}
    except ves.VesError as down:  # down, rate limited, or refused our key: try again later
        raise ServiceUnavailable(str(down)) from None  # the hub shows these words
    return {"found": True, **found.to_data()}


@service_task("permits.compare_paid", "Compare the permit's price with what the resident paid")
def compare_paid(step: StepContext, params: dict) -> dict:
    payment = Payment.objects.filter(case=step.case, state=PayState.SUCCESS).first()
    paid = (payment.amount_pence - payment.refunded_pence) if payment else 0
    price = int(step.data["price_pence"])
    status = "match" if paid == price else ("short" if paid < price else "over")
    return {"status": status, "paid_pence": paid, "price_pence": price}


def _number() -> str:
    while True:
        number = f"RP{secrets.randbelow(10**8):08d}"
        if not ParkingPermit.objects.filter(number=number).exists():
            return number


@service_task("permits.issue", "Issue the virtual permit and tell the resident")
def issue(step: StepContext, params: dict) -> dict:
    case = step.case
    vehicle, zone = step.data["vehicle"], step.data["zone"]
    valid_from = dt.date.fromisoformat(zone["valid_from"])
    valid_to = valid_from.replace(year=valid_from.year + 1) - dt.timedelta(days=1)
    permit, _created = ParkingPermit.objects.get_or_create(
        case=case,
        defaults={
            "number": _number(),
            "vrm": vehicle["registration_number"],
            "zone": ParkingZone.objects.get(code=zone["code"]),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "co2_emissions": vehicle.get("co2_emissions"),
            "band": step.data["band"],
            "price_pence": int(step.data["price_pence"]),
            "make": vehicle.get("make", ""),
            "colour": vehicle.get("colour", ""),
            "issued_at": timezone.now(),
        },
    )
    remind_on = valid_to - dt.timedelta(days=REMIND_DAYS_BEFORE)
    remind_at = timezone.make_aware(dt.datetime.combine(remind_on, dt.time(9, 0)))
    with translation.override(language(case)):
        text = _(
            "Your resident parking permit %(number)s is ready. It is for vehicle %(vrm)s in "
            "zone %(zone)s, from %(start)s to %(end)s. Permits are digital: there is nothing to "
            "display, and our civil enforcement officers check the registration number. You "
            "can see it in your account."
        ) % {
            "number": permit.number,
            "vrm": permit.vrm,
            "zone": permit.zone.code,
            "start": f"{permit.valid_from:%d/%m/%Y}",
            "end": f"{permit.valid_to:%d/%m/%Y}",
        }
        tell_and_close(step, text, Resolution.FIXED, PROCESS)
    return {"number": permit.number, "remind_at": remind_at.isoformat()}


@service_task("permits.remind", "Remind the resident to renew their permit")
def remind(step: StepContext, params: dict) -> dict:
    case = step.case
    case.refresh_from_db()
    permit = ParkingPermit.objects.get(case=case)
    with translation.override(language(case)):
        text = _(
            "Your resident parking permit %(number)s for %(vrm)s ends on %(end)s. To keep "
            "parking in zone %(zone)s, apply for a new permit before then."
        ) % {
            "number": permit.number,
            "vrm": permit.vrm,
            "end": f"{permit.valid_to:%d/%m/%Y}",
            "zone": permit.zone.code,
        }
    case_send_update(case=case, text=text, actor=actor(PROCESS))
    return {"reminded": True}


@service_task("permits.refuse", "Tell the resident why they cannot have a permit")
def refuse(step: StepContext, params: dict) -> dict:
    data = step.data
    payment = Payment.objects.filter(case=step.case, state=PayState.SUCCESS).first()
    with translation.override(language(step.case)):
        if not (data.get("zone") or {}).get("code"):
            text = _(
                "Thank you for applying. Your address is not in a controlled parking zone, so "
                "you do not need a resident permit to park in your street, and we cannot give "
                "you one."
            )
        elif not (data.get("vehicle") or {}).get("found"):
            text = _(
                "Thank you for applying. We could not find the vehicle registration number you "
                "gave in the DVLA's records, so we cannot give you a permit for it. Please apply "
                "again with the number exactly as it is on your log book (V5C)."
            )
        else:
            text = _(
                "Thank you for applying. The DVLA's record of your vehicle's CO2 emissions puts "
                "it in a higher price band than the one you paid for, and the difference was "
                "not paid, so we cannot give you a permit."
            )
        if payment is not None:
            text += " " + _("We will refund the %(amount)s you paid within 5 working days.") % {
                "amount": pounds(payment.amount_pence - payment.refunded_pence)
            }
        return tell_and_close(step, text, Resolution.NOT_POSSIBLE, PROCESS)
