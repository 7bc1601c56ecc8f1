"""GOV.UK Pay's webhooks in (``/payments/webhooks/govuk-pay/``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .client import PayError
from .webhooks import WebhookRefused, webhook_receive

LARGEST_WEBHOOK_BYTES = 256 * 1024


@csrf_exempt  # signed by Pay (Pay-Signature), not by a browser session
@require_POST
def govuk_pay_webhook(request):
    body = request.body
    if len(body) > LARGEST_WEBHOOK_BYTES:
        return HttpResponse("Too large", status=413, content_type="text/plain")
    try:
        webhook_receive(body, request.headers.get("Pay-Signature", ""))
    except WebhookRefused:
        return HttpResponse("Signature refused", status=403, content_type="text/plain")
    except PayError:
        # Pay retries a webhook that did not get a 2xx: ask again when it does.
        return HttpResponse("Try again later", status=503, content_type="text/plain")
    return HttpResponse(status=200)
