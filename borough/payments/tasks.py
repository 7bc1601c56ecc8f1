"""Background work for payments, run by the Huey consumer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from borough.contacts.services import SAVED_FORM_DAYS

from .models import Payment
from .renewals import renewal_notices_send, renewals_take


def unpaid_answers_expire(*, now: dt.datetime | None = None) -> int:
    """Wipe the answers kept on attempts that were never paid, after as long as a saved form
    is kept (28 days): a resident who did not pay has had their chance to try again. Paid
    attempts keep none (their case holds the answers). Returns how many were wiped."""
    before = (now or timezone.now()) - dt.timedelta(days=SAVED_FORM_DAYS)
    return (
        Payment.objects.filter(case__isnull=True, created_at__lt=before)
        .exclude(answers={})
        .update(answers={}, email="")
    )


@db_periodic_task(crontab(hour="3", minute="20"))
def unpaid_payments_expire() -> int:
    """Every night: wipe the answers of payments never made."""
    return unpaid_answers_expire()


@db_periodic_task(crontab(hour="7", minute="10"))
def renewal_notices() -> int:
    """Every morning: tell residents whose subscription renews soon (before it is taken)."""
    return renewal_notices_send()


@db_periodic_task(crontab(hour="7", minute="40"))
def renewals_due() -> int:
    """Every morning: take the renewals due today from their agreements."""
    return renewals_take()
