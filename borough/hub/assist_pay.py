"""Taking a caller's card payment in assisted digital (issue 20, staff point 1).

For a paid service the agent's "Take the payment" sends them to GOV.UK Pay's own card page
for a MOTO payment (``moto: true``): they type the card details the caller reads out, so card
numbers never pass through Borough and Borough stays out of the card data's way. Pay sends
the agent back here with the attempt's random token; Borough asks Pay for the payment (the
return alone is never trusted) and the case is made only when it succeeded, exactly as for a
resident paying online (``payments.services``). A declined card, a cancelled page or Pay
being down keeps the answers in the agent's session, so they can try again; nothing is made
or charged twice (the attempt is reused while in progress and the case's idempotency key is
the form's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from borough.accounts.payment_policies import may_take_payment
from borough.cases.errors import CaseInvalid, refuse_unless
from borough.cases.selectors import case_by_idempotency_key
from borough.catalogue.fees import FeeRefused
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.payments.client import PayError, PayRateLimited
from borough.payments.models import FINISHED, Payment
from borough.payments.outcomes import outcome_for
from borough.payments.services import payment_start, payment_sync

from .access import staff_required

PAY_DOWN = (
    "GOV.UK Pay is not answering, so no payment was taken and no request was raised. "
    "Try again in a few minutes; the answers are kept."
)
PAY_BUSY = (
    "GOV.UK Pay is busy (too many requests), so no payment was taken and no request was "
    "raised. Try again in a minute; the answers are kept."
)


@dataclass
class Taken:
    redirect_to: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def take_payment(request, assisted, *, minutes: int | None) -> Taken:
    """Start (or resume) the caller's card payment for the answers in ``assisted``."""
    refuse_unless(may_take_payment(StaffActor(request.user)))
    try:
        payment = payment_start(
            service=assisted.service,
            answers=assisted.answers,
            form_token=assisted.token,
            resident=assisted.resident,
            taken_by=request.user,
            channel=assisted.channel,
            contact_seconds=minutes * 60 if minutes else None,
        )
    except CaseInvalid as invalid:
        return Taken(errors={f"change-{key}": message for key, message in invalid.errors.items()})
    except FeeRefused as refused:
        return Taken(errors={"take-payment": f"GOV.UK Pay cannot take this amount: {refused}"})
    except PayRateLimited:
        return Taken(errors={"take-payment": PAY_BUSY})
    except PayError:
        return Taken(errors={"take-payment": PAY_DOWN})
    if payment.case is not None:
        assisted.forget()
        return Taken(redirect_to=reverse("hub:case", args=[payment.case.reference]))
    audit_record(
        actor=request.user,
        action="started",
        object_type="payment",
        object_id=payment.reference,
        resident_id=assisted.resident.pk,
        summary=f"card payment by {assisted.channel} (MOTO) for {assisted.service.slug}",
    )
    return Taken(redirect_to=payment.next_url)


@staff_required
@require_GET
def assist_payment_return(request, token: str, pay_token: str):
    """Where Pay sends the agent back after the caller's card payment."""
    payment = Payment.objects.filter(token=pay_token, form_token=str(token), moto=True).first()
    if payment is None or payment.taken_by_id != request.user.pk:
        raise Http404("No such payment taken by you")
    refuse_unless(may_take_payment(StaffActor(request.user)))
    check_url = reverse("hub:assist_check", args=[token])
    try:
        payment = payment_sync(payment)
    except PayError:
        return render(
            request,
            "hub/assist_payment.html",
            {
                "payment": payment,
                "title": "GOV.UK Pay is not answering",
                "text": PAY_DOWN,
                "check_url": check_url,
                "unfinished": True,
            },
            status=503,
        )
    if payment.case is not None or case_by_idempotency_key(f"assisted:{token}"):
        case = payment.case or case_by_idempotency_key(f"assisted:{token}")
        assert case is not None
        everything = request.session.get("hub_assisted_requests", {})
        if everything.pop(str(token), None) is not None:
            request.session["hub_assisted_requests"] = everything
        messages.success(
            request,
            f"Payment of {payment.amount_display} taken (reference {payment.reference}). "
            f"Request {case.reference} raised. Give the caller both references.",
        )
        return redirect("hub:case", reference=case.reference)
    outcome = outcome_for(payment)
    return render(
        request,
        "hub/assist_payment.html",
        {
            "payment": payment,
            "title": _STAFF_TITLES.get(payment.failure_code, str(outcome.title)),
            "text": _STAFF_WORDS.get(payment.failure_code, str(outcome.explanation)),
            "check_url": check_url,
            "unfinished": payment.state not in FINISHED,
        },
    )


_STAFF_TITLES = {
    "P0010": "The card was declined",
    "P0020": "The payment timed out",
    "P0030": "The payment was cancelled",
    "P0040": "The payment was cancelled",
    "P0050": "GOV.UK Pay's card provider had a problem",
}
_STAFF_WORDS = {
    "P0010": "The caller has not been charged and no request was raised. Ask for another "
    "card, or check the number, and take the payment again.",
    "P0020": "The card page was open too long. The caller has not been charged; take the "
    "payment again.",
    "P0030": "The caller has not been charged and no request was raised. The answers are kept.",
    "P0040": "The caller has not been charged and no request was raised. The answers are kept.",
    "P0050": "The caller has not been charged and no request was raised. Try again later.",
}
