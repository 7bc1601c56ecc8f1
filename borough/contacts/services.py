"""Recording contacts and form sessions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.policies import may_log_contact
from borough.catalogue.uploads import uploads_hold
from borough.core.actors import Actor, staff_user
from borough.core.channels import Channel
from borough.core.services import audit_record

from .models import Contact, Feedback, FormSession


def contact_record(
    *,
    channel: str,
    resident=None,
    case=None,
    service=None,
    handled_by=None,
    reason: str = "",
    outcome: str = "",
    duration_seconds: int | None = None,
    started_at=None,
    direction: str = Contact.Direction.INBOUND,
    into: Contact | None = None,
) -> Contact:
    """Record one contact with the council on any channel.

    ``into`` is a contact the channel recorded already when the resident got in touch (a chat
    has one from its start): what the contact led to is written on it instead, so one
    conversation counts as one contact. It keeps its channel, direction and start.
    """
    if into is not None:
        into.case, into.service, into.reason, into.outcome = case, service, reason[:200], outcome
        if resident is not None:
            into.resident = resident
        if handled_by is not None:
            into.handled_by = handled_by
        if duration_seconds is not None:
            into.duration_seconds = duration_seconds
        into.save(
            update_fields=[
                "case",
                "service",
                "reason",
                "outcome",
                "resident",
                "handled_by",
                "duration_seconds",
            ]
        )
        return into
    return Contact.objects.create(
        channel=channel,
        direction=direction,
        started_at=started_at or timezone.now(),
        duration_seconds=duration_seconds,
        resident=resident,
        case=case,
        service=service,
        handled_by=handled_by,
        reason=reason[:200],
        outcome=outcome,
    )


def form_session_start(*, service, channel: str) -> FormSession:
    """A resident has started a service's online form."""
    return FormSession.objects.create(service=service, channel=channel, started_at=timezone.now())


def form_session_finish(*, token, outcome: str, case=None) -> FormSession | None:
    """Mark a form session as finished (submitted, or ended at an exit page). Idempotent."""
    session = FormSession.objects.filter(token=token).first()
    if session is None or session.completed_at is not None:
        return session
    session.completed_at = timezone.now()
    session.outcome = outcome
    session.case = case
    session.saved_answers, session.saved_postcodes, session.saved_at = {}, {}, None
    session.save(
        update_fields=[
            "completed_at",
            "outcome",
            "case",
            "saved_answers",
            "saved_postcodes",
            "saved_at",
        ]
    )
    return session


# How long a signed-in resident's unfinished answers are kept.
SAVED_FORM_DAYS = 28


def form_session_save(*, token, user, answers: dict, postcodes: dict) -> None:
    """Keep a signed-in resident's answers so far, to come back to on any device."""
    now = timezone.now()
    FormSession.objects.filter(token=token, completed_at__isnull=True).update(
        user=user, saved_answers=answers, saved_postcodes=postcodes, saved_at=now
    )
    # The files the answers name are kept as long as the saved form is (issue 16).
    uploads_hold(answers, until=now + dt.timedelta(days=SAVED_FORM_DAYS))


def form_sessions_expire() -> int:
    """Wipe saved answers older than SAVED_FORM_DAYS. Returns how many were wiped."""
    before = timezone.now() - dt.timedelta(days=SAVED_FORM_DAYS)
    return FormSession.objects.filter(saved_at__lt=before).update(
        saved_answers={}, saved_postcodes={}, saved_at=None
    )


class ContactInvalid(ValueError):
    """A contact that staff tried to log cannot be saved. ``errors`` maps fields to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


# Channels a member of staff takes a contact on (web, chat and voice are logged automatically).
STAFFED_CHANNELS = (Channel.PHONE, Channel.FACE_TO_FACE, Channel.EMAIL, Channel.LETTER)


def contact_log(
    *, actor: Actor, resident, channel: str, reason: str, outcome: str, minutes: str
) -> Contact:
    """Log a contact an agent handled for a resident (assisted digital), checking every field.

    Only hub staff may (``accounts.policies.may_log_contact``); the contact records who handled
    it.
    """
    if not may_log_contact(actor):
        raise PermissionDenied
    errors = {}
    if channel not in STAFFED_CHANNELS:
        errors["channel"] = "Choose how the resident contacted us"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter what the contact was about"
    elif len(reason) > 200:
        errors["reason"] = "What the contact was about must be 200 characters or less"
    if outcome not in Contact.Outcome.values:
        errors["outcome"] = "Choose the outcome of the contact"
    minutes = (minutes or "").strip()
    if minutes and (not minutes.isdigit() or not 0 < int(minutes) <= 600):
        errors["minutes"] = "Enter the length of the contact in minutes, from 1 to 600"
    if errors:
        raise ContactInvalid(errors)
    contact = contact_record(
        channel=channel,
        resident=resident,
        handled_by=staff_user(actor),
        reason=reason,
        outcome=outcome,
        duration_seconds=int(minutes) * 60 if minutes else None,
    )
    audit_record(
        actor=actor,
        action="created",
        object_type="contact",
        object_id=contact.pk,
        resident_id=resident.pk,
        summary=f"contact logged for resident {resident.pk}",
    )
    return contact


FEEDBACK_COMMENT_LIMIT = 1200


def feedback_record(
    *, service, channel: str, point: str, score: str, comment: str = "", case=None
) -> Feedback:
    """Keep a resident's satisfaction answer. Raises ``ContactInvalid`` with what to fix."""
    errors: dict[str, str] = {}
    value = int(score) if str(score).isdigit() else None
    if value not in Feedback.Score.values:
        errors["score"] = _("Select how satisfied you were with this service")
    comment = (comment or "").strip()
    if len(comment) > FEEDBACK_COMMENT_LIMIT:
        errors["comment"] = _("Your comments must be %(limit)d characters or fewer") % {
            "limit": FEEDBACK_COMMENT_LIMIT
        }
    if point not in Feedback.Point.values:
        errors["score"] = _("This feedback cannot be recorded here")
    if errors:
        raise ContactInvalid(errors)
    assert value is not None  # not one of the scores, so refused above
    return Feedback.objects.create(
        service=service,
        channel=channel,
        point=point,
        score=value,
        comment=comment,
        case=case,
        given_at=timezone.now(),
    )


def form_session_discard(*, token, user) -> bool:
    """A signed-in resident deletes a form they saved. Returns whether there was one."""
    return bool(
        FormSession.objects.filter(token=token, user=user, completed_at__isnull=True)
        .exclude(saved_at=None)
        .update(saved_answers={}, saved_postcodes={}, saved_at=None)
    )
