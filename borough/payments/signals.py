"""What the payments app tells other apps, after the transaction that recorded it commits:
a payment taken (``payment_taken``: the first payment of a request, or a renewal) and money
given back (``payment_refunded``). The process engine turns them into the BPMN messages
``payment_received`` and ``payment_refunded`` for the case's processes; payments imports
nothing of the engine."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# kwargs: case_id, payment_id, reference, amount_pence, renewal
payment_taken = Signal()
# kwargs: case_id, payment_id, reference, amount_pence (this refund's)
payment_refunded = Signal()


def announce(signal: Signal, **kwargs) -> None:
    """Send ``signal`` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: signal.send(sender=None, **kwargs))
