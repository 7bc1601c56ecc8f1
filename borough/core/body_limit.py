"""Refuse request bodies over the cap before anything reads them (issue 16).

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count files, so without this a 60 MB upload
was read whole (and written to a temporary file) before the form saw it was too big. A body
that says it is bigger than ``BOROUGH_MAX_REQUEST_BYTES`` is refused from its Content-Length
alone; a chunked body (no Content-Length) is read only up to the cap, and refused as soon as it
passes it. Either way the answer is a 413: the API's error envelope under /api/, a page in the
GOV.UK style elsewhere. The view never runs.
"""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.shortcuts import render

from .errors import ErrorCode, error_response

log = logging.getLogger(__name__)

_CHUNK = 64 * 1024


def _too_large(request):
    log.info("request body refused: too large", extra={"method": request.method})
    limit_mb = max(1, settings.BOROUGH_MAX_REQUEST_BYTES // (1024 * 1024))
    if request.path.startswith(("/api/", "/open311/")):
        return error_response(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"The request body is too large: send at most {limit_mb}MB",
        )
    return render(request, "errors/413.html", {"limit_mb": limit_mb}, status=413)


class RequestBodyLimitMiddleware:
    """A 413 for any request body over ``BOROUGH_MAX_REQUEST_BYTES``, before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cap = settings.BOROUGH_MAX_REQUEST_BYTES
        length = request.META.get("CONTENT_LENGTH")
        if length:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0 or declared > cap:
                return _too_large(request)
        elif self._chunked(request):
            body = self._read_at_most(request.environ["wsgi.input"], cap)
            if body is None:
                return _too_large(request)
            # What was read is the body: the rest of Django reads it from here.
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        return self.get_response(request)

    @staticmethod
    def _chunked(request) -> bool:
        environ = getattr(request, "environ", {})
        encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        return "chunked" in encoding and "wsgi.input" in environ

    @staticmethod
    def _read_at_most(stream, cap: int) -> bytes | None:
        """The whole body if it is at most ``cap`` bytes; None (having read just past the
        cap, no further) if it is longer."""
        parts: list[bytes] = []
        total = 0
        while True:
            part = stream.read(min(_CHUNK, cap + 1 - total))
            if not part:
                return b"".join(parts)
            parts.append(part)
            total += len(part)
            if total > cap:
                return None
