"""Messages about cases, sent in the background by the Huey consumer.

Actions queue these after their transaction commits (``cases.side_effects``); the tasks read
the case and write to people, and import no action, so actions and tasks never import each
other. The SLA check's schedule lives with the check (``cases.sla``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from huey.contrib.djhuey import db_task

from borough.accounts.models import Membership, Role
from borough.core.languages import message_language
from borough.notify.services import send_email, send_message

from .models import Case, CaseEvent, MemberEnquiry
from .selectors import ContactRoute, case_contact_route
from .tracking import case_resident_url

log = logging.getLogger(__name__)


# How the timeline says a message went, by channel.
SENT_BY = {"email": "Emailed", "sms": "Texted", "letter": "Posted a letter"}
ACKNOWLEDGED_BY = {
    "email": "Acknowledgement email sent",
    "sms": "Acknowledgement text message sent",
    "letter": "Acknowledgement letter sent",
}


def _send_to_resident(case, route: ContactRoute, template_key: str, context):
    """Send a message about ``case`` in the resident's preferred language where Borough has it
    (``core.languages``; a machine-made one carries its label), else English. ``context`` is a
    function, called in that language, for the words it holds (the service's name, a date)."""
    language = message_language(case.resident.preferred_language if case.resident else "")
    with translation.override(language.code):
        return send_message(
            channel=route.channel,
            to=route.to,
            address=list(route.address),
            template_key=template_key,
            context=context() | {"machine_label": language.label()},
            case=case,
            resident=case.resident,
        )


def from_outside(event) -> bool:
    """Whether an event's text was written by another system (an API client or a connector)."""
    source = (event.data or {}).get("source") or {}
    return bool(source.get("api_client") or source.get("connector"))


@db_task(retries=3, retry_delay=30)
def case_update_email(event_id: int) -> bool:
    """Tell the resident about a public update on their case, the way they chose (email, text
    or letter; ``selectors.case_contact_route``). Returns whether a message was sent."""
    event = CaseEvent.objects.select_related(
        "case__service", "case__resident__household__property__usrn"
    ).get(pk=event_id)
    case = event.case
    if event.is_public and event.text:
        _tell_councillor(case, event)
    route = case_contact_route(case, update=True)
    if route is None or not event.is_public or not event.text:
        return False
    if case.events.filter(kind=CaseEvent.Kind.EMAIL_SENT, data__event=event.pk).exists():
        return False  # a retry after the message went
    message = _send_to_resident(
        case,
        route,
        "case_update",
        context=lambda: {
            # Words another system wrote (an API client, a connector) are not put in an email
            # from the council unread: the resident is told there is an update, to read on
            # the request's page (issue 16; docs/architecture.md).
            "text": "" if from_outside(event) else event.text,
            "status": str(case.public_state_label),
            "reference": case.reference,
            "service": case.service.local_name,
            "track_url": case_resident_url(case),
        },
    )
    # The timeline shows every message sent; this records the sending, not a change to the
    # case, so the case's version stays as it is.
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.EMAIL_SENT,
        is_public=False,
        text=f"{SENT_BY[route.channel]} to the resident: {event.headline.lower()}",
        data={"event": event.pk, "message": message.pk, "channel": route.channel},
    )
    log.info("update email sent", extra={"case_id": case.pk, "event_id": event.pk})
    return True


def _tell_councillor(case, event) -> None:
    """A public update on a member enquiry goes to the councillor who raised it too (issue 26),
    once: a retry finds the timeline's record and sends nothing."""
    enquiry = MemberEnquiry.objects.select_related("councillor", "ward").filter(case=case).first()
    if enquiry is None or not enquiry.councillor.email:
        return
    if case.events.filter(kind=CaseEvent.Kind.EMAIL_SENT, data__councillor_event=event.pk).exists():
        return
    message = send_email(
        to=enquiry.councillor.email,
        template_key="enquiry_update",
        context={
            "text": "" if from_outside(event) else event.text,
            "status": case.public_state_label,
            "reference": case.reference,
            "ward": enquiry.ward.name if enquiry.ward else "",
            "enquiry_url": settings.SITE_URL.rstrip("/")
            + reverse("portal:councillor_enquiry", args=[case.reference]),
        },
        case=case,
    )
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.EMAIL_SENT,
        is_public=False,
        text=f"Emailed the councillor: {event.headline.lower()}",
        data={"councillor_event": event.pk, "message": message.pk, "channel": "email"},
    )


@db_task(retries=3, retry_delay=30)
def case_acknowledge(case_id: int) -> bool:
    """Send an acknowledgement with the reference, the way the resident chose (email, text or
    letter), if we have a way to reach them.

    Returns whether a message was sent. Idempotent: a retry after success sends nothing.
    """
    case = Case.objects.select_related("service", "resident__household__property__usrn").get(
        pk=case_id
    )
    if case.events.filter(kind=CaseEvent.Kind.ACKNOWLEDGED).exists():
        return False
    route = case_contact_route(case)
    if route is None:
        return False
    message = _send_to_resident(
        case,
        route,
        "case_acknowledgement",
        context=lambda: {
            "service": case.service.local_name,
            "reference": case.reference,
            "due_date": date_format(case.due_date, "j F Y"),
            "track_url": case_resident_url(case),
            "not_fixed": case.service.not_fixed_online,
        },
    )
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.ACKNOWLEDGED,
        is_public=False,
        text=ACKNOWLEDGED_BY[route.channel],
        data={"message": message.pk, "channel": route.channel},
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
