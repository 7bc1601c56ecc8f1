"""An optional large language model, through any OpenAI-compatible chat-completions endpoint.

Off unless ``BOROUGH_ASSISTANT_LLM_URL`` is set (a self-hosted vLLM or Ollama, or a cloud
endpoint): with it unset nothing here opens a connection. It is used for two things only:

- rephrasing an answer the assistant already found in the council's own content, and
- translating the assistant's replies into a language Borough has no translation for.

The prompt holds only the retrieved content and the resident's message (never their name,
address or any record). Every output is checked against what went in: a web address, an email
address, a phone number or any other number that is not in the content is refused, and so is
an empty or overlong answer; the caller then uses the plain answer.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request

from django.conf import settings

from borough.people.objections import ProcessingActivity, objects_to

logger = logging.getLogger(__name__)

_LINK = re.compile(r"(?:https?://|www\.)\S+|/[a-z0-9-]+(?:/[a-z0-9-]+)*/", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_NUMBER = re.compile(r"\d[\d ]*\d|\d")
MAX_OUTPUT_CHARS = 1500


def configured() -> bool:
    return bool(getattr(settings, "BOROUGH_ASSISTANT_LLM_URL", ""))


def may_use_for(resident_id: int | None) -> bool:
    """May this resident's words go to the model? Only if one is configured and the resident
    has no upheld objection to it (UK GDPR Article 21, ``people.objections``). Every call site
    that sends a resident's words or request asks this, not ``configured``."""
    return configured() and not objects_to(resident_id, ProcessingActivity.ASSISTANT_LLM)


def conversation_resident_id(conversation) -> int | None:
    """The resident a chat is with: its own, else its signed-in account's."""
    if conversation.resident_id is not None:
        return conversation.resident_id
    user = conversation.user
    resident = getattr(user, "resident", None) if user is not None else None
    return resident.pk if resident is not None else None


def complete(messages: list[dict], *, max_tokens: int = 400) -> str | None:
    """The model's reply to a chat-completions request, or None (not configured, or failed)."""
    if not configured():
        return None
    url = settings.BOROUGH_ASSISTANT_LLM_URL.rstrip("/")
    if not url.startswith(("http://", "https://")):
        logger.warning("BOROUGH_ASSISTANT_LLM_URL must be an http(s) address")
        return None
    if not url.endswith("/chat/completions"):
        url += "/chat/completions"
    body = json.dumps(
        {
            "model": settings.BOROUGH_ASSISTANT_LLM_MODEL,
            "messages": messages,
            "temperature": 0,
            "max_tokens": max_tokens,
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    if settings.BOROUGH_ASSISTANT_LLM_KEY:
        headers["Authorization"] = f"Bearer {settings.BOROUGH_ASSISTANT_LLM_KEY}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) only, checked above)
    try:
        with urllib.request.urlopen(  # noqa: S310 (http(s) only, checked above)
            request, timeout=settings.BOROUGH_ASSISTANT_LLM_TIMEOUT
        ) as response:
            data = json.loads(response.read().decode())
        return str(data["choices"][0]["message"]["content"]).strip()
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError, IndexError, TypeError):
        logger.warning("assistant LLM request failed")
        return None


def _facts(text: str) -> set[str]:
    found = {m.group(0).rstrip(".,)").lower() for m in _LINK.finditer(text)}
    found |= {m.group(0).lower() for m in _EMAIL.finditer(text)}
    found |= {re.sub(r"\s", "", m.group(0)) for m in _NUMBER.finditer(text)}
    return found


def grounded(output: str | None, sources: list[str]) -> bool:
    """Does ``output`` only state links, emails and numbers that are in ``sources``?"""
    if not output or len(output) > MAX_OUTPUT_CHARS:
        return False
    allowed = set()
    for source in sources:
        allowed |= _facts(source)
    return _facts(output) <= allowed


_REPHRASE = (
    "You write replies for a UK council's web chat. Answer the resident's message using ONLY "
    "the council content given. Do not add facts, numbers, phone numbers, email addresses or "
    "links that are not in the content. Use plain English, short sentences, and 'you'. If the "
    "content does not answer the message, reply exactly: NO ANSWER."
)


def rephrase(*, question: str, passages) -> str | None:
    """A clearer answer to ``question`` from the retrieved ``passages``, or None."""
    content = "\n\n".join(f"{p.title} ({p.url}): {p.text}" for p in passages)
    output = complete(
        [
            {"role": "system", "content": _REPHRASE},
            {"role": "user", "content": f"Council content:\n{content}\n\nResident: {question}"},
        ]
    )
    if output is None or "NO ANSWER" in output:
        return None
    return output if grounded(output, [content]) else None


def translate_reply(text: str, language: str) -> str | None:
    """The assistant's reply in ``language`` (ISO 639-1), or None."""
    output = complete(
        [
            {
                "role": "system",
                "content": "Translate the council's message into the language with ISO 639-1 "
                f"code '{language}'. Keep every number, reference and link exactly. Reply "
                "with the translation only.",
            },
            {"role": "user", "content": text},
        ]
    )
    return output if grounded(output, [text]) else None


def translate_to_english(text: str) -> str | None:
    """A resident's message in English, for understanding it, or None."""
    output = complete(
        [
            {
                "role": "system",
                "content": "Translate the resident's message into English. Keep every number, "
                "postcode and reference exactly. Reply with the translation only.",
            },
            {"role": "user", "content": text},
        ]
    )
    return output if grounded(output, [text]) else None
