"""GOV.UK Pay's webhooks in: signed, replay-proof, and never trusted without asking Pay."""

from __future__ import annotations

import json

import pytest

from borough.cases.models import Case
from borough.payments import sandbox
from borough.payments.models import Payment, PayState, PayWebhookReceipt, SandboxPayment

from .conftest import fill_form

pytestmark = pytest.mark.django_db
URL = "/payments/webhooks/govuk-pay/"


def _post(client, body: bytes, signature: str):
    return client.post(URL, body, content_type="application/json", HTTP_PAY_SIGNATURE=signature)


@pytest.fixture
def paid_without_webhook(client, bulky, no_webhooks):
    """A resident paid on the sandbox; its webhook not delivered yet, and no return."""
    check = fill_form(client, bulky)
    client.post(check)
    held = SandboxPayment.objects.get()
    sandbox.pay_with_card(held, sandbox.SUCCESS_CARD)
    return sandbox.webhook_body(held)


def test_a_signed_webhook_makes_the_booking(client, settings, paid_without_webhook):
    signature = sandbox.sign(paid_without_webhook, settings.GOVUK_PAY_WEBHOOK_SECRET)
    assert _post(client, paid_without_webhook, signature).status_code == 200
    payment = Payment.objects.get()
    assert payment.state == PayState.SUCCESS and payment.case == Case.objects.get()


def test_a_replayed_webhook_changes_nothing(client, settings, paid_without_webhook):
    signature = sandbox.sign(paid_without_webhook, settings.GOVUK_PAY_WEBHOOK_SECRET)
    for _ in range(3):
        assert _post(client, paid_without_webhook, signature).status_code == 200
    assert Case.objects.count() == 1 and PayWebhookReceipt.objects.count() == 1


@pytest.mark.parametrize("signature", ["", "0" * 64, "not hex", "wrong-secret"])
def test_a_forged_webhook_is_refused(client, settings, paid_without_webhook, signature):
    if signature == "wrong-secret":
        signature = sandbox.sign(paid_without_webhook, "guessed")
    assert _post(client, paid_without_webhook, signature).status_code == 403
    assert not Case.objects.exists() and not PayWebhookReceipt.objects.exists()


def test_a_tampered_body_is_refused(client, settings, paid_without_webhook):
    signature = sandbox.sign(paid_without_webhook, settings.GOVUK_PAY_WEBHOOK_SECRET)
    tampered = paid_without_webhook.replace(b'"api_version": 1', b'"api_version": 2')
    assert _post(client, tampered, signature).status_code == 403


def test_a_webhook_saying_success_is_checked_with_pay(client, settings, bulky, no_webhooks):
    """A correctly signed message about an unpaid payment makes nothing: Borough asks Pay."""
    check = fill_form(client, bulky)
    client.post(check)
    held = SandboxPayment.objects.get()
    message = json.loads(sandbox.webhook_body_for(held, "card_payment_succeeded"))
    body = json.dumps(message).encode()
    signature = sandbox.sign(body, settings.GOVUK_PAY_WEBHOOK_SECRET)
    assert _post(client, body, signature).status_code == 200
    assert not Case.objects.exists()
    assert Payment.objects.get().state in {PayState.CREATED, PayState.STARTED}


def test_a_malformed_but_signed_webhook_is_refused(client, settings):
    body = b'{"hello": "world"}'
    assert (
        _post(client, body, sandbox.sign(body, settings.GOVUK_PAY_WEBHOOK_SECRET)).status_code
        == 403
    )
