"""Writes to residents, households and needs."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.policies import (
    can_use_hub,
    may_change_resident_details,
    may_record_need,
    may_start_own_record,
)
from borough.core.actors import Actor, StaffActor, acting_user
from borough.core.languages import language_choices
from borough.core.services import audit_record

from .models import ConsentBasis, Household, Resident, ResidentNeed


@transaction.atomic
def resident_need_record(
    *,
    actor: Actor,
    resident: Resident,
    need: str,
    consent_basis: str,
    note: str = "",
) -> ResidentNeed:
    """Record a need or vulnerability flag with the consent that allows it to be kept.

    Hub staff, the resident themselves and Borough itself may
    (``accounts.policies.may_record_need``); the consent records who took it.
    """
    if not may_record_need(actor, resident):
        raise PermissionDenied
    recorded_by = acting_user(actor)
    if consent_basis not in ConsentBasis.values:
        raise ValueError("A need can only be recorded with a consent basis")
    item = ResidentNeed.objects.create(
        resident=resident,
        need=need,
        note=note,
        consent_basis=consent_basis,
        consent_recorded_at=timezone.now(),
        consent_recorded_by=recorded_by,
    )
    audit_record(
        actor=actor,
        action="created",
        object_type="resident_need",
        object_id=item.pk,
        resident_id=resident.pk,
        summary=f"need {need} for resident {resident.pk}",
    )
    return item


@transaction.atomic
def resident_claim_for_user(*, user, email: str) -> Resident | None:
    """Give a resident who has just proved they own ``email`` the records kept under it.

    Requests made without signing in keep the resident's details (``Resident``) with no user.
    Once the user has confirmed ``email``: if they have no resident record yet, the oldest
    unclaimed one with that email becomes theirs; every other unclaimed record with that email
    is merged into theirs (its cases and contacts move across, and the empty duplicate is
    removed; a duplicate with recorded needs is kept for staff to review in the single view,
    since needs carry their own consent). Staff accounts claim nothing. Returns the user's
    resident record, or ``None`` when there was nothing to claim.
    """
    if not email or getattr(user, "is_council_staff", False):
        return None
    unclaimed = list(
        Resident.objects.select_for_update()
        .filter(email__iexact=email.strip(), user__isnull=True)
        .order_by("created_at", "pk")
    )
    own = Resident.objects.filter(user=user).first()
    if not unclaimed:
        return own
    if own is None:
        own, unclaimed = unclaimed[0], unclaimed[1:]
        own.user = user
        own.save(update_fields=["user", "updated_at"])
    merged = [resident.pk for resident in unclaimed]
    if merged:
        _resident_merge(keep=own, duplicate_ids=merged)
    audit_record(
        actor=user,
        action="claimed",
        object_type="resident",
        object_id=own.pk,
        resident_id=own.pk,
        summary=f"linked to user {user.pk} on email confirmation; merged {len(merged)}",
    )
    return own


def _resident_merge(*, keep: Resident, duplicate_ids: list[int]) -> None:
    """Point every record that refers to a duplicate (cases, contacts, ...) at ``keep``."""
    for relation in Resident._meta.related_objects:
        if not relation.one_to_many or relation.related_model is ResidentNeed:
            continue
        model = relation.related_model
        assert not isinstance(model, str)  # "self" is resolved to the model once apps load
        model._default_manager.filter(**{f"{relation.field.name}__in": duplicate_ids}).update(
            **{relation.field.name: keep}
        )
    Resident.objects.filter(pk__in=duplicate_ids, needs__isnull=True).delete()


class DetailsInvalid(ValueError):
    """Contact details that cannot be saved. ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


_PHONE_CHARS = re.compile(r"^\+?[0-9 ()-]+$")


def _phone_checked(phone: str) -> str:
    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    if phone and (not _PHONE_CHARS.match(phone) or not 10 <= len(digits) <= 15):
        raise DetailsInvalid(
            {
                "phone": _(
                    "Enter a telephone number, like 01632 960 001, 07700 900 982 or "
                    "+44 808 157 0192"
                )
            }
        )
    return phone


NAME_LIMIT = 100


def _names_checked(first_name: str, last_name: str) -> tuple[str, str]:
    first, last = (first_name or "").strip(), (last_name or "").strip()
    errors = {}
    if not first:
        errors["first_name"] = _("Enter your first name")
    elif len(first) > NAME_LIMIT:
        errors["first_name"] = _("First name must be 100 characters or fewer")
    if not last:
        errors["last_name"] = _("Enter your last name")
    elif len(last) > NAME_LIMIT:
        errors["last_name"] = _("Last name must be 100 characters or fewer")
    if errors:
        raise DetailsInvalid(errors)
    return first, last


@transaction.atomic
def resident_contact_update(
    *, resident: Resident, phone: str, email_updates: bool, actor: Actor
) -> Resident:
    """A resident changes their phone number and whether we email them updates (MyAccount).

    ``actor`` must be that resident (``accounts.policies.may_change_resident_details``).
    Checks the phone number (empty removes it), saves both or neither, and audits the change
    without copying the details into the audit log.
    """
    if not may_change_resident_details(actor, resident):
        raise PermissionDenied
    resident.phone = _phone_checked(phone)
    resident.email_updates = bool(email_updates)
    resident.save(update_fields=["phone", "email_updates", "updated_at"])
    _audit_change(actor, resident, "contact details", ["phone", "email_updates"])
    return resident


