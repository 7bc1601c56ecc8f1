"""Messages about cases, sent in the background by the Huey consumer.

Actions queue these after their transaction commits (``cases.side_effects``); the tasks read
the case and write to people, and import no action, so actions and tasks never import each
other. The SLA check's schedule lives with the check (``cases.sla``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import db_task

from borough.accounts.models import Membership, Role
from borough.notify.services import send_email

from .models import Case, CaseEvent
from .selectors import case_contact_email
from .tracking import case_resident_url

log = logging.getLogger(__name__)


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


def from_outside(event) -> bool:
    """Whether an event's text was written by another system (an API client or a connector)."""
    source = (event.data or {}).get("source") or {}
    return bool(source.get("api_client") or source.get("connector"))


@db_task(retries=3, retry_delay=30)
def case_update_email(event_id: int) -> bool:
    """Email the resident a public update on their case. Returns whether one was sent."""
    event = CaseEvent.objects.select_related("case__service", "case__resident").get(pk=event_id)
    case = event.case
    address = case_contact_email(case, update=True)
    if not address or not event.is_public or not event.text:
        return False
    if case.events.filter(kind=CaseEvent.Kind.EMAIL_SENT, data__event=event.pk).exists():
        return False  # a retry after the email went
    message = send_email(
        to=address,
        template_key="case_update",
        context={
            # Words another system wrote (an API client, a connector) are not put in an email
            # from the council unread: the resident is told there is an update, to read on
            # the request's page (issue 16; docs/architecture.md).
            "text": "" if from_outside(event) else event.text,
            "status": case.public_state_label,
            "reference": case.reference,
            "service": case.service.name,
            "track_url": case_resident_url(case),
        },
        case=case,
    )
    # The timeline shows every message sent; this records the sending, not a change to the
    # case, so the case's version stays as it is.
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.EMAIL_SENT,
        is_public=False,
        text=f"Emailed to the resident: {event.headline.lower()}",
        data={"event": event.pk, "message": message.pk},
    )
    log.info("update email sent", extra={"case_id": case.pk, "event_id": event.pk})
    return True


@db_task(retries=3, retry_delay=30)
def case_acknowledge(case_id: int) -> bool:
    """Email an acknowledgement with the reference, if the resident gave an email address.

    Returns whether a message was sent. Idempotent: a retry after success sends nothing.
    """
    case = Case.objects.select_related("service", "resident").get(pk=case_id)
    if case.events.filter(kind=CaseEvent.Kind.ACKNOWLEDGED).exists():
        return False
    address = case_contact_email(case)
    if not address:
        return False
    message = send_email(
        to=address,
        template_key="case_acknowledgement",
        context={
            "service": case.service.name,
            "reference": case.reference,
            "due_date": _day(case.due_date),
            "track_url": case_resident_url(case),
            "not_fixed": case.service.not_fixed_online,
        },
        case=case,
    )
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.ACKNOWLEDGED,
        is_public=False,
        text="Acknowledgement email sent",
        data={"message": message.pk},
    )
    log.info("acknowledgement sent", extra={"case_id": case.pk})
    return True


def team_recipients(case) -> list[str]:
    """Who in the team hears about a resident's message: the assignee, and the team's shared
    address (or, without one, its team leads)."""
    addresses = [case.assignee.email] if case.assignee_id and case.assignee.is_active else []
    if case.team.email:
        addresses.append(case.team.email)
    else:
        addresses += Membership.objects.filter(
            team_id=case.team_id, role=Role.TEAM_LEAD, user__is_active=True
        ).values_list("user__email", flat=True)
    return list(dict.fromkeys(address for address in addresses if address))


@db_task(retries=3, retry_delay=30)
def case_tell_team(event_id: int, template_key: str) -> int:
    """Email the team about something the resident did on a case (one event). Returns how many
    messages were written; a retry after they were written writes none."""
    event = CaseEvent.objects.select_related("case__service", "case__team", "case__assignee").get(
        pk=event_id
    )
    case = event.case
    if event.data.get("team_told"):
        return 0
    context = {
        "reference": case.reference,
        "service": case.service.name,
        "text": event.text,
        "reason": event.text,
        "has_photo": bool(event.data.get("attachment")),
        "state": case.state_label,
        "case_url": settings.SITE_URL + reverse("hub:case", args=[case.reference]),
    }
    sent = [
        send_email(to=address, template_key=template_key, context=context, case=case)
        for address in team_recipients(case)
    ]
    event.data = {**event.data, "team_told": [message.pk for message in sent]}
    event.save(update_fields=["data"])
    log.info("team told", extra={"case_id": case.pk, "event_id": event.pk, "count": len(sent)})
    return len(sent)


@db_task(retries=3, retry_delay=30)
def team_overdue_email(to: str, context: dict) -> int:
    """Tell one team lead which of their team's cases are newly overdue (``sla.sla_check``
    queues one per team lead, so one address that cannot be written to stops no other).
    Returns the id of the message written."""
    return send_email(to=to, template_key="team_overdue", context=context).pk
