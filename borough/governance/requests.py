"""Subject access requests as a workflow: logged with the one-month clock, extended by up to two
further months with a reason, items withheld by the officer, released once (issue 23).

The clock follows the ICO: a month from the day the request is received, to the same date next
month (or that month's last day if it has no such date); complex or numerous requests may be
extended by up to two further months, and the person must be told within the first month.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone

from borough.accounts.governance_policies import may_govern_information
from borough.cases.errors import NotAllowed
from borough.core.actors import Actor
from borough.core.services import actor_label, audit_record
from borough.people.models import Resident

from .models import SubjectAccessRequest
from .services import Invalid

MAX_EXTENSION_MONTHS = 2


def add_months(day: dt.date, months: int) -> dt.date:
    """The same date ``months`` later, or that month's last day if it has no such date."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _refuse_unless_allowed(actor: Actor) -> None:
    if not may_govern_information(actor):
        raise NotAllowed("Only information governance staff may handle subject access requests")


def _audit(actor: Actor, sar: SubjectAccessRequest, action: str, summary: str, fields=()):
    audit_record(
        actor=actor,
        action=action,
        object_type="subject_access_request",
        object_id=sar.pk,
        resident_id=sar.resident_id,
        fields=fields,
        summary=summary,
    )


def sar_log(
    *, actor: Actor, resident_id: str, requester_name: str, received_on: dt.date | None
) -> SubjectAccessRequest:
    """Log a request for one resident; the clock starts on the day it was received."""
    _refuse_unless_allowed(actor)
    errors = {}
    resident = (
        Resident.objects.filter(pk=int(resident_id)).first()
        if str(resident_id).strip().isdigit()
        else None
    )
    if resident is None:
        errors["resident"] = "Enter the number of a resident on Borough (from their hub page)"
    name = (requester_name or "").strip()
    if not name:
        errors["requester_name"] = "Enter the name of the person who asked"
    elif len(name) > 200:
        errors["requester_name"] = "Use 200 characters or fewer"
    today = timezone.localdate()
    if received_on is None:
        errors["received_on"] = "Enter the date the request was received, like 27/3/2026"
    elif received_on > today:
        errors["received_on"] = "The date the request was received must be today or in the past"
    if errors:
        raise Invalid(errors)
    assert received_on is not None and resident is not None
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            resident=resident,
            requester_name=name,
            received_on=received_on,
            due_on=add_months(received_on, 1),
            logged_by=actor_label(actor),
            logged_at=timezone.now(),
        )
        _audit(actor, sar, "created", "subject access request logged")
    return sar


def sar_extend(*, actor: Actor, sar: SubjectAccessRequest, months: str, reason: str) -> None:
    """Extend the deadline by one or two further months (complex or numerous requests)."""
    _refuse_unless_allowed(actor)
    errors = {}
    if months not in ("1", "2"):
        errors["months"] = f"Select 1 or {MAX_EXTENSION_MONTHS} further months"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter why the request needs longer (it is complex or one of many)"
    elif len(reason) > 300:
        errors["reason"] = "Use 300 characters or fewer"
    if sar.status != SubjectAccessRequest.Status.RECEIVED:
        errors["months"] = "This request has been released: it cannot be extended"
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        sar.extended_to = add_months(sar.received_on, 1 + int(months))
        sar.extension_reason = reason
        sar.save(update_fields=["extended_to", "extension_reason"])
        _audit(actor, sar, "changed", "subject access request extended", ["extended_to"])


def sar_review(
    *, actor: Actor, sar: SubjectAccessRequest, withheld: dict[str, str], identity_checked: bool
) -> None:
    """Record what the officer withholds (each with its reason) and the identity check."""
    _refuse_unless_allowed(actor)
    if sar.status != SubjectAccessRequest.Status.RECEIVED:
        raise Invalid({"withheld": "This request has been released: it cannot be changed"})
    missing = [key for key, why in withheld.items() if not why.strip()]
    if missing:
        raise Invalid({"withheld": "Enter why each item is withheld (for example: third party)"})
    with transaction.atomic():
        sar.withheld = {key: why.strip()[:200] for key, why in withheld.items()}
        sar.identity_checked = identity_checked
        sar.save(update_fields=["withheld", "identity_checked"])
        _audit(actor, sar, "changed", "subject access request reviewed", ["withheld"])


def sar_release(*, actor: Actor, sar: SubjectAccessRequest) -> None:
    """Release the package: only once the person's identity has been checked."""
    _refuse_unless_allowed(actor)
    if sar.status != SubjectAccessRequest.Status.RECEIVED:
        raise Invalid({"release": "This request has already been released"})
    if not sar.identity_checked:
        raise Invalid({"release": "Check the person's identity before releasing their data"})
    if sar.resident_id is None:
        raise Invalid({"release": "The resident's record no longer exists"})
    with transaction.atomic():
        sar.status = SubjectAccessRequest.Status.RELEASED
        sar.released_at = timezone.now()
        sar.released_by = actor_label(actor)
        sar.save(update_fields=["status", "released_at", "released_by"])
        _audit(actor, sar, "exported", "subject access request released", ["status"])
