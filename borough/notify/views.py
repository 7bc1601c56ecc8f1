"""GOV.UK Notify's callbacks in: delivery receipts, received text messages, returned letters.

Set these URLs and one bearer token (``NOTIFY_CALLBACK_TOKEN``) in Notify's "API integration"
page, "Callbacks" (docs/how-to/notify.md)."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .callbacks import delivery_receipt_receive, received_text_receive, returned_letter_receive

LARGEST_CALLBACK_BYTES = 64 * 1024
_ANSWERS = {200: "", 400: "Not a callback Borough understands", 401: "Bearer token refused"}


def _answer(request, receive) -> HttpResponse:
    if len(request.body) > LARGEST_CALLBACK_BYTES:
        return HttpResponse("Too large", status=413, content_type="text/plain")
    status = receive(request.body, request.headers.get("Authorization", ""))
    return HttpResponse(_ANSWERS.get(status, ""), status=status, content_type="text/plain")


@csrf_exempt  # Notify's bearer token, not a browser session
@require_POST
def delivery_receipt(request):
    return _answer(request, delivery_receipt_receive)


@csrf_exempt
@require_POST
def received_text(request):
    return _answer(request, received_text_receive)


@csrf_exempt
@require_POST
def returned_letter(request):
    return _answer(request, returned_letter_receive)
