"""What other apps read about payments."""

from __future__ import annotations

from .models import Payment, PayState


def case_payment(case) -> Payment | None:
    """The payment that paid for ``case``, with its refunds, or None."""
    return (
        Payment.objects.filter(case=case, state=PayState.SUCCESS)
        .prefetch_related("refunds__refunded_by")
        .first()
    )
