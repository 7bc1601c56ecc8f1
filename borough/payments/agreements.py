"""Subscriptions that renew each year (garden waste) through GOV.UK Pay's recurring card
payments (issue 20; ADR 0030).

1. The resident's first payment sets the agreement up: Borough creates an agreement with Pay
   (``POST /v1/agreements``) and sends its id as ``set_up_agreement`` on the payment, so Pay's
   page asks the resident's consent to keep the card. When that payment succeeds the
   agreement is active and renews a year from that day (``agreement_paid``).
2. ``renewals`` tells the resident before each renewal and then takes the renewal from the
   agreement (``authorisation_mode: agreement``).
3. The resident cancels in MyAccount (``agreement_cancel``): Pay is told first
   (``POST /v1/agreements/{id}/cancel``), so no renewal can be taken after the resident saw
   "cancelled".
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from borough.accounts.payment_policies import may_cancel_agreement
from borough.cases.errors import refuse_unless
from borough.catalogue.models import Service
from borough.core.actors import Actor
from borough.core.services import audit_record

from .client import PayClient, PayError, PayNotFound, pay_client
from .models import Agreement, AgreementState, Payment


class AgreementNotCancelled(Exception):
    """Pay could not be told, so the agreement is unchanged: try again later."""


def renews_yearly(service: Service) -> bool:
    rule = service.fee
    return rule is not None and rule.every == "year"


def next_year(day: dt.date) -> dt.date:
    """The same day a year on (28 February after 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def renewal_prefix(agreement: Agreement) -> str:
    """The start of the references of the attempts to take the renewal due next."""
    return f"{agreement.reference}-{agreement.renews_on:%Y%m%d}"


def agreement_set_up(payment: Payment, *, client: PayClient) -> Agreement:
    """Create the agreement with Pay for ``payment`` to set up (before the payment is made)."""
    reference = "AGR-" + secrets.token_hex(5).upper()
    # Pay asks that user_identifier hold no personal data: the payment's own reference.
    made = client.create_agreement(
        reference=reference,
        description=f"{payment.service.name}: renews each year until you cancel",
        user_identifier=payment.reference,
    )
    return Agreement.objects.create(
        reference=reference,
        pay_id=made.agreement_id,
        service=payment.service,
        resident=payment.resident,
        user=payment.user,
        email=payment.email,
        description=payment.service.name[:255],
        amount_pence=payment.amount_pence,
        state=AgreementState.CREATED,
    )


def agreement_paid(payment: Payment) -> None:
    """A payment on an agreement succeeded (inside ``payment_record``'s transaction): the
    first one activates it, a renewal moves the renewal date on a year. Once per payment."""
    if payment.agreement_id is None:
        return
    agreement = Agreement.objects.select_for_update().get(pk=payment.agreement_id)
    paid_on = timezone.localdate(payment.paid_at or timezone.now())
    if agreement.state == AgreementState.CREATED and not payment.renewal:
        agreement.state = AgreementState.ACTIVE
        agreement.renews_on = next_year(paid_on)
    elif (
        payment.renewal
        and agreement.renews_on
        and payment.reference.startswith(renewal_prefix(agreement))
    ):  # the renewal for the date now due: the next is a year on (once: the prefix moves)
        agreement.renews_on = next_year(agreement.renews_on)
        agreement.last_failure = ""
    agreement.save(update_fields=["state", "renews_on", "last_failure"])


def agreement_cancel(*, actor: Actor, agreement: Agreement, client: PayClient | None = None):
    """Cancel the subscription: no more renewals. Raises ``NotAllowed`` for someone else's and
    ``AgreementNotCancelled`` when Pay cannot be told (nothing changes then)."""
    refuse_unless(may_cancel_agreement(actor, agreement))
    if agreement.state in {AgreementState.CANCELLED, AgreementState.INACTIVE}:
        return agreement
    try:
        (client or pay_client()).cancel_agreement(agreement.pay_id)
    except PayNotFound:
        pass  # Pay has no such agreement: nothing can be taken from it
    except PayError as failed:
        raise AgreementNotCancelled(str(failed)) from failed
    with transaction.atomic():
        agreement.state, agreement.cancelled_at = AgreementState.CANCELLED, timezone.now()
        agreement.save(update_fields=["state", "cancelled_at"])
        audit_record(
            actor=actor,
            action="cancelled",
            object_type="agreement",
            object_id=agreement.reference,
            summary=f"Cancelled the yearly renewal of {agreement.description}",
            resident_id=agreement.resident_id,
            channel="portal",
        )
    return agreement


def agreements_for_user(user):
    """A signed-in resident's subscriptions, newest first (none for anyone else)."""
    if user is None or not user.is_authenticated:
        return Agreement.objects.none()
    return Agreement.objects.filter(user=user).exclude(state=AgreementState.CREATED)
