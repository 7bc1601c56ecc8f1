"""Reminders sent each morning (``tasks``): a session tomorrow, a loan due back within a
week, and the follow-up survey three months after handover. Each once: the time it was sent
is kept, so a second run the same day sends nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import messages
from .models import Booking, Loan, SkillsSession, Survey

RETURN_REMINDER_DAYS = 7
SURVEY_AFTER_DAYS = 91  # three months


def reminders_send(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    sent = {"sessions": 0, "returns": 0, "surveys": 0}
    soon = SkillsSession.objects.filter(
        reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=now + dt.timedelta(hours=36)
    )
    for session in soon:
        for booking in Booking.objects.filter(
            session=session, cancelled_at__isnull=True
        ).select_related("resident", "session"):
            sent["sessions"] += messages.session_reminder(booking)
        session.reminded_at = now
        session.save(update_fields=["reminded_at"])
    due = Loan.objects.filter(
        status=Loan.Status.OUT,
        reminded_at__isnull=True,
        due_back__lte=timezone.localdate(now) + dt.timedelta(days=RETURN_REMINDER_DAYS),
    ).select_related("resident", "device")
    for loan in due:
        sent["returns"] += messages.return_reminder(loan)
        loan.reminded_at = now
        loan.save(update_fields=["reminded_at", "updated_at"])
    ready = Loan.objects.filter(
        handed_over_at__lte=now - dt.timedelta(days=SURVEY_AFTER_DAYS), survey__isnull=True
    ).select_related("resident")
    for loan in ready:
        survey = Survey.objects.create(loan=loan, sent_at=now)
        sent["surveys"] += messages.survey_invite(survey)
    return sent
