"""What happened to a message after it was sent, for the apps above notify (issue 19): the
process engine delivers each as a BPMN message to the case's processes (``processes.receivers``).

``message_event`` is sent, once the change is committed, with ``case_id``, ``name`` and
``payload``: ``letter_returned`` (a letter came back), ``delivery_failed`` (an email or text
failed for good, or a message Borough gave up on) and ``reply_received`` (a text from the
resident, matched to their case). Payloads carry ids, never the message's words.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

message_event = Signal()


def announce(case_id: int | None, name: str, payload: dict) -> None:
    """Tell the receivers about ``name`` on case ``case_id`` after the transaction commits."""
    if case_id is None:
        return
    transaction.on_commit(
        lambda: message_event.send(sender=None, case_id=case_id, name=name, payload=payload)
    )
