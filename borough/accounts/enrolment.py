"""Staff set up their authenticator app only through a link an administrator sends them.

Whoever first signs in with a member of staff's password must not be able to choose the second
factor. So an administrator sends a single-use link (``mfa_enrolment_link_send``) that expires
after ``LINK_HOURS``; following it needs the password sign-in too (``link_check``); it lets
that session set up an authenticator app (``enrolment_allowed``), and is spent when the app is
set up (``enrolment_complete``). Only the SHA-256 of the link's token is kept.

Adding or removing an authenticator also emails its owner and is audited (``borough.accounts.
signals``).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from borough.core.actors import Actor, acting_user
from borough.core.models import AuditEvent
from borough.core.services import audit_record

from .models import MfaEnrolmentLink, User
from .policies import may_send_mfa_enrolment_link

LINK_HOURS = 72
# The session remembers which link its member of staff followed.
SESSION_KEY = "borough_mfa_enrolment_link"


class EnrolmentRefused(Exception):
    """A link that cannot be used: ``reason`` says why, for the page shown."""

    class Reason(enum.Enum):
        UNKNOWN = "unknown"
        USED = "used"
        EXPIRED = "expired"
        WRONG_ACCOUNT = "wrong_account"
        ALREADY_SET_UP = "already_set_up"

    def __init__(self, reason: EnrolmentRefused.Reason):
        super().__init__(reason.value)
        self.reason = reason


def email_send(template_prefix: str, email: str, context: dict) -> None:
    """Send the email of ``template_prefix`` (``_subject.txt`` and ``_message.txt``), with the
    council's name, in or out of a request (the operator's command line)."""
    context = {**context, "council_name": settings.COUNCIL_NAME, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    body = render_to_string(f"{template_prefix}_message.txt", context)
    send_mail(subject, body, None, [email])


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def mfa_enrolment_link_send(*, staff_member, actor: Actor) -> str:
    """Email ``staff_member`` a new link to set up their authenticator app; earlier unused
    links stop working. Returns the link (for the operator's command line). Refused with
    ``PermissionDenied`` unless ``actor`` may send it, and with ``EnrolmentRefused`` if the
    member of staff already has an app."""
    if not may_send_mfa_enrolment_link(actor, staff_member):
        raise PermissionDenied
    if _has_authenticator_app(staff_member):
        raise EnrolmentRefused(EnrolmentRefused.Reason.ALREADY_SET_UP)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        MfaEnrolmentLink.objects.filter(user=staff_member, used_at=None).delete()
        link = MfaEnrolmentLink.objects.create(
            user=staff_member,
            token_hash=_hash(token),
            created_at=now,
            created_by=acting_user(actor),
            expires_at=now + dt.timedelta(hours=LINK_HOURS),
        )
        audit_record(
            actor=acting_user(actor),
            action=AuditEvent.Action.CREATED,
            object_type="mfa_enrolment_link",
            object_id=link.pk,
            summary=f"for user {staff_member.pk}",
        )
    url = settings.SITE_URL + reverse("account_mfa_enrol", args=[token])
    email = staff_member.email
    transaction.on_commit(
        lambda: email_send(
            "account/email/mfa_enrolment_link",
            email,
            {"enrolment_url": url, "hours": LINK_HOURS},
        )
    )
    return url


def link_check(*, token: str, user) -> MfaEnrolmentLink:
    """The unused, unexpired link of ``token`` for ``user``; else ``EnrolmentRefused``."""
    link = MfaEnrolmentLink.objects.filter(token_hash=_hash(token)).first()
    if link is None:
        raise EnrolmentRefused(EnrolmentRefused.Reason.UNKNOWN)
    if link.user_id != user.pk:
        raise EnrolmentRefused(EnrolmentRefused.Reason.WRONG_ACCOUNT)
    if link.used_at is not None:
        raise EnrolmentRefused(EnrolmentRefused.Reason.USED)
    if link.expires_at <= timezone.now():
        raise EnrolmentRefused(EnrolmentRefused.Reason.EXPIRED)
    if _has_authenticator_app(user):
        raise EnrolmentRefused(EnrolmentRefused.Reason.ALREADY_SET_UP)
    return link


def _session_link(request) -> MfaEnrolmentLink | None:
    link_id = request.session.get(SESSION_KEY)
    if not link_id or not request.user.is_authenticated:
        return None
    return MfaEnrolmentLink.objects.filter(
        pk=link_id, user_id=request.user.pk, used_at=None, expires_at__gt=timezone.now()
    ).first()


def enrolment_allowed(request) -> bool:
    """May the member of staff signed in set up an authenticator app now? Only after
    following a valid link of theirs in this session."""
    return _session_link(request) is not None


def enrolment_complete(request) -> None:
    """The authenticator app was set up: the link followed in this session is spent."""
    link = _session_link(request)
    if link is not None:
        MfaEnrolmentLink.objects.filter(pk=link.pk, used_at=None).update(used_at=timezone.now())
    request.session.pop(SESSION_KEY, None)


def links_open(user_ids) -> dict[int, MfaEnrolmentLink]:
    """The unused, unexpired link of each of these users, if they have one."""
    return {
        link.user_id: link
        for link in MfaEnrolmentLink.objects.filter(
            user_id__in=list(user_ids), used_at=None, expires_at__gt=timezone.now()
        )
    }


@dataclass(frozen=True)
class StaffSignIn:
    """A staff account, whether its authenticator app is set up, and its open set-up link."""

    user: User
    has_app: bool
    open_link: MfaEnrolmentLink | None


def staff_sign_in_list() -> list[StaffSignIn]:
    """Active staff accounts, by email address, with where each stands with its app."""
    staff = list(
        User.objects.filter(kind=User.Kind.STAFF, is_active=True)
        .annotate(
            has_app=Exists(
                Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
            )
        )
        .order_by("email")
    )
    links = links_open(member.pk for member in staff)
    return [StaffSignIn(member, member.has_app, links.get(member.pk)) for member in staff]
