"""What the process engine hears from other apps: a new case starts its service's processes;
a closed case tells its processes (message ``case_closed``); a payment taken tells the case's
processes (message ``payment_received``); what became of a message to the resident tells the
case's processes (``letter_returned``, ``delivery_failed``, ``reply_received``; notify's
``message_event``). Each is queued as its own background task."""

from __future__ import annotations

from django.dispatch import receiver

from borough.cases.models import Case, CaseEvent, Status
from borough.cases.signals import case_event_recorded
from borough.notify.signals import message_event

from . import tasks


@receiver(case_event_recorded, dispatch_uid="processes-case-event")
def on_case_event(sender, event_id: int, case_id: int, **kwargs) -> None:
    event = CaseEvent.objects.filter(pk=event_id).values("kind", "data").first()
    if event is None:
        return
    if event["kind"] == CaseEvent.Kind.CREATED:
        tasks.start_processes(case_id)
    elif (
        event["kind"] in (CaseEvent.Kind.STATUS_CHANGED, CaseEvent.Kind.MARKED_DUPLICATE)
        and Case.objects.filter(pk=case_id, status=Status.CLOSED).exists()
    ):
        tasks.deliver_message(case_id, "case_closed", {})


@receiver(message_event, dispatch_uid="processes-message-event")
def on_message_event(sender, case_id: int, name: str, payload: dict, **kwargs) -> None:
    tasks.deliver_message(case_id, name, payload)
