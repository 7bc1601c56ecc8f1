"""The rules of the routing plan: opening hours, SIP addresses, and what a line's fields must
be. One checker (``line_problems``) serves the hub's line form and the plan file's import, so
both refuse the same things in the same words.

Opening hours (``Line.opening_hours``) map a weekday (``mon`` .. ``sun``) to a list of
``"HH:MM-HH:MM"`` ranges in the council's time zone (``"08:00-12:30"``); a day not there, or
with no ranges, is closed. Bank holidays in England close a line with
``closed_on_bank_holidays``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from borough.catalogue.answers import validate_answers
from borough.core.working_days import bank_holidays
from borough.places.selectors import Gazetteer

from .models import WEEKDAYS
from .numbers import e164

RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
SIP_URI = re.compile(r"^(sips?|tel):[^\s<>\"]+$")
MAX_RETENTION_DAYS = 3650


def line_is_open(line, at: dt.datetime) -> bool:
    """Is ``line`` open at ``at``? Its hours for that weekday, in the council's time zone, and
    closed on bank holidays in England when it says so."""
    local = timezone.localtime(at)
    if line.closed_on_bank_holidays and local.date() in bank_holidays(local.year):
        return False
    now = local.strftime("%H:%M")
    for text in (line.opening_hours or {}).get(WEEKDAYS[local.weekday()], []):
        start, _, end = text.partition("-")
        if start <= now < end:
            return True
    return False


def hours_problems(hours: Any) -> list[str]:
    """What is wrong with opening hours as the plan holds them (empty when right)."""
    if hours in (None, ""):
        return []
    if not isinstance(hours, dict):
        return ["opening hours must map weekdays (mon to sun) to lists of times"]
    problems = []
    for day, ranges in hours.items():
        if day not in WEEKDAYS:
            problems.append(f"opening hours: {day!r} is not a weekday (mon, tue, ... sun)")
            continue
        if not isinstance(ranges, list):
            problems.append(f'opening hours on {day}: must be a list like ["08:00-17:00"]')
            continue
        for text in ranges:
            match = RANGE.match(str(text))
            if not match or str(text)[:5] >= str(text)[6:]:
                problems.append(
                    f"opening hours on {day}: {text!r} must be HH:MM-HH:MM, the end after the start"
                )
    return problems


def hours_from_text(text: str) -> list[str]:
    """One weekday's hours as staff type them ("08:00-12:30, 13:30-17:00"; blank: closed)."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",")]
    return [part.replace(" ", "") for part in parts if part]


def sip_uri_problem(uri: str) -> str | None:
    """Why ``uri`` is not a SIP or tel URI the gateway can transfer to, or None."""
    if not SIP_URI.match(uri or ""):
        return f"{uri!r} must be a SIP address like sip:repairs@pbx.council.example"
    return None


MESSAGE_FILLER = " (message left on the council's phone line)"


def voicemail_answers(service, transcript: str) -> dict[str, Any]:
    """A voicemail as answers to ``service``'s form: the transcript in each text question,
    cut to fit (and made long enough), other questions left unanswered."""
    text = " ".join((transcript or "").split()) or "A message with no words we could make out."
    answers: dict[str, Any] = {}
    for question in service.form.questions:
        if question.type != "text":
            continue
        value = text if len(text) >= question.min_length else text + MESSAGE_FILLER
        answers[question.id] = value[: question.max_length]
    return answers


def voicemail_service_problem(service) -> str | None:
    """Why a voicemail could not be raised on ``service`` (its form needs more than a message),
    or None."""
    _, errors = validate_answers(
        service.form,
        voicemail_answers(service, "Please call me back about my request, thank you."),
        places=Gazetteer(),
    )
    if errors:
        return (
            f"voicemails cannot be raised on {service.slug!r}: its form asks more than a "
            "message; choose a voicemail service whose questions are text"
        )
    return None


def line_problems(
    data: dict[str, Any], *, services: dict[str, Any], teams: set[str], queues: set[str]
) -> list[str]:
    """What is wrong with one line as the plan file (or the hub's form) gives it."""
    problems: list[str] = []
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", str(data.get("slug") or "")):
        problems.append("slug must be lower-case letters, digits and dashes")
    if not str(data.get("name") or "").strip():
        problems.append("name is missing")
    if not str(data.get("greeting") or "").strip():
        problems.append("greeting is missing (what callers hear first)")
    numbers = data.get("numbers") or []
    if not isinstance(numbers, list):
        problems.append("numbers must be a list")
        numbers = []
    for number in numbers:
        if e164(str(number)) != str(number):
            problems.append(f"number {number!r} must be in E.164, like +441632960000")
    for key in ("service", "voicemail_service"):
        slug = data.get(key)
        if slug and slug not in services:
            problems.append(f"{key} {slug!r} is not in the catalogue")
    voicemail = services.get(data.get("voicemail_service") or data.get("service") or "")
    if voicemail is not None:
        problem = voicemail_service_problem(voicemail)
        if problem and data.get("voicemail_service"):
            problems.append(problem)
    if data.get("team") and data["team"] not in teams:
        problems.append(f"team {data['team']!r} does not exist")
    if data.get("queue") and data["queue"] not in queues:
        problems.append(f"queue {data['queue']!r} is not one of the plan's queues")
    problems += hours_problems(data.get("opening_hours"))
    for key in ("out_of_hours_transfer", "teams_queue_uri"):
        if data.get(key) and (problem := sip_uri_problem(str(data[key]))):
            problems.append(f"{key}: {problem}")
    for key in ("closed_on_bank_holidays", "record_calls"):
        if key in data and not isinstance(data[key], bool):
            problems.append(f"{key} must be true or false")
    days = data.get("recording_retention_days", 90)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_RETENTION_DAYS:
        problems.append(
            f"recording_retention_days must be a whole number from 1 to {MAX_RETENTION_DAYS}"
        )
    # Left out of a plan file, the notice is the default one; given empty, it is refused.
    notice = data.get("recording_notice", "default")
    if data.get("record_calls") and not str(notice or "").strip():
        problems.append("a line that records calls needs the recording notice read to callers")
    return problems
