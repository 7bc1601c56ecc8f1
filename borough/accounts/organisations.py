"""Organisation accounts (issue 26): make one, invite and remove members, accept an invitation.

Every action asks ``organisation_policies`` first and is audited. Invitations are single-use
links with a random token of which only the SHA-256 is kept; the caller (the portal) emails the
link through Notify, which ``accounts`` may not import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.core.actors import Actor, ResidentActor
from borough.core.models import AuditEvent
from borough.core.services import audit_record

from .models import Organisation, OrganisationInvite, OrganisationMember, OrganisationRole
from .organisation_policies import may_invite_with_role, may_manage_members

INVITE_DAYS = 14


class OrganisationInvalid(Exception):
    """What was wrong with what was typed, by field, in words the person can act on."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def organisation_create(actor: Actor, *, name: str, kind: str, email: str = "") -> Organisation:
    """A signed-in resident registers an organisation and becomes its owner."""
    if not isinstance(actor, ResidentActor) or actor.user is None:
        raise PermissionDenied("Sign in to register an organisation")
    errors = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Enter the organisation's name")
    elif len(name) > 200:
        errors["name"] = _("The name must be 200 characters or fewer")
    if kind not in Organisation.Kind.values:
        errors["kind"] = _("Select what kind of organisation it is")
    email = email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _(
                "Enter an email address in the correct format, like name@example.com"
            )
    if errors:
        raise OrganisationInvalid(errors)
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, kind=kind, email=email)
        OrganisationMember.objects.create(
            organisation=organisation, user=actor.user, role=OrganisationRole.OWNER
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            object_type="accounts.organisation",
            object_id=organisation.pk,
            summary="Registered an organisation",
        )
    return organisation


def invite_create(
    actor: Actor, organisation: Organisation, *, email: str, role: str
) -> tuple[OrganisationInvite, str]:
    """An invitation for ``email`` with ``role``; returns it and the token for the link."""
    if not may_manage_members(actor, organisation):
        raise PermissionDenied("Only the organisation's owners and administrators invite")
    errors = {}
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter an email address in the correct format, like name@example.com")
    if role not in OrganisationRole.values:
        errors["role"] = _("Select a role")
    elif not may_invite_with_role(actor, organisation, role):
        errors["role"] = _("Only an owner may invite another owner")
    if not errors and organisation.members.filter(user__email=email).exists():
        errors["email"] = _("This person is already a member")
    if errors:
        raise OrganisationInvalid(errors)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invite = OrganisationInvite.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=actor.user if isinstance(actor, ResidentActor) else None,
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITE_DAYS),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATED,
        object_type="accounts.organisation",
        object_id=organisation.pk,
        summary=f"invited a new {role}",
    )
    return invite, token


def invite_find(token: str) -> OrganisationInvite | None:
    """The unused, unexpired invitation with this token, or None."""
    return (
        OrganisationInvite.objects.select_related("organisation")
        .filter(token_hash=_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def invite_accept(user, token: str) -> Organisation | None:
    """Make the signed-in ``user`` a member; None when the link is used, expired or unknown.

    The invitation names an email address; whoever holds the link and signs in accepts it (as
    with the directory's invitations), and the audit says who."""
    with transaction.atomic():
        invite = invite_find(token)
        if invite is None:
            return None
        invite = OrganisationInvite.objects.select_for_update().get(pk=invite.pk)
        if invite.accepted_at is not None:
            return None
        invite.accepted_at = timezone.now()
        invite.save(update_fields=["accepted_at"])
        OrganisationMember.objects.get_or_create(
            organisation=invite.organisation, user=user, defaults={"role": invite.role}
        )
        audit_record(
            actor=user,
            action=AuditEvent.Action.CHANGED,
            object_type="accounts.organisation",
            object_id=invite.organisation_id,
            summary=f"Joined as {invite.role}",
        )
    return invite.organisation


def member_remove(actor: Actor, member: OrganisationMember) -> None:
    """Owners and administrators remove members; the last owner stays (an account always has
    someone who can manage it); an administrator may not remove an owner."""
    organisation = member.organisation
    if not may_manage_members(actor, organisation):
        raise PermissionDenied("Only the organisation's owners and administrators remove members")
    if member.role == OrganisationRole.OWNER:
        if not may_invite_with_role(actor, organisation, OrganisationRole.OWNER):
            raise OrganisationInvalid({"member": _("Only an owner may remove an owner")})
        if organisation.members.filter(role=OrganisationRole.OWNER).count() == 1:
            raise OrganisationInvalid(
                {"member": _("The organisation needs an owner: make someone else owner first")}
            )
    with transaction.atomic():
        member.delete()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETED,
            object_type="accounts.organisation",
            object_id=organisation.pk,
            summary=f"Removed a {member.role}",
        )


def organisations_of(user) -> list[OrganisationMember]:
    """``user``'s memberships, with their organisations."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        OrganisationMember.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
