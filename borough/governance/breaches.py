"""The breach log (issue 23, point 6): a suspected breach is logged with the moment it was
found, which starts the 72 hours to tell the ICO (Article 33); the systems it touched come from
the register, and the people it affected from the audit log (whose records an account saw in a
window of time)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from borough.accounts.governance_policies import may_govern_information
from borough.accounts.models import User
from borough.cases.errors import NotAllowed
from borough.core.actors import Actor
from borough.core.models import AuditEvent
from borough.core.services import actor_label, audit_record

from .models import Breach
from .register import register_rows
from .services import Invalid


def _refuse_unless_allowed(actor: Actor) -> None:
    if not may_govern_information(actor):
        raise NotAllowed("Only information governance staff may use the breach log")


def _audit(actor: Actor, breach: Breach, action: str, summary: str, fields=()) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="breach",
        object_id=breach.pk,
        fields=fields,
        summary=summary,
    )


def breach_log(
    *,
    actor: Actor,
    title: str,
    description: str,
    discovered_at: dt.datetime | None,
    risk: str,
    systems: list[str],
    data_categories: str,
) -> Breach:
    """Log a suspected breach; every field checked, nothing saved on error."""
    _refuse_unless_allowed(actor)
    errors: dict[str, str] = {}
    title, description = (title or "").strip(), (description or "").strip()
    data_categories = (data_categories or "").strip()
    if not title:
        errors["title"] = "Enter a short name for the breach"
    elif len(title) > 200:
        errors["title"] = "Use 200 characters or fewer"
    if not description:
        errors["description"] = "Enter what happened"
    if discovered_at is None:
        errors["discovered_at"] = "Enter when the breach was found, like 27 3 2026 and 14:30"
    elif discovered_at > timezone.now():
        errors["discovered_at"] = "When the breach was found must be in the past"
    if risk not in Breach.Risk.values:
        errors["risk"] = "Select the risk to the people affected"
    known = {row.key for row in register_rows()}
    if any(key not in known for key in systems):
        errors["systems"] = "Select systems from the register"
    if not data_categories:
        errors["data_categories"] = "Enter the kinds of personal data involved"
    if errors:
        raise Invalid(errors)
    assert discovered_at is not None
    with transaction.atomic():
        breach = Breach.objects.create(
            title=title,
            description=description,
            discovered_at=discovered_at,
            risk=risk,
            systems=sorted(set(systems)),
            data_categories=data_categories,
            logged_by=actor_label(actor),
            logged_at=timezone.now(),
        )
        _audit(actor, breach, "created", "breach logged")
    return breach


def breach_find_affected(
    *, actor: Actor, breach: Breach, staff_email: str, start: dt.date | None, end: dt.date | None
) -> list[int]:
    """Whose records the account ``staff_email`` saw, changed or exported between ``start``
    and ``end`` (whole days), from the audit log; kept on the breach."""
    _refuse_unless_allowed(actor)
    errors: dict[str, str] = {}
    account = User.objects.filter(email__iexact=(staff_email or "").strip()).first()
    if account is None:
        errors["staff_email"] = "Enter the email address of an account on Borough"
    if start is None or end is None:
        errors["start"] = "Enter the first and last day, like 27 3 2026"
    elif start > end:
        errors["start"] = "The first day must be on or before the last day"
    if errors:
        raise Invalid(errors)
    assert start is not None and end is not None and account is not None
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    seen = AuditEvent.objects.filter(actor=account, at__gte=since, at__lt=until)
    ids = sorted({pk for pk in seen.values_list("resident_id", flat=True) if pk is not None})
    with transaction.atomic():
        breach.affected_resident_ids = ids
        breach.affected_found_by = (
            f"records seen by user {account.pk} from {start:%d %b %Y} to {end:%d %b %Y}"
        )
        breach.save(update_fields=["affected_resident_ids", "affected_found_by"])
        _audit(actor, breach, "changed", "breach: people affected found", ["affected"])
    return ids


def breach_reported(*, actor: Actor, breach: Breach, reference: str) -> None:
    """Record that the ICO was told, with its case reference."""
    _refuse_unless_allowed(actor)
    reference = (reference or "").strip()
    if not reference or len(reference) > 60:
        raise Invalid({"ico_reference": "Enter the ICO's reference for the report"})
    with transaction.atomic():
        breach.reported_to_ico_at = timezone.now()
        breach.ico_reference = reference
        breach.save(update_fields=["reported_to_ico_at", "ico_reference"])
        _audit(actor, breach, "changed", "breach reported to the ICO", ["reported_to_ico_at"])
