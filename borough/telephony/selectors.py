"""What the hub reads of calls: the queue, one call, callbacks due, a resident's calls, and
the wallboard's figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from borough.accounts.telephony_policies import call_team_ids

from .models import Call, Callback, CallQueue, CallTurn, Line, QueueEntry

#: "Answered within 60 seconds": the wallboard's service level.
ANSWER_TARGET_SECONDS = 60


def _for_user(calls: QuerySet, user, path: str = "line__team_id") -> QuerySet:
    """Only the calls to lines ``user`` may see (lines with no team: everyone who handles
    calls)."""
    teams = call_team_ids(user)
    if teams is None:
        return calls
    return calls.filter(Q(**{f"{path}__in": teams}) | Q(**{f"{path}__isnull": True}))


def waiting_entries(user) -> list[QueueEntry]:
    """Calls waiting for a person on the lines ``user`` may see: highest priority first,
    then the longest wait."""
    entries = QueueEntry.objects.filter(taken_at=None, left_at=None, call__ended_at=None)
    entries = _for_user(entries, user, "call__line__team_id")
    return list(
        entries.select_related("call__line", "call__resident", "queue").order_by(
            "-priority", "entered_at", "pk"
        )[:200]
    )


def taken_calls(user) -> list[Call]:
    """Calls agents have taken and that have not ended, newest first."""
    calls = _for_user(Call.objects.filter(ended_at=None).exclude(agent=None), user)
    return list(calls.select_related("line", "resident", "agent").order_by("-started_at")[:100])


def call_get(call_id: int) -> Call | None:
    return (
        Call.objects.select_related("line__queue", "resident", "agent", "case", "contact")
        .filter(pk=call_id)
        .first()
    )


def call_transcript(call: Call) -> list[CallTurn]:
    return list(CallTurn.objects.filter(call=call).order_by("at", "pk"))


def callbacks_due(user, *, include_done: bool = False) -> list[Callback]:
    """Call backs not made yet (soonest first), on the lines ``user`` may see."""
    callbacks = Callback.objects.all() if include_done else Callback.objects.filter(done_at=None)
    callbacks = _for_user(callbacks, user, "call__line__team_id")
    return list(
        callbacks.select_related("call__line", "call__resident", "done_by").order_by("due_at")[:200]
    )


def resident_calls(resident_id: int, *, limit: int = 20) -> list[Call]:
    """A resident's calls, newest first (their history in the hub)."""
    return list(
        Call.objects.filter(resident_id=resident_id)
        .select_related("line", "agent")
        .order_by("-started_at")[:limit]
    )


def lines_visible(user) -> list[Line]:
    teams = call_team_ids(user)
    lines = Line.objects.select_related("queue", "service", "team").prefetch_related("numbers")
    if teams is not None:
        lines = lines.filter(Q(team_id__in=teams) | Q(team__isnull=True))
    return list(lines.order_by("name"))


@dataclass
class Board:
    """One row of the wallboard: a line or a queue, today so far."""

    name: str
    kind: str  # "line" or "queue"
    waiting: int = 0
    longest_wait_seconds: int = 0
    answered: int = 0
    answered_in_target: int = 0
    abandoned: int = 0
    resolved_by_assistant: int = 0
    calls: int = 0

    @property
    def longest_wait_text(self) -> str:
        """The longest wait as a wallboard shows it: "45 s", "4 min 05 s"."""
        minutes, seconds = divmod(self.longest_wait_seconds, 60)
        return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"

    @property
    def answered_in_target_percent(self) -> int | None:
        return round(100 * self.answered_in_target / self.answered) if self.answered else None


def wallboard(user, *, now: dt.datetime | None = None) -> list[Board]:
    """Today's figures for each line and each queue ``user`` may see (since midnight in the
    council's time zone). Four queries, whatever the number of lines."""
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    lines = lines_visible(user)
    line_ids = {line.pk for line in lines}
    queues = [q for q in CallQueue.objects.order_by("name") if _queue_visible(q, lines)]
    by_line = {line.pk: Board(line.name, "line") for line in lines}
    by_queue = {queue.pk: Board(queue.name, "queue") for queue in queues}
    calls = Call.objects.filter(started_at__gte=midnight, line_id__in=line_ids).values_list(
        "line_id", "outcome", "agent_id"
    )
    queue_of = {line.pk: line.queue_id for line in lines}
    for line_id, outcome, agent_id in calls:
        # A line's calls count on its board and its queue's.
        queue_board = by_queue.get(queue_of[line_id] or 0)
        for board in filter(None, (by_line[line_id], queue_board)):
            board.calls += 1
            board.abandoned += outcome == Call.Outcome.ABANDONED
            board.resolved_by_assistant += outcome == Call.Outcome.RESOLVED and agent_id is None
    entries = QueueEntry.objects.filter(
        Q(entered_at__gte=midnight) | Q(taken_at=None, left_at=None, call__ended_at=None),
        call__line_id__in=line_ids,
    ).values_list(
        "call__line_id", "queue_id", "entered_at", "taken_at", "left_at", "call__ended_at"
    )
    for line_id, queue_id, entered, taken, left, ended in entries:
        for board in filter(None, (by_line.get(line_id), by_queue.get(queue_id))):
            if taken is None and left is None and ended is None:
                board.waiting += 1
                wait = int((now - entered).total_seconds())
                board.longest_wait_seconds = max(board.longest_wait_seconds, wait)
            elif taken is not None and entered >= midnight:
                board.answered += 1
                in_target = (taken - entered).total_seconds() <= ANSWER_TARGET_SECONDS
                board.answered_in_target += in_target
    return [*by_line.values(), *by_queue.values()]


def _queue_visible(queue: CallQueue, lines: list[Line]) -> bool:
    return any(line.queue_id == queue.pk for line in lines)
