"""Actions on the register and on legal holds: each checks the policy, writes, and audits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from borough.accounts.governance_policies import may_govern_information
from borough.cases.errors import NotAllowed
from borough.core.actors import Actor
from borough.core.services import actor_label, audit_record

from .models import Article9Condition, DpiaStatus, InformationAsset, LawfulBasis, LegalHold

ASSET_TEXT_FIELDS = {
    "name": ("Enter the name of the system or data source", 150),
    "owner": ("Enter who owns it (a role, such as Head of Waste)", 150),
    "purpose": ("Enter what the data is used for", 2000),
    "data_categories": ("Enter the kinds of personal data held", 2000),
    "people_categories": ("Enter whose data it is (residents, tenants, staff…)", 2000),
    "where_held": ("Enter where the data is held", 300),
    "retention": ("Enter how long the data is kept", 300),
    "security_measures": ("Enter how the data is kept safe", 2000),
}
ASSET_OPTIONAL_FIELDS = {"shared_with": 2000}


class Invalid(ValueError):
    """What was entered cannot be saved; ``errors`` maps fields to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def _refuse_unless_allowed(actor: Actor) -> None:
    if not may_govern_information(actor):
        raise NotAllowed("Only information governance staff may do this")


def asset_clean(data: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """Check what was entered for an asset; returns the clean values and the errors."""
    errors: dict[str, str] = {}
    clean: dict = {}
    for name, (message, longest) in ASSET_TEXT_FIELDS.items():
        value = (data.get(name) or "").strip()
        if not value:
            errors[name] = message
        elif len(value) > longest:
            errors[name] = f"Use {longest} characters or fewer"
        clean[name] = value
    for name, longest in ASSET_OPTIONAL_FIELDS.items():
        value = (data.get(name) or "").strip()
        if len(value) > longest:
            errors[name] = f"Use {longest} characters or fewer"
        clean[name] = value
    basis = data.get("lawful_basis") or ""
    if basis not in LawfulBasis.values:
        errors["lawful_basis"] = "Select the lawful basis"
    clean["lawful_basis"] = basis
    special = data.get("special_category") == "yes"
    if data.get("special_category") not in ("yes", "no"):
        errors["special_category"] = "Select yes if it holds special category data"
    clean["special_category"] = special
    condition = data.get("article9_condition") or ""
    if special and condition not in Article9Condition.values:
        errors["article9_condition"] = "Select the Article 9 condition for special category data"
    clean["article9_condition"] = condition if special else ""
    dpia = data.get("dpia_status") or ""
    if dpia not in DpiaStatus.values:
        errors["dpia_status"] = "Select the DPIA status"
    clean["dpia_status"] = dpia
    clean["system_key"] = (data.get("system_key") or "").strip()[:150]
    return clean, errors


def asset_save(
    *, actor: Actor, data: dict[str, str], asset: InformationAsset | None = None
) -> InformationAsset:
    """Add an entry to the register, or change one; every field checked, nothing saved on
    error (``Invalid``)."""
    _refuse_unless_allowed(actor)
    clean, errors = asset_clean(data)
    if asset is not None:
        clean["system_key"] = asset.system_key  # which system an entry is about never changes
    elif (
        clean["system_key"]
        and InformationAsset.objects.filter(system_key=clean["system_key"]).exists()
    ):
        errors["name"] = "This system already has an entry: change that one"
    if errors:
        raise Invalid(errors)
    return save_audited(
        asset or InformationAsset(),
        clean,
        actor=actor,
        object_type="information_asset",
        summary="information asset register: {} an entry",
    )


def save_audited(record, clean: dict, *, actor: Actor, object_type: str, summary: str):
    """Save ``record`` (new or not) with the checked values ``clean`` and who saved it, and
    audit it by field name only; ``summary`` has one ``{}`` for "added" or "changed"."""
    with transaction.atomic():
        created = record.pk is None
        changed = [f for f, v in clean.items() if created or getattr(record, f) != v]
        for field, value in clean.items():
            setattr(record, field, value)
        record.updated_by = actor_label(actor)
        record.save()
        audit_record(
            actor=actor,
            action="created" if created else "changed",
            object_type=object_type,
            object_id=record.pk,
            fields=changed,
            summary=summary.format("added" if created else "changed"),
        )
    return record


def legal_hold_place(*, actor: Actor, reason: str, case=None, resident=None) -> LegalHold:
    """Stop retention for one request or one person."""
    _refuse_unless_allowed(actor)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Enter why the records must be kept"
    elif len(reason) > 300:
        errors["reason"] = "Use 300 characters or fewer"
    if (case is None) == (resident is None):
        errors["target"] = "Enter a request reference or a resident number"
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        hold = LegalHold.objects.create(
            case=case,
            resident=resident,
            reason=reason,
            placed_at=timezone.now(),
            placed_by=actor_label(actor),
        )
        audit_record(
            actor=actor,
            action="created",
            object_type="legal_hold",
            object_id=hold.pk,
            resident_id=resident.pk if resident else case.resident_id,
            summary="legal hold placed: retention stopped",
        )
    return hold


def legal_hold_release(*, actor: Actor, hold: LegalHold) -> None:
    _refuse_unless_allowed(actor)
    if hold.released_at is not None:
        return
    with transaction.atomic():
        hold.released_at = timezone.now()
        hold.released_by = actor_label(actor)
        hold.save(update_fields=["released_at", "released_by"])
        audit_record(
            actor=actor,
            action="changed",
            object_type="legal_hold",
            object_id=hold.pk,
            resident_id=hold.resident_id,
            fields=["released_at"],
            summary="legal hold released",
        )
