"""AI helpers for staff (issue 22, point 5): a case in a few lines, a resident's recent history in
a few lines, a draft public update, and a suggested service and priority for a new contact.

Offline and extractive by default: every line is made from the record's own fields and timeline,
so nothing is invented and an officer can check each line against the page below it. With the
council's own language model switched on for staff (``BOROUGH_STAFF_LLM`` and
``BOROUGH_ASSISTANT_LLM_URL``), a draft may be rewritten in plainer words; the rewrite is used only
if every number, link and email address in it is in the facts it was given (``llm.grounded``),
and it never sees the resident's name or address.

Staff always approve. Nothing here sends or changes anything: a draft lands in the update box
for the officer to edit and send, a suggestion preselects a choice the agent can change, and the
hub records each draft and suggestion in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from borough.assistant import llm, nlu
from borough.cases.models import Case, CaseEvent, Priority, ResponseTemplate
from borough.cases.responses import case_values, fill
from borough.cases.selectors import sla_clock
from borough.catalogue.models import Service
from borough.catalogue.selectors import service_get

QUOTE_CHARS = 160
# Free-text answers worth quoting: what the resident wrote in their own words.
_TEXT_TYPES = {"text"}


def _quote(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _day(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def _by(channel: str, label: str) -> str:
    """ "online", "by phone", "by chat"."""
    return "online" if channel == "web" else f"by {label.lower()}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _own_words(case: Case) -> str:
    """The longest thing the resident wrote in their own words, if any."""
    texts = [
        str(case.answers.get(q.id))
        for q in case.service.form.questions
        if q.type in _TEXT_TYPES and isinstance(case.answers.get(q.id), str)
    ]
    texts = [t for t in texts if t.strip()]
    return max(texts, key=len) if texts else ""


def case_summary(case: Case, events: list[CaseEvent], today: dt.date | None = None) -> list[str]:
    """The case in a few lines, each from a field or a timeline event shown on the case page."""
    today = today or timezone.localdate()
    how = _by(case.channel, case.get_channel_display())
    assisted = " (raised by staff for the resident)" if case.assisted_by_id else ""
    lines = [f"{case.service.name}, received on {_day(case.created_at)} {how}{assisted}."]
    words = _own_words(case)
    if words:
        lines.append(f"The resident said: “{_quote(words)}”")
    if case.is_open:
        changes = [e for e in events if e.kind == CaseEvent.Kind.STATUS_CHANGED]
        since = changes[-1].at if changes else case.created_at
        lines.append(f"Status: {case.state_label.lower()} since {_day(since)}.")
        clock = sla_clock(case, today)
        if clock.working_days_left < 0:
            late = _plural(-clock.working_days_left, "working day")
            lines.append(f"Overdue by {late} (due {_day(case.due_date)}).")
        else:
            left = _plural(clock.working_days_left, "working day")
            lines.append(f"Due {_day(case.due_date)}: {left} left.")
    else:
        closed = f" on {_day(case.closed_at)}" if case.closed_at else ""
        outcome = f" ({case.get_resolution_display().lower()})" if case.resolution else ""
        lines.append(f"Closed{closed}{outcome}.")
    public = [e for e in events if e.kind == CaseEvent.Kind.PUBLIC_UPDATE and e.text]
    if public:
        last = public[-1]
        lines.append(f"Last update to the resident, {_day(last.at)}: “{_quote(last.text)}”")
    elif case.is_open:
        lines.append("The resident has had no update since the request was received.")
    notes = [e for e in events if e.kind == CaseEvent.Kind.NOTE and e.text]
    if notes:
        lines.append(f"Last internal note, {_day(notes[-1].at)}: “{_quote(notes[-1].text)}”")
    reopened = sum(1 for e in events if e.data.get("not_fixed"))
    if reopened:
        lines.append(f"The resident has said it is not fixed {_plural(reopened, 'time')}.")
    attached = sum(1 for e in events if e.kind == CaseEvent.Kind.DUPLICATE_ATTACHED)
    if attached:
        others = _plural(attached, "other report")
        lines.append(f"{others} of the same problem closed as duplicates.")
    if case.is_open:
        who = case.assignee.get_full_name() if case.assignee is not None else ""
        lines.append(f"Assigned to {who}." if who else "Not assigned to anyone yet.")
    return lines


def resident_summary(
    resident, cases: list[Case], contacts: list, conversations: list, today: dt.date | None = None
) -> list[str]:
    """A resident's last year with the council in a few lines, from the lists on their page."""
    today = today or timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    recent = [c for c in cases if timezone.localtime(c.created_at).date() >= year_ago]
    lines = []
    if recent:
        still_open = sum(1 for c in recent if c.is_open)
        latest = max(recent, key=lambda c: c.created_at)
        lines.append(
            f"{_plural(len(recent), 'request')} in the last 12 months, {still_open} still open. "
            f"Latest: {latest.service.name} ({latest.reference}), {_day(latest.created_at)}, "
            f"{latest.state_label.lower()}."
        )
        repeated = Counter(c.service.name for c in recent).most_common(1)[0]
        if repeated[1] > 1:
            lines.append(f"Asked most about {repeated[0]} ({_plural(repeated[1], 'request')}).")
        late = [c for c in recent if c.is_open and c.due_date < today]
        if late:
            lines.append(f"{_plural(len(late), 'open request')} past the due date.")
    else:
        lines.append("No requests in the last 12 months.")
    quarter = today - dt.timedelta(days=90)
    latest_contacts = [c for c in contacts if timezone.localtime(c.started_at).date() >= quarter]
    if latest_contacts:
        channels = Counter(_by(c.channel, c.get_channel_display()) for c in latest_contacts)
        parts = ", ".join(f"{n} {how}" for how, n in channels.most_common())
        lines.append(f"{_plural(len(latest_contacts), 'contact')} in the last 90 days: {parts}.")
    urgent = [c for c in conversations if c.handover_reason == "safeguarding"]
    if urgent:
        lines.append(
            f"A chat on {_day(urgent[0].started_at)} was passed to staff for safeguarding."
        )
    return lines


