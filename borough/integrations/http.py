"""The one place integrations talk HTTP to other systems (standard library only).

Every request passes ``outbound.check`` first (HTTPS in production, public addresses only,
resolved once) and connects to the address that was checked, with the URL's name as the Host
header and TLS server name. Redirects are never followed: a 3xx is a failure. What Borough
keeps of a failure is the status code and words Borough wrote, never the other system's
answer body, which is read only from a 2xx (issue 16).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from http import HTTPStatus

from . import outbound

TIMEOUT_SECONDS = 10
# An answer body longer than this is cut: nothing Borough reads back is that long.
MAX_ANSWER_BYTES = 256 * 1024
USER_AGENT = "Borough-Integrations/1"
REDIRECT = "the receiver answered with a redirect; Borough does not follow redirects"


@dataclass
class Answer:
    status: int | None  # None: no answer at all (refused, timed out, unreachable, not allowed)
    body: bytes  # the answer's body from a 2xx only; empty otherwise
    duration_ms: int
    error: str = ""  # Borough's words, never the other system's

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Pinned:
    """Connects to the checked addresses (in turn, as ``socket.create_connection`` does for a
    name) whatever the host name resolves to now."""

    addresses: tuple[str, ...]

    def _pinned_socket(
        self, _where: object, timeout: float, source: tuple[str, int] | None = None
    ) -> socket.socket:
        port: int = self.port  # type: ignore[attr-defined]  # from the connection class
        failure: OSError | None = None
        for address in self.addresses:
            try:
                return socket.create_connection((address, port), timeout, source)
            except OSError as error:
                failure = error
        raise failure or OSError("no address to connect to")


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    def __init__(self, target: outbound.Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = target.addresses
        self._create_connection = self._pinned_socket


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    def __init__(self, target: outbound.Target, timeout: float):
        # The certificate is checked against the URL's name (SNI and hostname check).
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.addresses = target.addresses
        self._create_connection = self._pinned_socket


def _status_words(status: int) -> str:
    if 300 <= status < 400:
        return f"HTTP {status}: {REDIRECT}"
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "an unknown status"
    side = "the receiver refused the request" if status < 500 else "the receiver had an error"
    return f"HTTP {status} ({phrase}): {side}"


def _failure_words(failure: BaseException) -> str:
    """Borough's description of a request that got no usable answer (exception messages can
    carry what the other end sent, such as a bad status line, so they are not shown)."""
    if isinstance(failure, TimeoutError | socket.timeout):
        return f"No answer within {TIMEOUT_SECONDS} seconds"
    if isinstance(failure, ConnectionRefusedError):
        return "No answer: the connection was refused"
    if isinstance(failure, ssl.SSLCertVerificationError):
        return "No answer: the receiver's HTTPS certificate could not be verified"
    if isinstance(failure, ssl.SSLError):
        return "No answer: the HTTPS connection failed"
    if isinstance(failure, http.client.HTTPException):
        return "The receiver's answer was not valid HTTP"
    return f"No answer: could not connect ({type(failure).__name__})"


def request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Answer:
    """Send one request and say what came back; never raises for network or HTTP errors, nor
    for a URL Borough may not call (``status`` None and the reason in ``error``)."""
    started = time.monotonic()
    try:
        target = outbound.check(url)
    except outbound.Refused as refused:
        return Answer(None, b"", 0, f"Not sent: {refused}"[:300])
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, timeout)
    try:
        connection.request(
            method, target.path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})}
        )
        response = connection.getresponse()
        status = response.status
        content = response.read(MAX_ANSWER_BYTES) if 200 <= status < 300 else b""
    except (OSError, http.client.HTTPException, ValueError) as failure:
        return Answer(None, b"", _since(started), _failure_words(failure))
    finally:
        connection.close()
    if 200 <= status < 300:
        return Answer(status, content, _since(started))
    return Answer(status, b"", _since(started), _status_words(status))


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
