"""Paying for a request on the portal (issue 20): from check answers to GOV.UK Pay and back.

The resident is sent to Pay's ``next_url``; Pay sends them back to a URL with the attempt's
own random token. The token must belong to the form in this resident's session (someone
else's token finds nothing), and Borough then asks Pay for the payment: the return alone is
never trusted. A paid attempt makes the case (or finds the one the webhook already made); a
failed, cancelled or unfinished one keeps the answers so the resident can try again.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from borough.assistant.flows.payment_handoff import read_payment_link
from borough.assistant.models import Conversation
from borough.assistant.state import DialogueState
from borough.assistant.views import SESSION_KEY as CHAT_SESSION_KEY
from borough.catalogue.models import Service
from borough.catalogue.selectors import service_get
from borough.payments.client import PayError
from borough.payments.models import Payment, PayState
from borough.payments.outcomes import outcome_for
from borough.payments.services import payment_start, payment_sync

from .bulky_pages import day_first
from .progress import FormState, Journeys


def pay_for(
    request, service: Service, state: FormState, resident, journeys: Journeys, contact_by=""
):
    """Send the resident to Pay for these answers (or on, if they have paid already); a bulky
    waste booking chooses its collection day first (``bulky_pages``)."""
    day_page = day_first(request, service, state, contact_by)
    if day_page is not None:
        return day_page
    try:
        payment = payment_start(
            service=service,
            answers=state.answers,
            form_token=state.token,
            resident=resident,
            user=request.user,
            contact_by=contact_by,
        )
    except PayError:
        return render(request, "portal/payment_unavailable.html", {"service": service}, status=503)
    if payment.case is not None:
        journeys.finish(service, payment.case.reference)
        return redirect("portal:confirmation", slug=service.slug)
    return HttpResponseRedirect(payment.next_url)


@require_GET
def payment_return(request, slug: str, token: str):
    """Where Pay sends the resident back."""
    service = service_get(slug)
    payment = Payment.objects.filter(token=token, service__slug=slug).first()
    journeys = Journeys(request.session, request.user)
    state = journeys.get(service) if service else None
    if payment is None or service is None:
        return render(request, "portal/payment_not_found.html", {"service": service}, status=404)
    if state is None or state.token != payment.form_token:
        done = journeys.submitted_reference(service)
        if done and payment.case is not None and payment.case.reference == done:
            return redirect("portal:confirmation", slug=service.slug)
        return render(request, "portal/payment_not_found.html", {"service": service}, status=404)
    try:
        payment = payment_sync(payment)
    except PayError:
        return render(request, "portal/payment_unavailable.html", {"service": service}, status=503)
    if payment.case is not None:
        journeys.finish(service, payment.case.reference)
        return redirect("portal:confirmation", slug=service.slug)
    context = {
        "service": service,
        "payment": payment,
        "outcome": outcome_for(payment),
        "unfinished": payment.state not in {PayState.FAILED, PayState.CANCELLED, PayState.ERROR},
    }
    return render(request, "portal/payment_failed.html", context)


def chat_payment(request, slug: str, signed: str):
    """A paid service asked for in the chat: its answers, from the chat's own conversation in
    this browser session, become this form's, and the resident checks them and pays."""
    service = service_get(slug)
    data = read_payment_link(signed)
    conversation = (
        Conversation.objects.filter(token=data["c"]).first()
        if data and data.get("s") == slug
        else None
    )
    if (
        service is None
        or conversation is None
        or request.session.get(CHAT_SESSION_KEY) != str(conversation.token)
    ):
        return render(request, "portal/payment_not_found.html", {"service": service}, status=404)
    form = DialogueState.from_json(conversation.state).form
    if form is None or form.service != slug:
        return render(request, "portal/payment_not_found.html", {"service": service}, status=404)
    journeys = Journeys(request.session, request.user)
    journeys.save(
        service,
        FormState(token=form.token, answers=dict(form.answers), postcodes=dict(form.postcodes)),
    )
    return redirect("portal:check", slug=service.slug)
