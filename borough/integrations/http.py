"""The one place integrations talk HTTP to other systems (standard library only)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 10
# An answer body longer than this is cut: nothing Borough reads back is that long.
MAX_ANSWER_BYTES = 256 * 1024
USER_AGENT = "Borough-Integrations/1"


@dataclass
class Answer:
    status: int | None  # None: no answer at all (refused, timed out, unreachable)
    body: bytes
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Answer:
    """Send one request and say what came back; never raises for network or HTTP errors."""
    if not url.lower().startswith(("http://", "https://")):
        return Answer(None, b"", 0, "The URL must start with http:// or https://")
    started = time.monotonic()
    prepared = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=body, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:  # noqa: S310
            content = response.read(MAX_ANSWER_BYTES)
            status = response.status
        return Answer(status, content, _since(started))
    except urllib.error.HTTPError as failure:
        content = failure.read(MAX_ANSWER_BYTES) if failure.fp else b""
        reason = content.decode("utf-8", "replace").strip()[:200] or str(failure.reason)
        return Answer(failure.code, content, _since(started), f"HTTP {failure.code}: {reason}")
    except (urllib.error.URLError, OSError, ValueError) as failure:
        cause: object = getattr(failure, "reason", failure)
        return Answer(None, b"", _since(started), f"No answer: {cause}"[:300])


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
