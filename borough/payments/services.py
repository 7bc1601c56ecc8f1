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
from typing import Any

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
from borough.core.actors import Actor, ResidentActor, StaffActor
from borough.core.channels import Channel
from borough.core.services import audit_record
from borough.places.selectors import Gazetteer

from .agreements import agreement_paid, agreement_set_up, renews_yearly
from .client import NewPayment, PayClient, PayPayment, pay_client
from .models import IN_PROGRESS, Agreement, Payment, PayState
from .signals import announce, payment_taken

log = logging.getLogger(__name__)


def payment_start(*, contact_by: str = "", **attempt: Any) -> Payment:
    """``_attempt`` (below), remembering how the resident chose to hear about the request
    (``contact_by``: email, sms or letter, "" for their usual way) for the case made once
    they have paid."""
    payment = _attempt(**attempt)
    if payment.case_id is None and payment.contact_by != contact_by:
        payment.contact_by = contact_by
        payment.save(update_fields=["contact_by", "updated_at"])
    return payment


def _attempt(
    *,
    service: Service,
    answers: dict,
    form_token: str,
    resident=None,
    user=None,
    client: PayClient | None = None,
    taken_by=None,
    channel: str = Channel.WEB,
    contact_seconds: int | None = None,
) -> Payment:
    """The attempt to send the resident to (its ``next_url``), or a paid one (its ``case``
    set). Raises ``FeeRefused`` for an amount Pay cannot take and ``PayError`` when Pay
    refuses or cannot be reached; the answers are kept either way.

    With ``taken_by`` (a member of staff, asked by the caller on ``channel``) it is a MOTO
    payment: the agent is sent to Pay's page and types the card details the caller reads out,
    so card numbers never pass through Borough. A service that renews each year sets up a
    recurring-payments agreement on the resident's own payment (not on MOTO: Pay keeps a
    card for renewals only when its holder agreed to it on Pay's page)."""
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
    moto = taken_by is not None
    if payment is None or payment.answers != answers or payment.moto != moto:
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
            moto=moto,
            taken_by=taken_by,
            channel=channel,
            contact_seconds=contact_seconds,
        )
    if not moto and renews_yearly(service) and payment.agreement_id is None:
        payment.agreement = agreement_set_up(payment, client=client)
        payment.save(update_fields=["agreement", "updated_at"])
    made = client.create_payment(
        NewPayment(
            amount=amount,
            reference=payment.reference,
            description=payment.description,
            return_url=return_url(payment),
            email=payment.email,
            language=payment.language,
            metadata={"borough_reference": payment.reference, "service": service.slug[:100]},
            moto=moto,
            set_up_agreement=payment.agreement.pay_id if payment.agreement else "",
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
    """Where Pay sends the resident (or, for MOTO, the agent) back: with this attempt's own
    random token."""
    if payment.moto:
        path = reverse("hub:assist_payment_return", args=[payment.form_token, payment.token])
    else:
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
        newly_paid = payment.state != PayState.SUCCESS and found.status == PayState.SUCCESS
        if payment.state != PayState.SUCCESS and found.status in PayState.values:
            payment.state = found.status
            payment.failure_code = found.code
            if found.status == PayState.SUCCESS:
                payment.paid_at = timezone.now()
        payment.refunded_pence = found.refund_amount_submitted
        payment.save(
            update_fields=["state", "failure_code", "paid_at", "refunded_pence", "updated_at"]
        )
        if payment.state == PayState.SUCCESS and payment.agreement_id is not None:
            agreement_paid(payment)
        if payment.state == PayState.SUCCESS and payment.case_id is None and not payment.renewal:
            payment_complete(payment)
        if newly_paid:
            _announce_paid(payment)
        return payment


def _announce_paid(payment: Payment) -> None:
    """Tell the case's processes the money came (a renewal: the subscription's first case)."""
    case_id = payment.case_id
    if case_id is None and payment.agreement_id is not None:
        case_id = (
            Agreement.objects.filter(pk=payment.agreement_id)
            .values_list("case_id", flat=True)
            .first()
        )
    if case_id is not None:
        announce(
            payment_taken,
            case_id=case_id,
            payment_id=payment.pk,
            reference=payment.reference,
            amount_pence=payment.amount_pence,
            renewal=payment.renewal,
        )


def payment_complete(payment: Payment) -> Case:
    """Make the paid request's case (the payment row is locked by the caller): raised by the
    resident online, or by the member of staff who took the caller's card."""
    resident = payment.resident
    if payment.moto and payment.taken_by is not None:
        actor: Actor = StaffActor(payment.taken_by)
        key = f"assisted:{payment.form_token}"
    else:
        actor, key = (
            ResidentActor(resident=resident, user=payment.user),
            f"web:{payment.form_token}",
        )
    case = case_create(
        service=payment.service,
        answers=payment.answers,
        channel=payment.channel or Channel.WEB,
        resident=resident,
        contact_by=payment.contact_by,
        actor=actor,
        idempotency_key=key,
        form_session_token=payment.form_token,
        contact_duration_seconds=payment.contact_seconds,
    )
    if payment.agreement_id is not None:
        Agreement.objects.filter(pk=payment.agreement_id).update(case=case)
    payment.case = case
    payment.answers = {}  # the case holds them now: one copy of the resident's answers
    payment.save(update_fields=["case", "answers", "updated_at"])
    audit_record(
        actor=None,
        action="created",
        object_type="payment",
        object_id=payment.reference,
        summary=f"Paid {payment.amount_pence}p through GOV.UK Pay for {case.reference}"
        + (" (card taken by phone, MOTO)" if payment.moto else ""),
        resident_id=resident.pk if resident else None,
        channel="hub" if payment.moto else "portal",
    )
    return case


def in_progress_states() -> set[str]:
    return {str(state) for state in IN_PROGRESS}
