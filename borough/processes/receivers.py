"""What the process engine hears from other apps: a new case starts its service's processes;
a closed case tells its processes (message ``case_closed``); a resident's reply on their
case tells them (message ``resident_replied``); a payment taken tells the case's
processes (message ``payment_received``). Each is queued as its own background task."""

from __future__ import annotations

from django.dispatch import receiver

from borough.cases.models import Case, CaseEvent, Status
from borough.cases.signals import case_event_recorded

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
