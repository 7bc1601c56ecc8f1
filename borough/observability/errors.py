"""Optional error reporting to Sentry (or a Sentry-compatible service such as GlitchTip).

Off unless ``SENTRY_DSN`` is set. What is sent is scrubbed of personal data by
``scrub_event``: no request body, query string, cookies or headers beyond the harmless few,
no client address, the user as an id only, no local variables, and email addresses, UK
postcodes, phone numbers and long digit runs masked in every message and exception text.
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk
from django.conf import settings

KEPT_HEADERS = {"content-type", "accept", "content-length", "x-request-id"}
MASKS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    (re.compile(r"\+?\d[\d\s-]{8,}\d"), "[number]"),
)


def mask(text: str) -> str:
    """``text`` with email addresses, postcodes and phone-like numbers masked."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def _scrub_request(request: dict[str, Any]) -> dict[str, Any]:
    headers = request.get("headers") or {}
    return {
        "method": request.get("method"),
        # The path can hold references and tokens: the transaction names the URL pattern.
        "url": "[redacted]",
        "headers": {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS},
    }


def scrub_event(event: Any, hint: Any = None) -> Any:
    """Sentry's ``before_send``: the event without personal data (see the module's doc)."""
    if "request" in event:
        event["request"] = _scrub_request(event["request"])
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if user.get("id") else {}
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values", []):
        if isinstance(exception.get("value"), str):
            exception["value"] = mask(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    logentry = event.get("logentry") or {}
    for key in ("message", "formatted"):
        if isinstance(logentry.get(key), str):
            logentry[key] = mask(logentry[key])
    logentry.pop("params", None)
    if isinstance(event.get("message"), str):
        event["message"] = mask(event["message"])
    crumbs = event.get("breadcrumbs") or {}
    for crumb in crumbs.get("values", []) if isinstance(crumbs, dict) else crumbs:
        crumb.pop("data", None)
        if isinstance(crumb.get("message"), str):
            crumb["message"] = mask(crumb["message"])
    return event


def _scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    crumb.pop("data", None)
    if isinstance(crumb.get("message"), str):
        crumb["message"] = mask(crumb["message"])
    return crumb


def sentry_start() -> bool:
    """Start Sentry when ``SENTRY_DSN`` is set; returns whether it started."""
    if not settings.SENTRY_DSN:
        return False
    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        # What the integrations collect at all (sentry-sdk 3): no user details, cookies,
        # bodies, query values, query parameters or local variables.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        # Traces go through OpenTelemetry (telemetry.py), not Sentry.
        traces_sample_rate=0.0,
        before_send=scrub_event,
        before_breadcrumb=_scrub_breadcrumb,
    )
    return True
