"""What a payment's state means to the resident (GOV.UK Pay's statuses and ``state.code``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Payment, PayState


@dataclass(frozen=True)
class Outcome:
    title: str | Promise
    explanation: str | Promise


DECLINED = Outcome(
    _("Your payment was declined"),
    _(
        "Your card was declined or has expired. You have not been charged. You can try again "
        "with another card."
    ),
)
OUTCOMES = {
    "P0010": DECLINED,
    "P0020": Outcome(
        _("Your payment session has expired"),
        _("You took too long to pay, so the payment was stopped. You have not been charged."),
    ),
    "P0030": Outcome(
        _("You cancelled your payment"),
        _("You have not been charged. Your answers are saved, so you can try again."),
    ),
    "P0040": Outcome(
        _("Your payment was cancelled"),
        _(
            "We cancelled this payment, for example because you changed your answers. You have "
            "not been charged."
        ),
    ),
    "P0050": Outcome(
        _("Sorry, there was a problem with your payment"),
        _("The payment provider had a problem. You have not been charged. Try again later."),
    ),
}
UNFINISHED = Outcome(
    _("Your payment has not finished"),
    _(
        "You have not finished paying. Your answers are saved: continue paying, or start the "
        "payment again."
    ),
)


def outcome_for(payment: Payment) -> Outcome:
    if payment.state in {PayState.FAILED, PayState.CANCELLED, PayState.ERROR}:
        return OUTCOMES.get(payment.failure_code, OUTCOMES["P0050"])
    return UNFINISHED
