"""Logging helpers: every log line carries the request id, never personal data."""

from __future__ import annotations

import contextvars
import logging

from django.urls import Resolver404, resolve

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# Where the request being served came in ("hub", "admin", "api", "portal"; empty outside a
# request): the audit log records it with every view or change of personal data.
channel_var: contextvars.ContextVar[str] = contextvars.ContextVar("channel", default="")

_CHANNEL_PREFIXES = (("/hub/", "hub"), ("/admin/", "admin"), ("/api/", "api"), ("/open311/", "api"))


def channel_of(path: str) -> str:
    """The audit channel of a request path: the hub, the admin, an API, or else the portal."""
    for prefix, channel in _CHANNEL_PREFIXES:
        if path.startswith(prefix):
            return channel
    return "portal"


class RequestIdFilter(logging.Filter):
    """Adds the current request id to every record so lines of one request can be joined."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class PathRedactingFilter(logging.Filter):
    """Replaces the request path in Django's own request warnings with its URL pattern.

    Django logs "Not Found: /track/BO-…/…" and "Forbidden (CSRF …): /my-account/…" with the
    whole path, which can carry case references, tracking tokens and resident ids. The pattern
    ("track/<str:reference>/<str:token>/") says which page it was without saying whose.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple) and path in record.args:
            record.args = tuple(_route(request) if arg == path else arg for arg in record.args)
        return True


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "[unknown path]"
    return "/" + match.route if match.route else "[unknown path]"
