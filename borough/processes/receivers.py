"""What the process engine hears from other apps: a new case starts its service's processes;
a closed case tells its processes (message ``case_closed``); a resident's reply on their
case tells them (message ``resident_replied``); a payment taken tells the case's processes
(message ``payment_received``, a renewal's too) and a refund given (message
``payment_refunded``), from ``payments.signals`` after the payment's transaction commits;
what became of a message to the resident tells the case's processes (``letter_returned``,
``delivery_failed``, ``reply_received``; notify's ``message_event``). Each is queued as its
own background task."""

from __future__ import annotations

from django.dispatch import receiver

from borough.cases.models import Case, CaseEvent, Status
from borough.cases.signals import case_event_recorded
from borough.notify.signals import message_event
from borough.payments.signals import payment_refunded, payment_taken

from . import tasks


@receiver(case_event_recorded, dispatch_uid="processes-case-event")
def on_case_event(sender, event_id: int, case_id: int, **kwargs) -> None:
    event = CaseEvent.objects.filter(pk=event_id).values("kind", "data").first()
    if event is None:
        return
    if event["kind"] == CaseEvent.Kind.CREATED:
        tasks.start_processes(case_id)
    elif event["kind"] == CaseEvent.Kind.PUBLIC_UPDATE and (event["data"] or {}).get(
        "from_resident"
    ):
        # the resident replied on their case (a discount review waits for it)
        tasks.deliver_message(case_id, "resident_replied", {})
    elif (
        event["kind"] in (CaseEvent.Kind.STATUS_CHANGED, CaseEvent.Kind.MARKED_DUPLICATE)
        and Case.objects.filter(pk=case_id, status=Status.CLOSED).exists()
    ):
        tasks.deliver_message(case_id, "case_closed", {})


@receiver(payment_taken, dispatch_uid="processes-payment-taken")
def on_payment_taken(sender, case_id: int, **kwargs) -> None:
    """A payment taken (a first payment or a renewal) is the BPMN message ``payment_received``
    to the case's processes, with what was paid."""
    tasks.deliver_message(case_id, "payment_received", _payment(kwargs))


@receiver(payment_refunded, dispatch_uid="processes-payment-refunded")
def on_payment_refunded(sender, case_id: int, **kwargs) -> None:
    tasks.deliver_message(case_id, "payment_refunded", _payment(kwargs))


def _payment(kwargs: dict) -> dict:
    return {
        "payment": {
            key: kwargs.get(key) for key in ("reference", "amount_pence", "renewal", "payment_id")
        }
    }


@receiver(message_event, dispatch_uid="processes-message-event")
def on_message_event(sender, case_id: int, name: str, payload: dict, **kwargs) -> None:
    tasks.deliver_message(case_id, name, payload)
