"""Receivers for allauth's MFA signals: the hub's MFA rule (borough.accounts.mfa), set-up links
(borough.accounts.enrolment), and telling people when a way to sign in is added or removed."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from borough.core.models import AuditEvent
from borough.core.services import audit_record

from .enrolment import email_send, enrolment_complete
from .memberships import membership_changed
from .mfa import record_mfa_in_session
from .models import Membership, Team

# What each kind of authenticator is called in the email telling its owner of a change.
KINDS = {
    Authenticator.Type.TOTP: "An authenticator app",
    Authenticator.Type.RECOVERY_CODES: "A set of recovery codes",
    Authenticator.Type.WEBAUTHN: "A security key",
}


@receiver(authenticator_added, dispatch_uid="accounts_mfa_done_on_totp_set_up")
def _mfa_done_when_authenticator_app_set_up(sender, request, user, authenticator, **kwargs):
    """Setting up an authenticator app takes a code from it, which proves it is at hand: the
    member of staff need not type a second code to reach the hub. The set-up link followed
    to get here is spent."""
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    if request.user.is_authenticated and request.user.pk == user.pk:
        record_mfa_in_session(request.session, user, authenticator, set_up=True)
        enrolment_complete(request)


def _tell_and_audit(request, user, authenticator, *, action: str, added: bool | None) -> None:
    acting = getattr(request, "user", None) if request is not None else None
    audit_record(
        actor=acting,
        action=action,
        object_type="authenticator",
        object_id=authenticator.pk or "-",
        summary=f"{authenticator.type} for user {user.pk}",
    )
    # Recovery codes come and go with the app they back up: one email, about the app.
    if added is None or authenticator.type != Authenticator.Type.RECOVERY_CODES:
        what = "New recovery codes" if added is None else KINDS.get(authenticator.type, "")
        email_send(
            "account/email/authenticator_changed",
            user.email,
            {"what": what or "A way to sign in", "added": added is not False},
        )


@receiver(authenticator_added, dispatch_uid="accounts_mfa_added_told")
def _authenticator_added(sender, request, user, authenticator, **kwargs):
    _tell_and_audit(request, user, authenticator, action=AuditEvent.Action.CREATED, added=True)


@receiver(authenticator_removed, dispatch_uid="accounts_mfa_removed_told")
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    _tell_and_audit(request, user, authenticator, action=AuditEvent.Action.DELETED, added=False)


@receiver(authenticator_reset, dispatch_uid="accounts_mfa_reset_told")
def _authenticator_reset(sender, request, user, authenticator, **kwargs):
    _tell_and_audit(request, user, authenticator, action=AuditEvent.Action.CHANGED, added=None)


# A membership or a team saved or deleted: every user's memberships are read again (policies).
for _model in (Membership, Team):
    for _signal in (post_save, post_delete):
        _signal.connect(
            membership_changed,
            sender=_model,
            dispatch_uid=f"policies-generation-{_model.__name__}-{id(_signal)}",
        )
