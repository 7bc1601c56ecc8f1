"""The embedded GOV.UK Pay sandbox over HTTP, at ``/sandbox/pay/`` (only with
``GOVUK_PAY_SANDBOX`` on): the API (``v1/...``) and the card pages a resident pays on. Test
cards only; every page says it is a sandbox and no money moves."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import sandbox
from .models import SandboxPayment


def _sandbox_on() -> None:
    if not settings.GOVUK_PAY_SANDBOX:
        raise Http404("The GOV.UK Pay sandbox is off")


@csrf_exempt  # an API called with a bearer key, as Pay's is
@require_http_methods(["GET", "POST"])
def api(request, path: str):
    _sandbox_on()
    headers = {
        "Authorization": request.headers.get("Authorization", ""),
        "Idempotency-Key": request.headers.get("Idempotency-Key", ""),
    }
    query = request.META.get("QUERY_STRING", "")
    status, data = sandbox.handle(
        request.method or "GET", f"/v1/{path}?{query}", headers, request.body
    )
    return HttpResponse(
        b"" if data is None else json.dumps(data).encode(),
        status=status,
        content_type="application/json",
    )


@require_http_methods(["GET", "POST"])
def card(request, payment_id: str):
    _sandbox_on()
    payment = get_object_or_404(SandboxPayment, payment_id=payment_id)
    return_url = payment.request["return_url"]
    if payment.state in sandbox.EVENT_TYPES:
        return render(request, "payments/sandbox_finished.html", {"return_url": return_url})
    sandbox.start(payment)
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            sandbox.finish(payment, "failed", "P0030")
            return HttpResponseRedirect(return_url)
        if sandbox.pay_with_card(payment, request.POST.get("card_number", "")):
            return HttpResponseRedirect(return_url)
        error = "Enter one of GOV.UK Pay's test card numbers"
    return render(
        request,
        "payments/sandbox_card.html",
        {
            "payment": payment,
            "moto": bool(payment.request.get("moto")),
            "agreement": bool(payment.request.get("set_up_agreement")),
            "amount": f"£{payment.request['amount'] / 100:,.2f}",
            "description": payment.request["description"],
            "error": error,
            "errors": {"card_number": error} if error else {},
            "cards": [
                ("4444333322221111", "success"),
                ("4000000000000002", "declined"),
                ("4000000000000069", "expired card"),
                ("4000000000000119", "processing error"),
            ],
        },
    )
