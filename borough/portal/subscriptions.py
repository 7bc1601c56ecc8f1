"""MyAccount: a resident's subscriptions that renew each year (garden waste) and cancelling
one (issue 20). The renewal is taken by GOV.UK Pay from the card the resident agreed to keep;
cancelling tells Pay first, so nothing is taken after the resident reads "cancelled"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from borough.accounts.payment_policies import may_cancel_agreement
from borough.core.actors import ResidentActor
from borough.payments.agreements import (
    AgreementNotCancelled,
    agreement_cancel,
    agreements_for_user,
)

from .request_page import signed_in_resident


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def subscription_cancel(request, reference: str):
    """Check, then stop a subscription renewing."""
    agreement = agreements_for_user(request.user).filter(reference=reference).first()
    actor = ResidentActor(resident=signed_in_resident(request), user=request.user)
    if agreement is None or not may_cancel_agreement(actor, agreement):
        raise Http404(_("No such subscription"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            agreement_cancel(actor=actor, agreement=agreement)
        except AgreementNotCancelled:
            errors["cancel"] = _(
                "We could not cancel your subscription just now because GOV.UK Pay is not "
                "answering. It has not been cancelled: try again in a few minutes."
            )
        else:
            messages.success(
                request,
                _("Your %(name)s subscription is cancelled. It will not renew.")
                % {"name": agreement.description},
            )
            return redirect("portal:my_account")
    return render(
        request,
        "portal/myaccount/subscription_cancel.html",
        {"agreement": agreement, "errors": errors},
        status=503 if errors else 200,
    )
