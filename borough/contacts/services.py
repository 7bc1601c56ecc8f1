"""Recording contacts and form sessions."""

from __future__ import annotations

from django.utils import timezone

from .models import Contact, FormSession


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
) -> Contact:
    """Record one contact with the council on any channel."""
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
    session.save(update_fields=["completed_at", "outcome", "case"])
    return session
