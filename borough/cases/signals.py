"""Signals other apps listen to, so that ``cases`` never imports them.

``case_event_recorded`` is sent after the transaction that wrote a timeline event commits
(never for a change that was rolled back), once per event written by ``case_create`` or by an
action that changes a case (through ``events.record``). Receivers get ``event_id`` and
``case_id`` and must do their own work in a background task or a short transaction of their
own: an error in a receiver is logged, never raised to the person who made the change.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

case_event_recorded = Signal()


def announce_on_commit(event) -> None:
    """Send ``case_event_recorded`` for ``event`` when the current transaction commits."""
    event_id, case_id = event.pk, event.case_id

    def send() -> None:
        for receiver, result in case_event_recorded.send_robust(
            sender=type(event), event_id=event_id, case_id=case_id
        ):
            if isinstance(result, Exception):
                log.error(
                    "case event receiver failed",
                    extra={"event_id": event_id, "receiver": getattr(receiver, "__name__", "")},
                    exc_info=result,
                )

    transaction.on_commit(send)
