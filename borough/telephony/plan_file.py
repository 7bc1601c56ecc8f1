"""The routing plan as a file: exported and imported whole, as YAML or JSON (the same shape;
JSON is YAML). The format is documented in ``docs/how-to/telephony.md``:

    version: 1
    queues:
      - {slug: repairs, name: Repairs, team: housing}
    lines:
      - slug: repairs
        name: Housing repairs
        numbers: ["+441632960100"]
        service: report-housing-repair      # optional, a catalogue slug
        team: housing                       # optional: whose calls these are
        greeting: "Housing repairs. ..."
        opening_hours: {mon: ["08:00-18:00"], ..., sat: ["09:00-12:00"]}
        closed_on_bank_holidays: true
        out_of_hours_message: "..."
        out_of_hours_transfer: "sip:emergency-repairs@pbx.council.example"
        queue: repairs
        record_calls: true
        recording_notice: "..."
        recording_retention_days: 90
        teams_queue_uri: "sip:repairs-cq@council.example"
        voicemail_service: null

Importing checks the whole file first; any problem and nothing changes (``PlanInvalid`` lists
every problem). A good file replaces the plan: lines, queues and numbers not in it are removed
(calls keep their history).
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.db import transaction

from borough.accounts.models import Team
from borough.accounts.telephony_policies import may_manage_routing_plan
from borough.cases.errors import NotAllowed
from borough.catalogue.models import Service
from borough.core.actors import Actor
from borough.core.services import audit_record
from borough.core.yamlfile import load

from .models import DEFAULT_RECORDING_NOTICE, CallQueue, Line, PhoneNumber
from .plan import line_problems

FORMAT_VERSION = 1
LINE_KEYS = (
    "slug",
    "name",
    "numbers",
    "service",
    "team",
    "greeting",
    "opening_hours",
    "closed_on_bank_holidays",
    "out_of_hours_message",
    "out_of_hours_transfer",
    "queue",
    "record_calls",
    "recording_notice",
    "recording_retention_days",
    "teams_queue_uri",
    "voicemail_service",
)
QUEUE_KEYS = ("slug", "name", "team")


class PlanInvalid(ValueError):
    """The plan file cannot be imported; ``problems`` lists every reason, each naming where."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def line_as_data(line: Line) -> dict[str, Any]:
    return {
        "slug": line.slug,
        "name": line.name,
        "numbers": [n.number for n in line.numbers.all()],
        "service": line.service.slug if line.service else None,
        "team": line.team.slug if line.team else None,
        "greeting": line.greeting,
        "opening_hours": line.opening_hours,
        "closed_on_bank_holidays": line.closed_on_bank_holidays,
        "out_of_hours_message": line.out_of_hours_message,
        "out_of_hours_transfer": line.out_of_hours_transfer,
        "queue": line.queue.slug if line.queue else None,
        "record_calls": line.record_calls,
        "recording_notice": line.recording_notice,
        "recording_retention_days": line.recording_retention_days,
        "teams_queue_uri": line.teams_queue_uri,
        "voicemail_service": line.voicemail_service.slug if line.voicemail_service else None,
    }


def plan_export() -> dict[str, Any]:
    """The whole plan as plain data (the file's shape)."""
    queues = CallQueue.objects.select_related("team").order_by("slug")
    lines = (
        Line.objects.select_related("service", "team", "queue", "voicemail_service")
        .prefetch_related("numbers")
        .order_by("slug")
    )
    return {
        "version": FORMAT_VERSION,
        "queues": [
            {"slug": q.slug, "name": q.name, "team": q.team.slug if q.team else None}
            for q in queues
        ],
        "lines": [line_as_data(line) for line in lines],
    }


def plan_dump(fmt: str = "yaml") -> str:
    """The plan as a YAML or JSON file."""
    data = plan_export()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _parse(text: str) -> Any:
    try:
        return load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PlanInvalid([f"the file is not YAML or JSON{where}"]) from None


