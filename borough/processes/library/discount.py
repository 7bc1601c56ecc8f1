"""Single person discount (council tax, 25% off when one adult lives in the home): applying
for it (``single_person_discount.bpmn``, decision ``single_person_discount_decision``) and
reviewing it (``single_person_discount_review.bpmn``).

The evidence is the single view's: the people the electoral register and benefits records
hold at the address (by UPRN, or in the single view's household there), aged 18 or over (or
of unknown age), other than the person who holds or asks for the discount.

- Applying: with no other adult on record the decision table awards it; otherwise (or when the
  single view does not know the address) a council tax officer decides, seeing the evidence.
- Reviewing (``review_run``: ``manage.py review_single_person_discounts`` and a monthly
  task): each holder with another adult on record gets a case and a review. An officer looks
  at the evidence; if it needs asking, the resident is written to and given 28 days to reply
  (a timer); then an officer decides. **The discount ends only after a person decides so**:
  the end step is reached only through an officer's step, and refuses to run without one.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from borough.cases.create import case_create
from borough.cases.models import Case, Resolution, Status
from borough.cases.workflow import case_send_update
from borough.catalogue.models import Service
from borough.core.actors import SystemActor
from borough.core.channels import Channel
from borough.integrations import systems
from borough.integrations.models import CouncilSystem
from borough.singleview.models import LinkedHousehold, SourceRecord

from ..models import InstanceStatus, ProcessInstance, ProcessStep, StepState
from ..registry import ServiceUnavailable, StepContext, service_task
from .common import actor
from .moves import language, long_date

log = logging.getLogger(__name__)

EVIDENCE_SOURCES = {"electoral_register": "Electoral register", "benefits": "Benefits records"}
REVIEW_KEY = "single-person-discount-review"
REVIEW_SERVICE = "council-tax-account"  # the council tax team's general service
DECIDING_STEPS = ("discount_check", "discount_decide")


def _words(name: str) -> set[str]:
    return {word for word in name.lower().replace(",", " ").split() if len(word) > 1}


def _adult(dob: dt.date | None, today: dt.date) -> bool:
    if dob is None:
        return True  # age unknown: shown to the officer, who decides
    return (today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))) >= 18


def other_adults(uprn: int | None, holder_name: str, today: dt.date | None = None) -> dict:
    """The single view's evidence of other adults at the address, for the officer and the
    decision: whether the single view knows the address, how many other adults, and who."""
    today = today or timezone.localdate()
    if not uprn:
        return {"address_known": "no", "other_adults": 0, "people": []}
    households = LinkedHousehold.objects.filter(Q(property_id=uprn) | Q(uprn=str(uprn)))
    records = (
        SourceRecord.objects.filter(source__in=EVIDENCE_SOURCES)
        .filter(Q(uprn=str(uprn)) | Q(person__memberships__household__in=households))
        .select_related("person")
        .distinct()
    )
    known = households.exists() or SourceRecord.objects.filter(uprn=str(uprn)).exists()
    holder = _words(holder_name)
    people: dict[str, dict] = {}
    for record in records:
        names = _words(record.person.names) | _words(record.full_name)
        if holder and holder <= names:
            continue  # the holder themself
        if not _adult(record.dob or record.person.dob, today):
            continue
        found = people.setdefault(
            record.person.person_id,
            {
                "person_id": record.person.person_id,
                "name": record.full_name or f"{record.first_name} {record.last_name}".strip(),
                "sources": [],
                "last_seen": "",
            },
        )
        found["sources"].append(EVIDENCE_SOURCES[record.source])
        seen = record.last_seen.isoformat() if record.last_seen else ""
        found["last_seen"] = max(found["last_seen"], seen)
    listed = sorted(people.values(), key=lambda p: p["name"])
    return {
        "address_known": "yes" if known or listed else "no",
        "other_adults": len(listed),
        "people": listed,
    }


@service_task("discount.evidence", "Find other adults at the address in the single view")
def evidence(step: StepContext, params: dict) -> dict:
    case = step.case
    answers = step.data.get("answers") or case.answers or {}
    return other_adults(case.property_id, str(answers.get("name", "")))


def _account_ref(step: StepContext) -> str:
    answers = step.data.get("answers") or step.case.answers or {}
    if answers.get("account_number"):
        return str(answers["account_number"])
    record = (
        SourceRecord.objects.filter(source="council_tax", uprn=str(step.case.property_id))
        .order_by("-last_seen")
        .first()
    )
    return record.source_id if record else f"CT-{step.case.reference}"


def _tell_council_tax(step: StepContext, operation: str, data: dict) -> str:
    try:
        return systems.call(CouncilSystem.COUNCIL_TAX, operation, step.case.reference, data)
    except systems.SystemDown as down:
        raise ServiceUnavailable(str(down)) from down


def _tell_and_close(step: StepContext, text: str, resolution: str) -> None:
    case = Case.objects.get(pk=step.case.pk)
    if case.status != Status.CLOSED:
        case_send_update(
            case=case,
            text=text,
            actor=actor("single-person-discount"),
            to_status=Status.CLOSED,
            resolution=resolution,
        )


@service_task("discount.award", "Give the discount in the council tax system; tell the resident")
def award(step: StepContext, params: dict) -> dict:
    case = step.case
    answers = step.data.get("answers") or case.answers or {}
    start = str(answers.get("from_date") or timezone.localdate().isoformat())
    receipt = _tell_council_tax(
        step,
        "award_single_person_discount",
        {
            "account_ref": _account_ref(step),
            "uprn": case.property_id,
            "name": answers.get("name", ""),
            "email": answers.get("email", ""),
            "from": start,
        },
    )
    with translation.override(language(case)):
        text = _(
            "You will get a 25%% single person discount on your council tax from %(date)s. We "
            "will send you a new bill; keep paying your current instalments until then. Tell us "
            "within 21 days if another adult moves in."
        ) % {"date": long_date(start)}
    _tell_and_close(step, text, Resolution.FIXED)
    return {"receipt": receipt}


@service_task("discount.refuse", "Tell the resident why the discount cannot be given")
def refuse(step: StepContext, params: dict) -> dict:
    with translation.override(language(step.case)):
        text = _(
            "We cannot give you a single person discount: our records show another adult "
            "living at your address. If they have left, or do not count (for example a "
            "full-time student or a live-in carer), reply to this message and tell us."
        )
    _tell_and_close(step, text, Resolution.NOT_POSSIBLE)
    return {"refused": True}


@service_task("discount.write", "Write to the resident asking about the other adults")
def write(step: StepContext, params: dict) -> dict:
    case = Case.objects.get(pk=step.case.pk)
    reply_by = timezone.localdate() + dt.timedelta(days=28)
    with translation.override(language(case)):
        text = _(
            "We are checking your single person discount. Our records show that another adult "
            "may live at your address. Please reply to this message by %(date)s to tell us "
            "whether anyone aged 18 or over lives with you. If you do not reply, we may end "
            "your discount."
        ) % {"date": long_date(reply_by)}
    case_send_update(case=case, text=text, actor=actor("single-person-discount"))
    return {"reply_by": reply_by.isoformat()}


def _decided_by_a_person(instance_id: int) -> bool:
    return ProcessStep.objects.filter(
        instance_id=instance_id,
        step_id__in=DECIDING_STEPS,
        state=StepState.DONE,
        by__isnull=False,
    ).exists()


@service_task("discount.end", "End the discount in the council tax system (a person decided)")
def end(step: StepContext, params: dict) -> dict:
    if step.data.get("discount_decision") != "end" or not _decided_by_a_person(step.instance_id):
        raise PermissionError("The discount ends only when a council tax officer decides so")
    case = step.case
    today = timezone.localdate().isoformat()
    receipt = _tell_council_tax(
        step,
        "end_single_person_discount",
        {"account_ref": step.data["holder"]["account_ref"], "on": today},
    )
    with translation.override(language(case)):
        text = _(
            "Your single person discount has ended from %(date)s, because another adult lives "
            "at your address. We will send you a new bill. If you think this is wrong, reply to "
            "this message."
        ) % {"date": long_date(today)}
    _tell_and_close(step, text, Resolution.FIXED)
    return {"receipt": receipt}


@service_task("discount.keep", "Tell the resident their discount continues")
def keep(step: StepContext, params: dict) -> dict:
    with translation.override(language(step.case)):
        text = _(
            "We have checked your single person discount and it continues. You do not need to "
            "do anything."
        )
    _tell_and_close(step, text, Resolution.FIXED)
    return {"kept": True}


def review_run(*, today: dt.date | None = None) -> list[Case]:
    """Open a review for each discount holder the single view shows another adult living with,
    once: a holder with a review still running is not reviewed again. Returns the new cases."""
    from ..services import SYSTEM, start_process  # noqa: PLC0415 (services imports this module)

    today = today or timezone.localdate()
    service = Service.objects.get(slug=REVIEW_SERVICE)
    running = {
        (instance.case.answers or {}).get("account_number")
        for instance in ProcessInstance.objects.filter(definition__key=REVIEW_KEY)
        .exclude(status=InstanceStatus.COMPLETED)
        .select_related("case")
    }
    opened = []
    for holder in systems.discount_holders():
        if holder["account_ref"] in running:
            continue
        found = other_adults(int(holder["uprn"]), holder.get("name", ""), today)
        if not found["other_adults"]:
            continue
        case = case_create(
            actor=SystemActor("single-person-discount-review"),
            service=service,
            channel=Channel.LETTER,
            answers={
                "topic": "other",
                "account_number": holder["account_ref"],
                "address": int(holder["uprn"]),
                "question": "Single person discount review: the single view shows another "
                "adult at this address.",
                "name": holder.get("name") or "Discount holder",
                "email": holder.get("email") or "",
            },
        )
        start_process(
            key=REVIEW_KEY,
            case=case,
            actor=SYSTEM,
            data={"holder": holder, "evidence": found},
        )
        opened.append(case)
    log.info("single person discount review run", extra={"opened": len(opened)})
    return opened
