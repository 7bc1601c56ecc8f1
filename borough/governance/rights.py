"""Rectification (UK GDPR Article 16) and objection (Article 21) as workflows (issue 23, point 4).

A request is logged with its one-month clock (extendable by two further months, as a subject
access request: ``requests.add_months``), an officer decides it with reasons, and the person is
told the outcome in their language (``outcomes``): by email where Borough holds their address,
else by a letter the officer prints and marks as posted.

Upheld, a rectification corrects the record where Borough holds it: the resident's own details
(and Borough's copy of them in the single view), or one single view source record, whose
correction updates the golden record and is made again by every later import until the source
system holds it (``singleview.corrections``). Refused, it names the exemption: the data is
accurate (the person's view stays noted on the request), or the request is manifestly
unfounded or excessive.

Upheld, an objection stops the processing for that person (``people.ProcessingObjection``,
honoured by the single view's import and joins and by every call to the language model).
Refused, it names the ground a council relies on: compelling legitimate grounds for its public
task, a legal obligation (to which the right does not apply), or legal claims.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from borough.accounts.governance_policies import may_govern_information
from borough.cases.errors import NotAllowed
from borough.core.actors import Actor
from borough.core.services import actor_label, audit_record
from borough.notify.services import send_email
from borough.people.models import ProcessingActivity, ProcessingObjection, Resident
from borough.singleview.corrections import (
    CORRECTABLE,
    CorrectionInvalid,
    current_value,
    parse_date,
    record_correct,
    value_checked,
)
from borough.singleview.models import BOROUGH_RESIDENTS_SOURCE, SourceRecord
from borough.singleview.objections import linking_stop

from .models import RightsRequest
from .outcomes import outcome_message
from .requests import add_months
from .services import Invalid

logger = logging.getLogger(__name__)

RESIDENT_RECORD = "resident"
#: The resident's own details a rectification may correct, and their single view field.
RESIDENT_FIELDS = {
    "first_name": ("First name", "first_name"),
    "last_name": ("Last name", "last_name"),
    "date_of_birth": ("Date of birth", "dob"),
    "email": ("Email address", "email"),
    "phone": ("Phone number", "phone"),
}
REFUSALS = {
    RightsRequest.Kind.RECTIFICATION: (
        RightsRequest.Exemption.ACCURATE,
        RightsRequest.Exemption.UNFOUNDED,
    ),
    RightsRequest.Kind.OBJECTION: (
        RightsRequest.Exemption.COMPELLING,
        RightsRequest.Exemption.LEGAL_OBLIGATION,
        RightsRequest.Exemption.LEGAL_CLAIMS,
        RightsRequest.Exemption.UNFOUNDED,
    ),
}


def _refuse_unless_allowed(actor: Actor) -> None:
    if not may_govern_information(actor):
        raise NotAllowed("Only information governance staff may handle these requests")


def _audit(actor: Actor, request: RightsRequest, action: str, summary: str, fields=()):
    audit_record(
        actor=actor,
        action=action,
        object_type="rights_request",
        object_id=request.pk,
        resident_id=request.resident_id,
        fields=fields,
        summary=summary,
    )


def source_record_for(resident: Resident, record_id: str) -> SourceRecord | None:
    """A single view record linked to ``resident`` (no one else's record may be corrected)."""
    return (
        SourceRecord.objects.filter(record_id=record_id.strip(), person__resident=resident)
        .select_related("person")
        .first()
    )


def _resident_value_checked(field: str, value: str) -> str:
    value = (value or "").strip()
    if field not in RESIDENT_FIELDS:
        raise Invalid({"field": "Select which detail is wrong"})
    if field in ("first_name", "last_name"):
        if not value or len(value) > 100:
            raise Invalid({"corrected_value": "Enter the correct name, 100 characters or fewer"})
    elif field == "date_of_birth":
        try:
            return parse_date(value).isoformat()
        except ValueError:
            raise Invalid({"corrected_value": "Enter a real date, like 27/3/1980"}) from None
    elif field == "email":
        try:
            validate_email(value)
        except ValidationError:
            raise Invalid(
                {"corrected_value": "Enter an email address, like name@example.com"}
            ) from None
    elif field == "phone":
        digits = "".join(c for c in value if c.isdigit())
        if not 10 <= len(digits) <= 15 or set(value) - set("+0123456789 ()-"):
            raise Invalid({"corrected_value": "Enter a phone number, like 07700 900 982"})
    return value


def _current(resident: Resident, record: str, field: str) -> str:
    if record == RESIDENT_RECORD:
        value = getattr(resident, field)
        return value.isoformat() if isinstance(value, dt.date) else str(value or "")
    source = source_record_for(resident, record)
    return current_value(source, field) if source else ""


def _checked_target(resident: Resident | None, data: dict) -> tuple[dict, dict[str, str]]:
    """The rectification's record, field and corrected value, checked."""
    record = (data.get("record") or "").strip()
    field = data.get("field") or ""
    value = data.get("corrected_value") or ""
    errors: dict[str, str] = {}
    if record == "source":
        record = (data.get("record_id") or "").strip()
        if resident is not None and source_record_for(resident, record) is None:
            errors["record_id"] = (
                "Enter the id of a single view record linked to this resident, like housing:H1"
            )
    elif record != RESIDENT_RECORD:
        errors["record"] = "Select which record is wrong"
    if not errors and resident is not None:
        try:
            if record == RESIDENT_RECORD:
                value = _resident_value_checked(field, value)
            else:
                value = value_checked(field, value)
        except (Invalid, CorrectionInvalid) as invalid:
            errors.update(
                {("corrected_value" if k == "value" else k): v for k, v in invalid.errors.items()}
            )
    return {"record": record, "field": field, "corrected_value": value}, errors


def rights_log(
    *, actor: Actor, kind: str, data: dict, received_on: dt.date | None
) -> RightsRequest:
    """Log a rectification (``data``: resident, requester_name, grounds, record, record_id,
    field, corrected_value) or an objection (resident, requester_name, grounds, activity);
    every field checked, nothing saved on error (``Invalid``)."""
    _refuse_unless_allowed(actor)
    errors: dict[str, str] = {}
    raw = str(data.get("resident") or "").strip()
    resident = Resident.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if resident is None:
        errors["resident"] = "Enter the number of a resident on Borough (from their hub page)"
    name = (data.get("requester_name") or "").strip()
    if not name or len(name) > 200:
        errors["requester_name"] = (
            "Enter the name of the person who asked (200 characters or fewer)"
        )
    grounds = (data.get("grounds") or "").strip()
    if not grounds or len(grounds) > 2000:
        errors["grounds"] = "Enter what the person said, in 2,000 characters or fewer"
    if received_on is None:
        errors["received_on"] = "Enter the date the request was received, like 27/3/2026"
    elif received_on > timezone.localdate():
        errors["received_on"] = "The date the request was received must be today or in the past"
    fields: dict = {}
    if kind == RightsRequest.Kind.RECTIFICATION:
        fields, target_errors = _checked_target(resident, data)
        errors.update(target_errors)
    elif kind == RightsRequest.Kind.OBJECTION:
        fields = {"activity": data.get("activity") or ""}
        if fields["activity"] not in ProcessingActivity.values:
            errors["activity"] = "Select the processing the person objects to"
    else:
        errors["kind"] = "Select a rectification or an objection"
    if errors:
        raise Invalid(errors)
    assert resident is not None and received_on is not None
    if kind == RightsRequest.Kind.RECTIFICATION:
        fields["was"] = _current(resident, fields["record"], fields["field"])
    with transaction.atomic():
        request = RightsRequest.objects.create(
            kind=kind,
            resident=resident,
            requester_name=name,
            grounds=grounds,
            received_on=received_on,
            due_on=add_months(received_on, 1),
            logged_by=actor_label(actor),
            logged_at=timezone.now(),
            **fields,
        )
        _audit(actor, request, "created", f"{request.get_kind_display()} logged")
    return request


def rights_extend(*, actor: Actor, request: RightsRequest, months: str, reason: str) -> None:
    """One or two further months for a complex request (Article 12(3))."""
    _refuse_unless_allowed(actor)
    errors = {}
    if months not in ("1", "2"):
        errors["months"] = "Select 1 or 2 further months"
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        errors["extension_reason"] = (
            "Enter why the request needs longer, in 300 characters or fewer"
        )
    if request.status != RightsRequest.Status.RECEIVED:
        errors["months"] = "This request has been decided: it cannot be extended"
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        request.extended_to = add_months(request.received_on, 1 + int(months))
        request.extension_reason = reason
        request.save(update_fields=["extended_to", "extension_reason"])
        _audit(actor, request, "changed", "rights request extended", ["extended_to"])


def _rectify(actor: Actor, request: RightsRequest, resident: Resident) -> None:
    if request.record == RESIDENT_RECORD:
        value = _resident_value_checked(request.field, request.corrected_value)
        setattr(
            resident,
            request.field,
            dt.date.fromisoformat(value) if request.field == "date_of_birth" else value,
        )
        resident.save(update_fields=[request.field, "updated_at"])
        audit_record(
            actor=actor,
            action="changed",
            object_type="resident",
            object_id=resident.pk,
            resident_id=resident.pk,
            fields=[request.field],
            summary=f"resident's details corrected (rectification {request.reference})",
        )
        # Borough's own copy of the resident in the single view, if it holds one.
        record = SourceRecord.objects.filter(
            source=BOROUGH_RESIDENTS_SOURCE, source_id=str(resident.pk)
        ).first()
        target, field = record, RESIDENT_FIELDS[request.field][1]
    else:
        target, field = source_record_for(resident, request.record), request.field
        if target is None:
            raise Invalid({"decision": "That record is no longer in the single view"})
    if target is not None:
        record_correct(
            actor=actor,
            record=target,
            field=field,
            value=request.corrected_value,
            reference=request.reference,
        )


def _object(actor: Actor, request: RightsRequest, resident: Resident) -> None:
    ProcessingObjection.objects.get_or_create(
        resident=resident,
        activity=request.activity,
        defaults={
            "upheld_at": timezone.now(),
            "upheld_by": actor_label(actor),
            "reference": request.reference,
        },
    )
    if request.activity == ProcessingActivity.SINGLE_VIEW:
        linking_stop(resident.pk)


def rights_decide(
    *, actor: Actor, request: RightsRequest, decision: str, exemption: str, reasons: str
) -> RightsRequest:
    """Uphold (and do it) or refuse (naming the exemption) the request, with reasons; then tell
    the person. ``Invalid`` and nothing changed if anything is missing or wrong."""
    _refuse_unless_allowed(actor)
    errors: dict[str, str] = {}
    if request.status != RightsRequest.Status.RECEIVED:
        errors["decision"] = "This request has already been decided"
    if decision not in ("upheld", "refused"):
        errors["decision"] = "Select whether the request is upheld or refused"
    if decision == "refused" and exemption not in REFUSALS[RightsRequest.Kind(request.kind)]:
        errors["exemption"] = "Select the exemption the refusal relies on"
    reasons = (reasons or "").strip()
    if not reasons or len(reasons) > 2000:
        errors["reasons"] = "Enter the reasons for the decision, in 2,000 characters or fewer"
    resident = request.resident
    if resident is None:
        errors["decision"] = "The resident's record no longer exists"
    if errors:
        raise Invalid(errors)
    assert resident is not None
    with transaction.atomic():
        if decision == "upheld":
            if request.kind == RightsRequest.Kind.RECTIFICATION:
                _rectify(actor, request, resident)
            else:
                _object(actor, request, resident)
        request.status = decision
        request.exemption = exemption if decision == "refused" else ""
        request.decision_reasons = reasons
        request.decided_at = timezone.now()
        request.decided_by = actor_label(actor)
        request.save()
        _audit(actor, request, "changed", f"rights request {decision}", ["status"])
        _tell(actor, request, resident)
    return request


def _tell(actor: Actor, request: RightsRequest, resident: Resident) -> None:
    """Email the outcome where Borough holds an address; else the officer posts the letter."""
    if not resident.email:
        request.told_how = "By letter: no email address held. Print the letter and post it"
        request.save(update_fields=["told_how"])
        return
    subject, text = outcome_message(request, resident.preferred_language)
    try:
        send_email(
            to=resident.email,
            template_key="rights_outcome",
            context={"subject": subject, "text": text},
        )
    except Exception:  # the provider failed (recorded in the outbox): the decision stands
        logger.warning("rights outcome email not sent", extra={"rights_request": request.pk})
        request.told_how = "The email could not be sent (see the outbox): print the letter"
        request.save(update_fields=["told_how"])
        return
    request.told_at = timezone.now()
    request.told_how = f"By email to {resident.email}"
    request.save(update_fields=["told_at", "told_how"])
    _audit(actor, request, "changed", "person told the outcome by email", ["told_at"])


def rights_letter_posted(*, actor: Actor, request: RightsRequest) -> None:
    """The officer has posted the outcome letter."""
    _refuse_unless_allowed(actor)
    if request.status == RightsRequest.Status.RECEIVED or request.told_at is not None:
        raise Invalid({"posted": "There is no letter waiting to be posted"})
    with transaction.atomic():
        request.told_at = timezone.now()
        request.told_how = "By letter, posted"
        request.save(update_fields=["told_at", "told_how"])
        _audit(actor, request, "changed", "person told the outcome by letter", ["told_at"])


def field_labels(request: RightsRequest) -> str:
    if request.record == RESIDENT_RECORD:
        return RESIDENT_FIELDS.get(request.field, (request.field,))[0]
    return CORRECTABLE.get(request.field, request.field)