def plan_check(text: str) -> dict[str, Any]:
    """The plan in ``text``, checked whole; ``PlanInvalid`` lists every problem."""
    data = _parse(text)
    if not isinstance(data, dict):
        raise PlanInvalid(["the file must hold a plan with 'version', 'queues' and 'lines'"])
    problems: list[str] = []
    if data.get("version") != FORMAT_VERSION:
        problems.append(f"version must be {FORMAT_VERSION}")
    queues, lines = data.get("queues") or [], data.get("lines") or []
    if not isinstance(queues, list) or not isinstance(lines, list):
        raise PlanInvalid([*problems, "'queues' and 'lines' must be lists"])
    teams = set(Team.objects.values_list("slug", flat=True))
    services = {s.slug: s for s in Service.objects.all()}
    queue_slugs: set[str] = set()
    for index, queue in enumerate(queues, 1):
        where = f"queue {index}"
        if not isinstance(queue, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        problems += [f"{where}: unknown field {key!r}" for key in queue if key not in QUEUE_KEYS]
        slug = str(queue.get("slug") or "")
        if not slug or slug in queue_slugs:
            problems.append(f"{where}: slug missing or used twice")
        if not str(queue.get("name") or "").strip():
            problems.append(f"{where}: name is missing")
        if queue.get("team") and queue["team"] not in teams:
            problems.append(f"{where}: team {queue['team']!r} does not exist")
        queue_slugs.add(slug)
    line_slugs: set[str] = set()
    numbers: dict[str, str] = {}
    for index, line in enumerate(lines, 1):
        if not isinstance(line, dict):
            problems.append(f"line {index}: must be a mapping")
            continue
        where = f"line {index} ({line.get('slug') or 'no slug'})"
        problems += [f"{where}: unknown field {key!r}" for key in line if key not in LINE_KEYS]
        problems += [
            f"{where}: {p}"
            for p in line_problems(line, services=services, teams=teams, queues=queue_slugs)
        ]
        if line.get("slug") in line_slugs:
            problems.append(f"{where}: slug used by another line")
        line_slugs.add(str(line.get("slug")))
        for number in line.get("numbers") or [] if isinstance(line.get("numbers"), list) else []:
            if number in numbers:
                problems.append(f"{where}: number {number} is also on line {numbers[number]}")
            numbers[str(number)] = str(line.get("slug"))
    if problems:
        raise PlanInvalid(problems)
    return data


def _line_fields(line: dict[str, Any], services, teams, queues) -> dict[str, Any]:
    return {
        "name": line["name"].strip(),
        "service": services.get(line.get("service") or ""),
        "team": teams.get(line.get("team") or ""),
        "greeting": line["greeting"].strip(),
        "opening_hours": line.get("opening_hours") or {},
        "closed_on_bank_holidays": line.get("closed_on_bank_holidays", True),
        "out_of_hours_message": line.get("out_of_hours_message") or "",
        "out_of_hours_transfer": line.get("out_of_hours_transfer") or "",
        "queue": queues.get(line.get("queue") or ""),
        "record_calls": line.get("record_calls", False),
        "recording_notice": line.get("recording_notice") or DEFAULT_RECORDING_NOTICE,
        "recording_retention_days": line.get("recording_retention_days", 90),
        "teams_queue_uri": line.get("teams_queue_uri") or "",
        "voicemail_service": services.get(line.get("voicemail_service") or ""),
    }


def plan_import(*, actor: Actor, text: str) -> dict[str, int]:
    """Replace the routing plan with the one in ``text`` (YAML or JSON), all or nothing.
    Administrators only. Returns how many lines, queues and numbers the plan now has."""
    if not may_manage_routing_plan(actor):
        raise NotAllowed("Only administrators may change the routing plan")
    data = plan_check(text)
    teams = {t.slug: t for t in Team.objects.all()}
    services = {s.slug: s for s in Service.objects.all()}
    with transaction.atomic():
        queues = {}
        for queue in data.get("queues") or []:
            queues[queue["slug"]], _ = CallQueue.objects.update_or_create(
                slug=queue["slug"],
                defaults={"name": queue["name"], "team": teams.get(queue.get("team") or "")},
            )
        CallQueue.objects.exclude(slug__in=list(queues)).delete()
        kept = []
        PhoneNumber.objects.all().delete()
        for data_line in data.get("lines") or []:
            line, _ = Line.objects.update_or_create(
                slug=data_line["slug"],
                defaults=_line_fields(data_line, services, teams, queues),
            )
            PhoneNumber.objects.bulk_create(
                PhoneNumber(number=n, line=line) for n in data_line.get("numbers") or []
            )
            kept.append(line.pk)
        Line.objects.exclude(pk__in=kept).delete()
        audit_record(
            actor=actor,
            action="changed",
            object_type="routing_plan",
            object_id="plan",
            summary="routing plan imported",
        )
    return {
        "lines": len(kept),
        "queues": len(queues),
        "numbers": PhoneNumber.objects.count(),
    }


def line_save(*, actor: Actor, data: dict[str, Any], line: Line | None = None) -> Line:
    """Add a line, or change ``line``, from the hub's form (the plan file's fields). Checked
    by the same rules as an import; ``PlanInvalid`` lists every problem and nothing changes."""
    if not may_manage_routing_plan(actor):
        raise NotAllowed("Only administrators may change the routing plan")
    teams = {t.slug: t for t in Team.objects.all()}
    services = {s.slug: s for s in Service.objects.all()}
    queues = {q.slug: q for q in CallQueue.objects.all()}
    problems = line_problems(data, services=services, teams=set(teams), queues=set(queues))
    others = Line.objects.exclude(pk=line.pk) if line else Line.objects.all()
    if others.filter(slug=data.get("slug")).exists():
        problems.append("slug is used by another line")
    taken = PhoneNumber.objects.filter(number__in=data.get("numbers") or [])
    if line is not None:
        taken = taken.exclude(line=line)
    problems += [
        f"number {n.number} is on line {n.line.name}" for n in taken.select_related("line")
    ]
    if problems:
        raise PlanInvalid(problems)
    with transaction.atomic():
        fields = _line_fields(data, services, teams, queues)
        if line is None:
            line = Line.objects.create(slug=data["slug"], **fields)
        else:
            for name, value in {"slug": data["slug"], **fields}.items():
                setattr(line, name, value)
            line.save()
        line.numbers.exclude(number__in=data.get("numbers") or []).delete()
        for number in data.get("numbers") or []:
            PhoneNumber.objects.get_or_create(number=number, line=line)
        audit_record(
            actor=actor,
            action="changed",
            object_type="phone_line",
            object_id=line.pk,
            summary=f"phone line {line.slug} saved",
        )
    return line


def queue_save(*, actor: Actor, slug: str, name: str, team_slug: str = "") -> CallQueue:
    """Add a call queue (or rename one) from the hub."""
    if not may_manage_routing_plan(actor):
        raise NotAllowed("Only administrators may change the routing plan")
    problems = []
    if not slug or not slug.replace("-", "").isalnum() or slug != slug.lower():
        problems.append("Enter a short name of lower-case letters, digits and dashes")
    if not name.strip():
        problems.append("Enter the queue's name")
    team = Team.objects.filter(slug=team_slug).first() if team_slug else None
    if team_slug and team is None:
        problems.append("Choose a team that exists")
    if problems:
        raise PlanInvalid(problems)
    queue, _ = CallQueue.objects.update_or_create(
        slug=slug, defaults={"name": name.strip(), "team": team}
    )
    return queue