@transaction.atomic
def resident_details_update(
    *,
    resident: Resident,
    first_name: str,
    last_name: str,
    phone: str,
    email_updates: bool,
    actor: Actor,
    contact_by: str | None = None,
) -> Resident:
    """A resident changes their name, phone number, whether we send them updates and how we
    contact them (``contact_by``: email, sms or letter; ``None`` leaves it as it is).

    The same checks as ``resident_contact_update``, and a first and last name are needed; a
    text needs a phone number and a letter an address we hold. Every error is raised together
    (``DetailsInvalid``) and nothing is saved unless all is right.
    """
    if not may_change_resident_details(actor, resident):
        raise PermissionDenied
    errors: dict[str, str] = {}
    names = ("", "")
    try:
        names = _names_checked(first_name, last_name)
    except DetailsInvalid as invalid:
        errors.update(invalid.errors)
    try:
        phone = _phone_checked(phone)
    except DetailsInvalid as invalid:
        errors.update(invalid.errors)
    if contact_by is not None:
        errors.update(_contact_by_checked(resident, contact_by, phone))
    if errors:
        raise DetailsInvalid(errors)
    resident.first_name, resident.last_name = names
    resident.phone = phone
    resident.email_updates = bool(email_updates)
    fields = ["first_name", "last_name", "phone", "email_updates"]
    if contact_by is not None:
        resident.contact_by = contact_by
        fields.append("contact_by")
    resident.save(update_fields=[*fields, "updated_at"])
    _audit_change(actor, resident, "details", fields)
    return resident


CONTACT_CHANNELS = ("email", "sms", "letter")


def _contact_by_checked(resident: Resident, contact_by: str, phone: str) -> dict[str, str]:
    if contact_by not in CONTACT_CHANNELS:
        return {"contact_by": _("Select how you want us to contact you")}
    if contact_by == "sms" and not phone:
        return {"phone": _("Enter a mobile phone number to get text messages")}
    household = resident.household
    if contact_by == "letter" and (household is None or household.moved_out is not None):
        return {"contact_by": _("Add your address to your account to get letters")}
    return {}


@transaction.atomic
def resident_address_set(*, resident: Resident, prop, actor: Actor) -> Resident:
    """A resident tells us where they live (MyAccount): they join a household of their own at
    that property. The household they leave is marked moved out if nobody else is in it; a
    household shared with others is left as it is for staff to review."""
    if not may_change_resident_details(actor, resident):
        raise PermissionDenied
    current = resident.household
    if current is not None and current.property_id == prop.pk:
        return resident
    today = timezone.localdate()
    resident.household = Household.objects.create(property=prop, moved_in=today)
    resident.save(update_fields=["household", "updated_at"])
    if current is not None and not current.members.exclude(pk=resident.pk).exists():
        current.moved_out = today
        current.save(update_fields=["moved_out", "updated_at"])
    _audit_change(actor, resident, "address", ["household"])
    return resident


def resident_language_set(*, resident: Resident, language: str, actor: Actor) -> Resident:
    """The language we write to the resident in (emails, texts, letters; ``core.languages``):
    set by the resident in MyAccount, or by staff for them (on the phone, at a desk)."""
    staff = isinstance(actor, StaffActor) and can_use_hub(actor.user)
    if not (staff or may_change_resident_details(actor, resident)):
        raise PermissionDenied
    if language not in {code for code, _name, _machine in language_choices()}:
        raise DetailsInvalid({"preferred_language": _("Select a language from the list")})
    if resident.preferred_language != language:
        resident.preferred_language = language
        resident.save(update_fields=["preferred_language", "updated_at"])
        audit_record(
            actor=acting_user(actor),
            action="changed",
            object_type="resident",
            object_id=resident.pk,
            resident_id=resident.pk,
            fields=["preferred_language"],
            summary=f"language of resident {resident.pk} changed",
        )
    return resident


def _audit_change(actor: Actor, resident: Resident, what: str, fields: list[str]) -> None:
    audit_record(
        actor=acting_user(actor),
        action="changed",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        fields=fields,
        summary=f"{what} of resident {resident.pk} changed by the resident",
    )


def resident_for_account(*, user, actor: Actor) -> Resident:
    """The signed-in resident's own record, started from their account if they have none yet.

    A new account has no resident record until it makes a request or adds its details; the
    record keeps the account's email address and name, so requests made while signed in are
    theirs and acknowledged. Only the account's own resident may start it.
    """
    if not may_start_own_record(actor, user):
        raise PermissionDenied
    existing = Resident.objects.filter(user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            resident = Resident.objects.create(
                user=user,
                email=user.email or "",
                first_name=(user.first_name or "")[:NAME_LIMIT],
                last_name=(user.last_name or "")[:NAME_LIMIT],
            )
            audit_record(
                actor=user,
                action="created",
                object_type="resident",
                object_id=resident.pk,
                summary=f"resident record started for user {user.pk} by the resident",
            )
    except IntegrityError:
        # The same account started one at the same moment (two tabs): use that one.
        return Resident.objects.get(user=user)
    return resident
