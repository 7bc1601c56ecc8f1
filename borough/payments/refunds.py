"""Refunds by officers from the case page (issue 20): full or partial, with a reason, only by
those the policy allows (``accounts.policies.may_refund``: team leads of the case's team and
admins), audited and written on the case's timeline as an internal note.

Pay is asked how much may still be refunded and told it back (``refund_amount_available``), so
two people refunding from pages shown at the same time cannot give the same money back twice:
Pay refuses the second (P0604).
"""

from __future__ import annotations

from django.db import transaction

from borough.accounts.policies import may_refund
from borough.cases.errors import TransitionRefused, refuse_unless
from borough.cases.events import record
from borough.cases.models import CaseEvent
from borough.catalogue.fees import FeeRefused, check_amount, pounds
from borough.core.actors import StaffActor, SystemActor

from .client import PayClient, PayError, PayRequestRefused, pay_client
from .models import Payment, PayState, Refund
from .signals import announce, payment_refunded


def payment_refund(
    *,
    actor: StaffActor,
    payment: Payment,
    amount_pence: int,
    reason: str,
    client: PayClient | None = None,
) -> Refund:
    """Refund ``amount_pence`` of ``payment``. Raises ``NotAllowed`` for someone who may not
    refund and ``TransitionRefused`` (saying which field) for anything else; nothing is
    refunded or written then."""
    case = payment.case
    refuse_unless(case is not None and may_refund(actor, case))
    assert case is not None
    reason = reason.strip()
    if not reason:
        raise TransitionRefused("Enter why you are giving a refund", field="refund_reason")
    return _refund(
        payment=payment,
        amount_pence=amount_pence,
        reason=reason,
        actor=actor,
        user=actor.user,
        client=client,
    )


def payment_refund_by_rule(
    *,
    actor: SystemActor,
    payment: Payment,
    amount_pence: int,
    reason: str,
    client: PayClient | None = None,
) -> Refund:
    """A refund Borough gives by a rule the council set (a bulky waste booking the resident
    cancelled in time: ``processes.library.bulky``), with the rule as the reason. Only a
    system actor (a process) gives one; the same checks, audit and timeline note as an
    officer's."""
    refuse_unless(isinstance(actor, SystemActor) and payment.case is not None)
    return _refund(
        payment=payment,
        amount_pence=amount_pence,
        reason=reason.strip(),
        actor=actor,
        user=None,
        client=client,
    )


def _refund(*, payment, amount_pence, reason, actor, user, client) -> Refund:
    case = payment.case
    if payment.state != PayState.SUCCESS:
        raise TransitionRefused("This payment was not taken, so it cannot be refunded")
    try:
        check_amount(amount_pence)
    except FeeRefused as bad:
        raise TransitionRefused(f"Enter the amount in pounds and pence: {bad}") from bad
    client = client or pay_client()
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        try:
            available = client.get_payment(payment.pay_id).refund_amount_available
            if not 1 <= amount_pence <= available:
                raise TransitionRefused(
                    f"Enter an amount from £0.01 to {pounds(available)}, what is left to refund"
                    if available
                    else "There is nothing left to refund on this payment"
                )
            made = client.refund(
                payment.pay_id, amount=amount_pence, refund_amount_available=available
            )
        except PayRequestRefused as refused:
            raise TransitionRefused(
                f"GOV.UK Pay refused the refund ({refused.code or refused.status}): {refused}. "
                "Nothing was refunded."
            ) from refused
        except PayError as failed:
            raise TransitionRefused(
                "GOV.UK Pay did not answer, so nothing was refunded. Try again in a few minutes."
            ) from failed
        refund = Refund.objects.create(
            payment=payment,
            amount_pence=amount_pence,
            reason=reason,
            refunded_by=user,
            pay_refund_id=made.refund_id,
            status=made.status,
        )
        payment.refunded_pence += amount_pence
        payment.save(update_fields=["refunded_pence", "updated_at"])
        record(
            case,
            kind=CaseEvent.Kind.NOTE,
            actor=actor,
            text=f"Refunded {pounds(amount_pence)} of {pounds(payment.amount_pence)} "
            f"(payment {payment.reference}). Reason: {reason}",
            data={"refund": refund.pk, "amount_pence": amount_pence},
        )
        announce(
            payment_refunded,
            case_id=case.pk,
            payment_id=payment.pk,
            reference=payment.reference,
            amount_pence=amount_pence,
        )
    return refund
