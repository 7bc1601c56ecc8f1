"""Background work for cases, run by the Huey consumer."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)


def _resident_email(case) -> str | None:
    """Where to write to the resident about a case: their record, or an email they answered."""
    if case.resident and case.resident.email:
        return case.resident.email
    return next(
        (
            case.answers.get(q.id)
            for q in case.service.form.questions
            if q.type == "email" and case.answers.get(q.id)
        ),
        None,
    )


@db_task(retries=3, retry_delay=30)
def case_update_email(event_id: int) -> bool:
    """Email the resident a public update on their case. Returns whether one was sent."""
    from .models import CaseEvent

    event = CaseEvent.objects.select_related("case__service", "case__resident").get(pk=event_id)
    case = event.case
    address = _resident_email(case)
    if not address or not event.is_public or not event.text:
        return False
    if case.events.filter(kind=CaseEvent.Kind.EMAIL_SENT, data__event=event.pk).exists():
        return False  # a retry after the email went
    send_mail(
        subject=f"Update on your request {case.reference}: {case.service.name}",
        message=(
            f"{event.text}\n\nStatus: {case.public_state_label}\n"
            f"Reference: {case.reference}\n\n{settings.COUNCIL_NAME}"
        ),
        from_email=None,
        recipient_list=[address],
    )
    # The timeline shows every message sent; this records the sending, not a change to the
    # case, so the case's version stays as it is.
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.EMAIL_SENT,
        is_public=False,
        text=f"Emailed to the resident: {event.headline.lower()}",
        data={"event": event.pk},
    )
    log.info("update email sent", extra={"case_id": case.pk, "event_id": event.pk})
    return True


@db_task(retries=3, retry_delay=30)
def case_acknowledge(case_id: int) -> bool:
    """Email an acknowledgement with the reference, if the resident gave an email address.

    Returns whether a message was sent. Idempotent: a retry after success sends nothing.
    """
    from .models import Case, CaseEvent

    case = Case.objects.select_related("service", "resident").get(pk=case_id)
    if case.events.filter(kind=CaseEvent.Kind.ACKNOWLEDGED).exists():
        return False
    address = _resident_email(case)
    if not address:
        return False
    send_mail(
        subject=f"{case.service.name}: your reference is {case.reference}",
        message=(
            f"We have received your request: {case.service.name}.\n\n"
            f"Your reference is {case.reference}.\n\n"
            f"We aim to deal with it by {case.due_date.day} {case.due_date:%B %Y}.\n\n"
            f"{settings.COUNCIL_NAME}"
        ),
        from_email=None,
        recipient_list=[address],
    )
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.ACKNOWLEDGED,
        is_public=False,
        text="Acknowledgement email sent",
    )
    log.info("acknowledgement sent", extra={"case_id": case.pk})
    return True


@db_periodic_task(crontab(minute="*/15"))
def sla_check_every_quarter_hour() -> str:
    """Mark cases at risk or overdue and tell team leads (``cases.services.sla_check``)."""
    from .services import sla_check

    report = sla_check(now=timezone.now())
    log.info("sla check", extra={"at_risk": len(report.at_risk), "overdue": len(report.overdue)})
    return report.summary()
