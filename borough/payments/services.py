"""Paying for a request (issue 20; the state machine is ADR 0030).

- ``payment_start``: a resident with a paid service's answers is sent to Pay. An attempt still
  in progress for the same form and amount is reused; a paid one is finished instead; so a
  resident who clicks twice, or comes back, is never charged twice.
- ``payment_sync``: ask Pay for the payment (``GET``; a return to Borough is never trusted on
  its own) and record its state; on ``success`` the case is made (``payment_complete``).
- ``payment_complete``: the case, once (the payment row is locked and the case's idempotency
  key is the form's, as for a free service).

Failed, cancelled and abandoned attempts keep their answers on the row and in the resident's
session, so they can try again.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid
from borough.cases.models import Case
from borough.catalogue.answers import validate_answers
from borough.catalogue.fees import check_amount
from borough.catalogue.models import Service
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.core.services import audit_record
from borough.places.selectors import Gazetteer

from .client import NewPayment, PayClient, PayPayment, pay_client
from .models import IN_PROGRESS, Payment, PayState

log = logging.getLogger(__name__)


def payment_start(
    *,
    service: Service,
    answers: dict,
    form_token: str,
    resident=None,
    user=None,
    client: PayClient | None = None,
) -> Payment:
    """The attempt to send the resident to (its ``next_url``), or a paid one (its ``case``
    set). Raises ``FeeRefused`` for an amount Pay cannot take and ``PayError`` when Pay
    refuses or cannot be reached; the answers are kept either way."""
    _cleaned, errors = validate_answers(service.form, answers, places=Gazetteer())
    if errors:  # checked before anyone pays: a paid request must be one we can make
        raise CaseInvalid(errors)
    amount = check_amount(service.fee_for(answers))
    client = client or pay_client()
    for earlier in Payment.objects.filter(form_token=form_token).order_by("created_at"):
        if earlier.state == PayState.SUCCESS:
            return earlier
        if earlier.pay_id and earlier.in_progress:
            earlier = payment_sync(earlier, client=client)
            if earlier.state == PayState.SUCCESS:
                return earlier
            if (
                earlier.in_progress
                and earlier.amount_pence == amount
                and earlier.answers == answers
            ):
                return earlier
            if earlier.in_progress:
                client.cancel_payment(earlier.pay_id)
                payment_sync(earlier, client=client)
    payment = (
        Payment.objects.filter(form_token=form_token, state=PayState.NEW, amount_pence=amount)
        .order_by("-created_at")
        .first()
    )
    if payment is None or payment.answers != answers:
        payment = Payment.objects.create(
            service=service,
            form_token=form_token,
            answers=answers,
            resident=resident,
            user=user if user is not None and user.is_authenticated else None,
            amount_pence=amount,
            reference=_reference(),
            description=service.name[:255],
            email=_email(service, answers),
            language="cy" if translation.get_language() == "cy" else "en",
        )
    made = client.create_payment(
        NewPayment(
            amount=amount,
            reference=payment.reference,
            description=payment.description,
            return_url=return_url(payment),
            email=payment.email,
            language=payment.language,
            metadata={"borough_reference": payment.reference, "service": service.slug[:100]},
        ),
        idempotency_key=str(payment.idempotency_key),
    )
    payment.pay_id, payment.next_url = made.payment_id, made.next_url
    payment.state = made.status or PayState.CREATED
    payment.save(update_fields=["pay_id", "next_url", "state", "updated_at"])
    return payment


def _reference() -> str:
    return "PAY-" + secrets.token_hex(5).upper()


def _email(service: Service, answers: dict) -> str:
    for question in service.form.questions:
        if question.type == "email" and isinstance(answers.get(question.id), str):
            return str(answers[question.id])
    return ""


def return_url(payment: Payment) -> str:
    """Where Pay sends the resident back: with this attempt's own random token."""
    path = reverse("portal:payment_return", args=[payment.service.slug, payment.token])
    return f"{settings.SITE_URL}{path}"


def payment_sync(payment: Payment, *, client: PayClient | None = None) -> Payment:
    """Ask Pay where the payment is and record it; make the case once it succeeded."""
    if not payment.pay_id:
        return payment
    found = (client or pay_client()).get_payment(payment.pay_id)
    return payment_record(payment.pk, found)


def payment_record(payment_id: int, found: PayPayment) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if found.payment_id != payment.pay_id or found.amount != payment.amount_pence:
            log.warning("pay.mismatch", extra={"payment": payment.reference})
            return payment
        if payment.state != PayState.SUCCESS and found.status in PayState.values:
            payment.state = found.status
            payment.failure_code = found.code
            if found.status == PayState.SUCCESS:
                payment.paid_at = timezone.now()
        payment.refunded_pence = found.refund_amount_submitted
        payment.save(
            update_fields=["state", "failure_code", "paid_at", "refunded_pence", "updated_at"]
        )
        if payment.state == PayState.SUCCESS and payment.case_id is None:
            payment_complete(payment)
        return payment


def payment_complete(payment: Payment) -> Case:
    """Make the paid request's case (the payment row is locked by the caller)."""
    resident = payment.resident
    case = case_create(
        service=payment.service,
        answers=payment.answers,
        channel=Channel.WEB,
        resident=resident,
        actor=ResidentActor(resident=resident, user=payment.user),
        idempotency_key=f"web:{payment.form_token}",
        form_session_token=payment.form_token,
    )
    payment.case = case
    payment.answers = {}  # the case holds them now: one copy of the resident's answers
    payment.save(update_fields=["case", "answers", "updated_at"])
    audit_record(
        actor=None,
        action="created",
        object_type="payment",
        object_id=payment.reference,
        summary=f"Paid {payment.amount_pence}p through GOV.UK Pay for {case.reference}",
        resident_id=resident.pk if resident else None,
        channel="portal",
    )
    return case


def in_progress_states() -> set[str]:
    return {str(state) for state in IN_PROGRESS}
