"""Fly-tipping (``definitions/flytipping.bpmn``, decision ``flytipping_route``): a report is
routed by who owns the land (``LandOwner``, the council's land ownership dataset by USRN; an
officer says who when it is not known, and that is kept for next time) and whether the
resident says the waste holds evidence (names, addresses, documents).

- Council land with evidence: the report and its photos are kept from retention (a legal
  hold), the enforcement officers investigate, then the hold is released unless they took
  action (a fixed penalty or a prosecution keeps it), and the waste is cleared.
- Council land without: a clearance job (street cleansing, or the estate caretakers).
- Private land: the resident is told, politely, that it is the landowner's duty and what the
  council will do (write to the owner, and act if it is a health risk).
- Another public body's land (Network Rail, the Canal and River Trust): passed on to it.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from borough.cases.events import record
from borough.cases.models import CaseEvent, Resolution, Status
from borough.cases.workflow import case_send_update

from ..models import LandOwner, LandOwnerKind
from ..registry import StepContext, service_task
from ..signals import evidence_hold
from .common import actor, tell_and_close

PROCESS = "fly-tipping"
HOLD_REASON = "Fly-tipping evidence: kept while enforcement is possible"
ACTIONS = {"fixed_penalty", "prosecution", "warning_letter"}


def language(case) -> str:
    """The language the resident reads (their preferred one), for what the process tells them."""
    if case.resident_id is None:
        return "en"
    return case.resident.preferred_language or "en"


def _street_id(case):
    return case.street_id or (case.property.usrn_id if case.property_id else None)


@service_task("flytipping.find_owner", "Look up who owns the land the fly-tipping is on")
def find_owner(step: StepContext, params: dict) -> dict:
    """Who owns the land, and whether the case is still open: the duplicate reports process
    starts first and may have closed it as a duplicate of an open report (which this process
    is already dealing with)."""
    case = step.case
    case.refresh_from_db()
    street_id = _street_id(case)
    owner = LandOwner.objects.filter(street_id=street_id).first() if street_id else None
    found = {"kind": "unknown", "owner_name": "", "contact": ""}
    if owner is not None:
        found = {"kind": owner.kind, "owner_name": owner.owner_name, "contact": owner.contact}
    return found | {"case_open": case.status != Status.CLOSED}


@service_task("flytipping.record_owner", "Keep who an officer said owns the land, for next time")
def record_owner(step: StepContext, params: dict) -> dict:
    kind = str(step.data.get("land_kind", "")).strip()
    if kind not in LandOwnerKind.values:
        raise ValueError(f"{kind!r} is not a kind of landowner Borough knows")
    owner_name = str(step.data.get("owner_name", "")).strip()[:200]
    street_id = _street_id(step.case)
    if street_id:
        LandOwner.objects.update_or_create(
            street_id=street_id, defaults={"kind": kind, "owner_name": owner_name}
        )
    return {"kind": kind, "owner_name": owner_name, "contact": "", "case_open": True}


@service_task("flytipping.keep_evidence", "Keep the report and its photos from retention")
def keep_evidence(step: StepContext, params: dict) -> dict:
    """Ask information governance for a legal hold on the case (``signals.evidence_hold``)
    and tell the resident the enforcement officers will look first."""
    case = step.case
    case.refresh_from_db()
    answers = evidence_hold.send(sender=PROCESS, case=case, hold=True, reason=HOLD_REASON)
    hold_id = next((answer for _receiver, answer in answers if answer), None)
    if case.status == Status.CLOSED:  # closed meanwhile: nothing to tell
        return {"hold_id": hold_id}
    with translation.override(language(case)):
        case_send_update(
            case=case,
            to_status=Status.IN_PROGRESS,
            actor=actor(PROCESS),
            text=_(
                "Thank you for your report. You told us the rubbish may show who dumped it, "
                "so our enforcement officers will look at it before it is cleared. We keep "
                "your report and photos as evidence."
            ),
        )
    return {"hold_id": hold_id}


@service_task("flytipping.after_enforcement", "Release the evidence unless action was taken")
def after_enforcement(step: StepContext, params: dict) -> dict:
    """Evidence of an offence acted on stays held (until information governance releases it);
    otherwise the process releases its hold."""
    outcome = str(step.data.get("enforcement_outcome", "")).strip()
    kept = outcome in ACTIONS
    if not kept:
        evidence_hold.send(sender=PROCESS, case=step.case, hold=False)
    return {"outcome": outcome, "evidence_kept": kept}


@service_task("flytipping.raise_clearance", "Raise a clearance job and tell the resident")
def raise_clearance(step: StepContext, params: dict) -> dict:
    case = step.case
    case.refresh_from_db()
    by = step.data.get("clear_by", "council")
    team = "estate caretakers" if by == "estate" else "street cleansing crew"
    record(
        case,
        kind=CaseEvent.Kind.NOTE,
        actor=actor(PROCESS),
        text=f"Clearance job raised for the {team}.",
    )
    # with evidence, the resident was told at the referral
    if not step.data.get("hold") and case.status != Status.CLOSED:
        with translation.override(language(case)):
            case_send_update(
                case=case,
                to_status=Status.IN_PROGRESS,
                actor=actor(PROCESS),
                text=_(
                    "Thank you for your report. We have asked our crew to clear the rubbish "
                    "within 2 working days. We will tell you when it has gone."
                ),
            )
    return {"team": team}


@service_task("flytipping.tell_cleared", "Tell the resident the fly-tipping was cleared")
def tell_cleared(step: StepContext, params: dict) -> dict:
    outcome = (step.data.get("enforced") or {}).get("outcome", "")
    with translation.override(language(step.case)):
        text = _("The rubbish you reported has been cleared. Thank you for telling us.")
        if outcome in ACTIONS:
            text += " " + _(
                "Our enforcement officers found evidence of who dumped it and are taking action."
            )
        elif outcome:
            text += " " + _(
                "Our enforcement officers looked at it but could not find enough evidence to "
                "act this time."
            )
        return tell_and_close(step, text, Resolution.FIXED, PROCESS)


@service_task("flytipping.tell_private", "Tell the resident it is the landowner's duty")
def tell_private(step: StepContext, params: dict) -> dict:
    with translation.override(language(step.case)):
        text = _(
            "Thank you for telling us. The rubbish is on private land, so clearing it is the "
            "landowner's duty, not the council's. We will write to the owner to ask them to "
            "clear it. If it is a danger to health, or it is not cleared, we can make them "
            "clear it by law."
        )
        return tell_and_close(step, text, Resolution.REFERRED, PROCESS)


@service_task("flytipping.pass_on", "Pass the report to the public body that owns the land")
def pass_on(step: StepContext, params: dict) -> dict:
    land = step.data.get("land") or {}
    owner = land.get("owner_name") or "the public body that owns the land"
    record(
        step.case,
        kind=CaseEvent.Kind.NOTE,
        actor=actor(PROCESS),
        text=f"Report passed to {owner}" + (f" ({land['contact']})" if land.get("contact") else ""),
    )
    with translation.override(language(step.case)):
        owner = land.get("owner_name") or _("the public body that owns the land")
        text = _(
            "Thank you for telling us. The land belongs to %(owner)s, who is responsible for "
            "clearing it. We have passed your report to them."
        ) % {"owner": owner}
        return tell_and_close(step, text, Resolution.REFERRED, PROCESS)
