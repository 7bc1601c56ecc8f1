"""What the hub shows about processes: per process, instances started, finished with no person,
finished with a person, failed, waiting, the median time to finish and the staff minutes saved;
per step, how many instances wait there, passed it, or failed on it; failed instances; and the
person tasks waiting for a member of staff's teams."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import (
    InstanceStatus,
    ParkingPermit,
    ProcessDefinition,
    ProcessInstance,
    ProcessStep,
    StepState,
)


@dataclass(frozen=True)
class ProcessSummary:
    key: str
    name: str
    version: int
    description: str
    started: int
    finished_alone: int
    finished_with_person: int
    failed: int
    waiting: int
    median_minutes: float | None
    minutes_saved: int


def _median_minutes(key: str, since: dt.datetime | None) -> float | None:
    rows = ProcessInstance.objects.filter(
        definition__key=key, status=InstanceStatus.COMPLETED, finished_at__isnull=False
    )
    if since:
        rows = rows.filter(started_at__gte=since)
    durations = [
        (finished - started).total_seconds() / 60  # type: ignore[operator]
        for started, finished in rows.order_by("-finished_at").values_list(
            "started_at", "finished_at"
        )[:5000]
    ]
    return round(statistics.median(durations), 1) if durations else None


def summaries(since: dt.datetime | None = None) -> list[ProcessSummary]:
    """One row per process (its current version's name), counting instances of every version."""
    instances = ProcessInstance.objects.all()
    steps = ProcessStep.objects.all()
    if since:
        instances = instances.filter(started_at__gte=since)
        steps = steps.filter(started_at__gte=since)
    counts = {
        row["definition__key"]: row
        for row in instances.values("definition__key").annotate(
            started=Count("id"),
            alone=Count("id", filter=Q(status=InstanceStatus.COMPLETED, touched_by_person=False)),
            person=Count("id", filter=Q(status=InstanceStatus.COMPLETED, touched_by_person=True)),
            failed=Count("id", filter=Q(status=InstanceStatus.FAILED)),
            waiting=Count(
                "id", filter=Q(status__in=(InstanceStatus.WAITING, InstanceStatus.RUNNING))
            ),
        )
    }
    saved = dict(
        steps.filter(state=StepState.DONE)
        .values("instance__definition__key")
        .annotate(total=Sum("minutes_saved"))
        .values_list("instance__definition__key", "total")
    )
    rows = []
    for definition in ProcessDefinition.objects.filter(is_current=True).order_by("name"):
        row = counts.get(definition.key, {})
        rows.append(
            ProcessSummary(
                key=definition.key,
                name=definition.name,
                version=definition.version,
                description=definition.description,
                started=row.get("started", 0),
                finished_alone=row.get("alone", 0),
                finished_with_person=row.get("person", 0),
                failed=row.get("failed", 0),
                waiting=row.get("waiting", 0),
                median_minutes=_median_minutes(definition.key, since) if row else None,
                minutes_saved=saved.get(definition.key) or 0,
            )
        )
    return rows


def step_counts(key: str) -> dict[str, dict[str, int]]:
    """Per BPMN element of process ``key`` (every version): waiting, done, failed."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        ProcessStep.objects.filter(instance__definition__key=key)
        .values("step_id", "state")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["step_id"], {"waiting": 0, "done": 0, "failed": 0})[row["state"]] = (
            row["n"]
        )
    return counts


def failed_instances(key: str, limit: int = 50):
    return (
        ProcessInstance.objects.filter(definition__key=key, status=InstanceStatus.FAILED)
        .select_related("case", "definition")
        .order_by("-updated_at")[:limit]
    )


def waiting_tasks(team_slugs: set[str] | None, limit: int | None = 200):
    """Person steps waiting, for the given teams (None: every team), oldest first."""
    rows = ProcessStep.objects.filter(state=StepState.WAITING, kind__endswith="UserTask")
    if team_slugs is not None:
        rows = rows.filter(team__in=team_slugs)
    rows = rows.select_related("instance__case", "instance__definition").order_by("started_at")
    return rows if limit is None else rows[:limit]


def minutes_saved_between(start: dt.datetime, end: dt.datetime) -> int:
    """Staff minutes the processes' automated steps saved in the period (for insights)."""
    total = ProcessStep.objects.filter(
        state=StepState.DONE, finished_at__gte=start, finished_at__lt=end
    ).aggregate(total=Sum("minutes_saved"))["total"]
    return total or 0


def permits_for_resident(resident) -> list:
    """A resident's parking permits that have not ended (MyAccount)."""
    if resident is None:
        return []
    return list(
        ParkingPermit.objects.filter(case__resident=resident, valid_to__gte=timezone.localdate())
        .select_related("zone")
        .order_by("valid_from")
    )


def permits_for_vrm(vrm: str) -> list:
    """Every permit for a registration number, newest first (enforcement officers' check)."""
    return list(
        ParkingPermit.objects.filter(vrm=vrm).select_related("zone", "case").order_by("-valid_to")
    )
