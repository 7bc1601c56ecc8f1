"""The embedded GOV.UK Notify sandbox over HTTP, at ``/sandbox/notify/`` (only with
``NOTIFY_SANDBOX`` on): Notify's API (``v2/...``), and a page of what was "sent" where a tester
prints or returns a letter and texts back as a resident would. Every page says it is a sandbox
and nothing is sent."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import sandbox
from .models import SandboxNotification

REPLY_LIMIT = 918  # Notify's longest received text (6 parts of 153 characters)


def _sandbox_on() -> None:
    if not settings.NOTIFY_SANDBOX:
        raise Http404("The GOV.UK Notify sandbox is off")


@csrf_exempt  # an API called with a JWT bearer token, as Notify's is
@require_http_methods(["GET", "POST"])
def api(request, path: str):
    _sandbox_on()
    status, data = sandbox.handle(
        request.method or "GET",
        f"/v2/{path}",
        {"Authorization": request.headers.get("Authorization", "")},
        request.body,
    )
    return HttpResponse(json.dumps(data).encode(), status=status, content_type="application/json")


@require_http_methods(["GET"])
def index(request):
    _sandbox_on()
    return render(
        request,
        "notify/sandbox_index.html",
        {
            "notifications": SandboxNotification.objects.order_by("-created_at")[:50],
            "error": "",
            "errors": {},
        },
    )


@require_POST
def act(request, notification_id: str):
    """Print or return a letter, or text back from a number a text went to."""
    _sandbox_on()
    notification = get_object_or_404(SandboxNotification, pk=notification_id)
    action = request.POST.get("action", "")
    if action == "print" and notification.type == "letter":
        sandbox.letter_print(notification)
    elif action == "return" and notification.type == "letter":
        sandbox.letter_print(notification)
        sandbox.letter_return(notification)
    elif action == "reply" and notification.type == "sms":
        words = request.POST.get("message", "").strip()
        if not words or len(words) > REPLY_LIMIT:
            error = "Enter the text the resident sends back (up to 918 characters)"
            return render(
                request,
                "notify/sandbox_index.html",
                {
                    "notifications": SandboxNotification.objects.order_by("-created_at")[:50],
                    "error": error,
                    "errors": {f"message-{notification.pk}": error},
                    "error_for": str(notification.pk),
                },
                status=400,
            )
        sandbox.text_reply(from_number=notification.to, message=words)
    return redirect("notify:sandbox_index")
