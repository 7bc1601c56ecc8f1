"""Yearly renewals of subscriptions (garden waste) from their GOV.UK Pay agreements.

- ``renewal_notices_send``: ``RENEWAL_NOTICE_DAYS`` before each renewal the resident is told
  through the outbox (what, how much, when, and how to cancel in MyAccount). Once for each
  renewal date; a resident with no email on the agreement gets none (the case shows why).
- ``renewals_take``: on the renewal date Pay takes the payment from the agreement's card
  (``authorisation_mode: agreement``). A renewal already paid for that date is never taken
  again (the payment's reference is fixed by the agreement and the date, and Pay's
  ``Idempotency-Key`` is the same on a retry). A refusal is recorded on the agreement and on
  the case and tried again the next day; Pay being down is tried again the next day too.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from borough.cases.events import record
from borough.cases.models import CaseEvent
from borough.catalogue.fees import pounds
from borough.core.actors import SystemActor
from borough.core.channels import Channel
from borough.notify.services import send_email

from .agreements import renewal_prefix
from .client import NewPayment, PayClient, PayError, pay_client
from .models import Agreement, AgreementState, Payment, PayState
from .services import payment_record

log = logging.getLogger(__name__)

RENEWAL_NOTICE_DAYS = 14
ACTOR = SystemActor("payments-renewals")


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def renewal_notices_send(*, today: dt.date | None = None) -> int:
    """Tell each resident whose subscription renews within the notice period. Returns how
    many were told."""
    today = today or timezone.localdate()
    days = getattr(settings, "PAY_RENEWAL_NOTICE_DAYS", RENEWAL_NOTICE_DAYS)
    due = Agreement.objects.filter(
        state=AgreementState.ACTIVE, renews_on__lte=today + dt.timedelta(days=days)
    ).select_related("case", "service")
    told = 0
    for agreement in due:
        if agreement.notice_sent_for == agreement.renews_on or agreement.renews_on is None:
            continue
        with transaction.atomic():
            locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
            if locked.notice_sent_for == locked.renews_on:
                continue
            if agreement.email:
                send_email(
                    to=agreement.email,
                    template_key="case_update",
                    case=agreement.case,
                    context=_notice(agreement),
                )
                told += 1
            if agreement.case is not None:
                record(
                    agreement.case,
                    kind=CaseEvent.Kind.NOTE,
                    actor=ACTOR,
                    text=f"Renewal notice for {_day(agreement.renews_on)} "
                    + ("sent to the resident." if agreement.email else "not sent: no email."),
                )
            locked.notice_sent_for = locked.renews_on
            locked.save(update_fields=["notice_sent_for"])
    return told


def _notice(agreement: Agreement) -> dict:
    assert agreement.renews_on is not None
    account = f"{settings.SITE_URL}{reverse('portal:my_account')}#subscriptions"
    return {
        "text": (
            f"Your {agreement.description} subscription renews on {_day(agreement.renews_on)}. "
            f"We will take {pounds(agreement.amount_pence)} from the card you paid with through "
            f"GOV.UK Pay. You do not need to do anything to keep it.\n\n"
            f"To stop it renewing, cancel before {_day(agreement.renews_on)} in your account: "
            f"{account}"
        ),
        "status": "Renews each year",
        "reference": agreement.case.reference if agreement.case else agreement.reference,
        "service": agreement.description,
    }


def renewals_take(*, today: dt.date | None = None, client: PayClient | None = None) -> int:
    """Take every renewal due by ``today``. Returns how many were paid."""
    today = today or timezone.localdate()
    client = client or pay_client()
    paid = 0
    for agreement in Agreement.objects.filter(
        state=AgreementState.ACTIVE, renews_on__lte=today
    ).select_related("service", "case"):
        payment = renewal_take(agreement, client=client)
        paid += payment is not None and payment.state == PayState.SUCCESS
    return paid


def renewal_take(agreement: Agreement, *, client: PayClient) -> Payment | None:
    """Take this year's renewal, once: an attempt already paid is returned; one still at Pay
    is asked about; a refused one stays on record and a new attempt is made."""
    assert agreement.renews_on is not None
    prefix = renewal_prefix(agreement)
    earlier = list(Payment.objects.filter(agreement=agreement, reference__startswith=prefix))
    for attempt in earlier:
        if attempt.state == PayState.SUCCESS:
            return attempt
        if attempt.pay_id and attempt.in_progress:
            try:
                found = client.get_payment(attempt.pay_id)
            except PayError as failed:
                _failed(agreement, f"GOV.UK Pay did not answer about the renewal: {failed}")
                return attempt
            attempt = payment_record(attempt.pk, found)
            if attempt.state == PayState.SUCCESS or attempt.in_progress:
                return attempt
    reference = f"{prefix}-{len(earlier) + 1}"
    payment = Payment.objects.create(
        reference=reference,
        service=agreement.service,
        form_token=f"renewal:{agreement.reference}",
        resident=agreement.resident,
        user=agreement.user,
        amount_pence=agreement.amount_pence,
        description=f"{agreement.description}: renewal"[:255],
        email=agreement.email,
        agreement=agreement,
        renewal=True,
        channel=Channel.WEB,
        # Fixed by the agreement, date and attempt: a retry cannot make a second payment.
        idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"borough-renewal:{reference}"),
    )
    try:
        found = client.create_payment(
            NewPayment(
                amount=payment.amount_pence,
                reference=payment.reference,
                description=payment.description,
                agreement_id=agreement.pay_id,
                metadata={"borough_reference": payment.reference, "agreement": agreement.reference},
            ),
            idempotency_key=str(payment.idempotency_key),
        )
        payment.pay_id = found.payment_id
        payment.save(update_fields=["pay_id", "updated_at"])
        if found.status not in {PayState.SUCCESS, PayState.FAILED, PayState.ERROR}:
            found = client.get_payment(found.payment_id)
        payment = payment_record(payment.pk, found)
    except PayError as failed:
        _failed(agreement, f"GOV.UK Pay did not take the renewal: {failed}")
        return payment
    if payment.state != PayState.SUCCESS:
        _failed(agreement, f"GOV.UK Pay refused the renewal ({payment.failure_code or 'no code'})")
    elif agreement.case is not None:
        record(
            agreement.case,
            kind=CaseEvent.Kind.NOTE,
            actor=ACTOR,
            text=f"Renewed for another year: {pounds(payment.amount_pence)} taken "
            f"(payment {payment.reference}).",
        )
    return payment


def _failed(agreement: Agreement, why: str) -> None:
    log.warning("pay.renewal_failed", extra={"agreement": agreement.reference})
    Agreement.objects.filter(pk=agreement.pk).update(last_failure=why[:255])
    if agreement.case is not None:
        record(agreement.case, kind=CaseEvent.Kind.NOTE, actor=ACTOR, text=why)
