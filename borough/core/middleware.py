"""Request id, access log and Content-Security-Policy."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse, RawPostDataException, UnreadablePostError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .logging import channel_of, channel_var, request_id_var
from .text import CONTROL_CHARACTER_MESSAGE, control_character_problem

access_log = logging.getLogger("borough.access")
log = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane one from the proxy) and logs one access line.

    The access line names the URL pattern, not the path, so references, postcodes and other
    identifiers in URLs never reach the logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        channel_token = channel_var.set(channel_of(request.path_info))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
            channel_var.reset(channel_token)
        match = getattr(request, "resolver_match", None)
        access_log.info(
            "request",
            extra={
                "method": request.method,
                "route": match.route if match else None,
                "view": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "request_id": request_id,
            },
        )
        response["X-Request-Id"] = request_id
        return response


def _img_src() -> str:
    """Images from Borough itself, data: URLs, and the hosts of the map tiles and the logo when a
    council serves them from elsewhere (``BOROUGH_MAP_TILE_URL``, ``BOROUGH_LOGO_URL``)."""
    sources = ["'self'", "data:"]
    for address in (settings.BOROUGH_MAP_TILE_URL, settings.BOROUGH_LOGO_URL):
        parts = urlsplit(address.replace("{", "").replace("}", ""))
        if parts.scheme == "https" and parts.netloc and f"https://{parts.netloc}" not in sources:
            sources.append(f"https://{parts.netloc}")
    return " ".join(sources)


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy with a per-request nonce and no 'unsafe-inline'.

    Templates use ``{{ request.csp_nonce }}`` on the one inline script GOV.UK Frontend needs
    (it adds the ``js-enabled`` class before the page paints).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        connect_src = " ".join(["'self'", *settings.CSP_EXTRA_CONNECT_SRC])
        policy = "; ".join(
            [
                "default-src 'self'",
                f"script-src 'self' 'nonce-{request.csp_nonce}'",
                "style-src 'self'",
                f"img-src {_img_src()}",
                "font-src 'self'",
                f"connect-src {connect_src}",
                "form-action 'self'",
                "frame-ancestors 'none'",
                "base-uri 'self'",
                "object-src 'none'",
            ]
        )
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


class ResidentLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware for resident pages; staff pages and APIs are always English.

    Residents pick a language with the switcher (a cookie) or their browser's preference. The
    hub, the admin and the APIs are not translated, and what staff and integrators read (case
    answers, validation errors) must not change with a browser setting, so those paths use
    ``LANGUAGE_CODE`` whatever the request says.
    """

    def process_request(self, request):
        if request.path_info.startswith(tuple(settings.STAFF_PATH_PREFIXES)):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not request.path_info.startswith(tuple(settings.STAFF_PATH_PREFIXES)):
            patch_vary_headers(response, ("Cookie",))  # the language cookie changes the page
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on everything that may carry personal data (OWASP ASVS 8.2.1).

    The rule: a response may be kept by browsers and proxies only if it is a public page,
    which means all of: a GET or HEAD; a path outside the private areas
    (``PRIVATE_PATH_PREFIXES``: the hub, the admin, sign-in and account pages, MyAccount,
    request tracking, the chat and the APIs); a request without a session cookie (so nobody
    signed in and no form answers); a response that sets no cookie. Static files are never
    personal and keep their caching. Everything else is ``no-store``, whatever the view said.
    """

    PRIVATE_PATH_PREFIXES = (
        "/hub/",
        "/admin/",
        "/account/",
        "/my-account/",
        "/track/",
        "/chat/",
        "/api/",
        "/open311/",
        "/integrations/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(settings.STATIC_URL):
            return response
        public = (
            request.method in ("GET", "HEAD")
            and not request.path_info.startswith(self.PRIVATE_PATH_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not response.cookies
        )
        if not public and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response


class ControlCharacterMiddleware:
    """Refuses (400) a page's request whose address, form fields, query or JSON body hold a control
    character (``core.text``), before any view reads it: one rule for every form of the portal,
    the hub, the admin and chat, so nothing with one is ever stored. The REST API and Open311
    check their own input and answer in their own error documents, so they are passed on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(OWN_INPUT_CHECKS) and _control_characters_in(request):
            log.info("request refused: control characters in its input")
            if request.content_type == "application/json":  # chat's API, and others like it
                message = f"The text {CONTROL_CHARACTER_MESSAGE}"
                body = {"error": {"code": "bad_request", "message": message}}
                return JsonResponse(body, status=400)
            return render(request, "errors/400.html", {"control_characters": True}, status=400)
        return self.get_response(request)


# The paths whose views check their input for control characters themselves.
OWN_INPUT_CHECKS = ("/api/", "/open311/")


def _control_characters_in(request) -> bool:
    values: list = [request.path_info, list(request.GET.lists())]
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        if request.content_type == "application/json":
            # A body that cannot be read (or is too large) is the view's to answer.
            with contextlib.suppress(ValueError, SuspiciousOperation):
                values.append(json.loads(request.body or b"null"))
        else:
            with contextlib.suppress(
                RawPostDataException, UnreadablePostError, SuspiciousOperation
            ):
                values.append(list(request.POST.lists()))
                values.append([f.name for f in request.FILES.values()])
    return control_character_problem(values) is not None