@dataclass(frozen=True)
class Draft:
    text: str
    template: ResponseTemplate | None  # the template it was filled from, if any
    rewritten: bool = False  # rewritten by the council's language model


def _best_template(case: Case, templates: list[ResponseTemplate]) -> ResponseTemplate | None:
    """The most specific template for the case: its service and status, then either, then any."""

    def specificity(template: ResponseTemplate) -> tuple[bool, bool]:
        return (template.service_id == case.service_id, template.status == case.status)

    return max(templates, key=specificity, default=None)


def _plain_draft(case: Case) -> str:
    values = case_values(case)
    if case.is_open:
        step = f"We aim to finish by {values['due_date']}."
    else:
        step = "We have now closed your request."
    return (
        f"Hello {values['resident_first_name']}, this is an update on your {values['service']} "
        f"request {values['reference']}. Its status is now: {case.public_state_label.lower()}. "
        f"{step}"
    )


def draft_update(case: Case, templates: list[ResponseTemplate]) -> Draft:
    """A public update for the officer to edit: the team's best template filled in with the
    case's values, or plain words from the case's facts if the team has none."""
    template = _best_template(case, templates)
    text = fill(template.body, case) if template is not None else _plain_draft(case)
    if settings.BOROUGH_STAFF_LLM and llm.may_use_for(case.resident_id):
        rewritten = _rewrite(text)
        if rewritten:
            return Draft(rewritten, template, rewritten=True)
    return Draft(text, template)


_REWRITE = (
    "You edit public updates a UK council officer sends to a resident about their request. "
    "Rewrite the update in plain English, short sentences, 'you'. Keep every reference, date "
    "and number exactly. Add no facts, numbers, links or promises. Reply with the update only."
)


def _rewrite(text: str) -> str | None:
    output = llm.complete(
        [{"role": "system", "content": _REWRITE}, {"role": "user", "content": text}]
    )
    return output if llm.grounded(output, [text]) else None


@dataclass(frozen=True)
class Suggestion:
    """What Borough makes of what a resident said, for the agent to accept or change."""

    service: Service | None
    confidence: float
    priority: int  # cases.models.Priority
    signs: list[str] = field(default_factory=list)
    answer_page: str = ""  # a help page that answers it, when it is a question

    @property
    def priority_label(self) -> str:
        return Priority(self.priority).label


def suggest_for_contact(text: str) -> Suggestion:
    """The service, priority and signs of vulnerability in a new contact's words (the
    assistant's own understanding, the same as the chat's)."""
    understood = nlu.understand(text)
    service = None
    if understood.intent and understood.intent.startswith("service:"):
        service = service_get(understood.intent.removeprefix("service:"))
    answer_page = ""
    if understood.intent and understood.intent.startswith("faq:"):
        answer_page = f"/help/{understood.intent.removeprefix('faq:')}/"
    level = understood.vulnerability.level
    priority = {"safeguarding": Priority.URGENT, "support": Priority.HIGH}.get(
        level, Priority.NORMAL
    )
    return Suggestion(
        service=service,
        confidence=round(float(understood.confidence or 0.0), 2),
        priority=int(priority),
        signs=list(understood.vulnerability.signs),
        answer_page=answer_page,
    )
