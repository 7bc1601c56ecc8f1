"""Working a case: move it through its service's workflow, assign it, set its priority, add
notes and public updates, record time spent on it, and transfer it to another team.

Each action checks its own policy (``accounts.policies.may_change_case``, ADR 0023), locks the
case (refusing a change made from a stale page), writes one timeline event and queues its
messages for after the commit.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from borough.accounts.policies import may_change_case
from borough.contacts.models import Contact
from borough.contacts.services import contact_record
from borough.core.actors import Actor, staff_user
from borough.core.channels import Channel
from borough.core.working_days import add_working_days

from .errors import TransitionRefused, refuse_unless
from .events import lock, record
from .models import Case, CaseEvent, Priority, Resolution, ResponseTemplate, Status
from .side_effects import email_resident_on_commit

# The longest piece of work one entry may record: a working day.
LONGEST_TIME_RECORDED = 480


@transaction.atomic
def case_transition_event(
    *,
    case: Case,
    to_state: str = "",
    to_status: str = "",
    actor: Actor,
    resolution: str = "",
    note: str = "",
    expected_version: int | None = None,
    source: dict | None = None,
) -> CaseEvent:
    """Move a case to another state of its service's workflow, if the workflow allows it, and
    return the one timeline event written (its ``case`` is the case as changed).

    ``source`` (optional) records where the change came from on the event (an API client and
    its own id for the update), so a client's retry can be recognised.

    ``to_status`` is for callers that only know base statuses: a state key, or a base status,
    which picks the first allowed next state with that status (and the given resolution, if
    one has it). In the default workflow the states are the base statuses.

    Sets ``status`` to the state's base status and, for a closing state, the resolution: the
    state's own, or the one staff chose. The event keeps the state labels as they were at the
    time; a note goes to the resident by email.
    """
    refuse_unless(may_change_case(actor, case, "transition"))
    return transition(
        case=case,
        to_state=to_state,
        to_status=to_status,
        actor=actor,
        resolution=resolution,
        text=note,
        data={"source": source} if source else None,
        expected_version=expected_version,
        email_resident=bool(note.strip()),
    )


def case_transition(
    *,
    case: Case,
    to_state: str = "",
    to_status: str = "",
    actor: Actor,
    resolution: str = "",
    note: str = "",
    expected_version: int | None = None,
    source: dict | None = None,
) -> Case:
    """``case_transition_event``, returning the case as changed."""
    return case_transition_event(
        case=case,
        to_state=to_state,
        to_status=to_status,
        actor=actor,
        resolution=resolution,
        note=note,
        expected_version=expected_version,
        source=source,
    ).case


def transition(
    *,
    case: Case,
    to_state: str,
    to_status: str,
    actor: Actor,
    resolution: str,
    text: str,
    data: dict | None,
    expected_version: int | None,
    email_resident: bool,
) -> CaseEvent:
    """``case_transition`` after its policy check, for the actions built on it (an update that
    changes the status, a resident's "not fixed", a bulk change): their text and data go on the
    one event. Runs inside the caller's transaction."""
    case = lock(case, expected_version)
    flow = case.service.flow
    target = flow.state(to_state or to_status)
    if target is None and not to_state and to_status in Status.values:
        # A caller that only knows base statuses (a bulk action, an API client): the first
        # allowed next state with that status, preferring the resolution asked for.
        allowed = [s for s in flow.next_states(case.current_state.key) if s.status == to_status]
        target = next((s for s in allowed if s.resolution == resolution), None) or next(
            iter(allowed), None
        )
        if target is None:
            raise TransitionRefused(
                f"A case that is {case.current_state.label.lower()} cannot be moved to "
                f"{Status(to_status).label.lower()}"
            )
    to_state = to_state or to_status
    if target is None:
        raise TransitionRefused(f"Choose a status from the list ({str(to_state)!r} is not one)")
    current = case.current_state
    if target.key not in {s.key for s in flow.next_states(current.key)}:
        raise TransitionRefused(
            f"A case that is {current.label.lower()} cannot be moved to {target.label.lower()}"
        )
    if target.is_closing:
        resolution = target.resolution or resolution
        if resolution not in Resolution.values:
            raise TransitionRefused("Choose how the request was resolved before closing it")
    from_state, from_status = current.key, case.status
    case.state = target.key
    case.status = target.status
    case.resolution = resolution if target.is_closing else ""
    fields = ["state", "status", "resolution", "closed_at"]
    if target.is_closing:
        case.closed_at = case.closed_at if from_status == Status.CLOSED else timezone.now()
    else:
        case.closed_at = None
    if from_status == Status.CLOSED and not target.is_closing:
        # Reopened: a new due date from the service's SLA, counted from today, and the
        # at-risk and overdue marks of the first time round are cleared.
        case.due_date = add_working_days(timezone.localdate(), case.service.sla_working_days)
        case.at_risk_at = case.overdue_at = None
        fields += ["due_date", "at_risk_at", "overdue_at"]
        data = {**(data or {}), "due_date": case.due_date.isoformat()}
    event = record(
        case,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        actor=actor,
        text=text.strip(),
        public=True,
        data={
            "from": from_state,
            "to": target.key,
            "from_status": from_status,
            "status": target.status,
            "to_label": target.label,
            "to_public_label": target.public_label,
            "resolution": case.resolution,
            **(data or {}),
        },
        fields=tuple(fields),
    )
    if email_resident:
        email_resident_on_commit(event.pk)
    return event


@transaction.atomic
def case_assign(*, case: Case, assignee, actor: Actor, expected_version: int | None = None) -> Case:
    """Give the case to a member of its team, or take it off anyone (``assignee=None``)."""
    refuse_unless(may_change_case(actor, case, "assign"))
    return assign(case=case, assignee=assignee, actor=actor, expected_version=expected_version)


def assign(*, case: Case, assignee, actor: Actor, expected_version: int | None) -> Case:
    """``case_assign`` after its policy check (for the bulk action), in the caller's
    transaction."""
    case = lock(case, expected_version)
    if assignee is not None and not assignee.memberships.filter(team_id=case.team_id).exists():
        raise TransitionRefused(f"{assignee} is not in the {case.team} team")
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    case.assignee = assignee
    record(
        case,
        kind=CaseEvent.Kind.ASSIGNED,
        actor=actor,
        text=f"Assigned to {assignee}" if assignee else "No longer assigned",
        data={"to": assignee.pk if assignee else None},
        fields=("assignee",),
    )
    return case


@transaction.atomic
def case_set_priority(
    *, case: Case, priority: int, actor: Actor, expected_version: int | None = None
) -> Case:
    """Change how urgent the case is."""
    refuse_unless(may_change_case(actor, case, "set_priority"))
    case = lock(case, expected_version)
    if priority not in Priority.values:
        raise TransitionRefused("Choose a priority from the list")
    if case.priority == priority:
        return case
    previous = case.priority
    case.priority = priority
    record(
        case,
        kind=CaseEvent.Kind.PRIORITY_CHANGED,
        actor=actor,
        text=f"Priority changed to {Priority(priority).label.lower()}",
        data={"from": previous, "to": priority},
        fields=("priority",),
    )
    return case


@transaction.atomic
def case_add_note(
    *,
    case: Case,
    text: str,
    actor: Actor,
    public: bool,
    expected_version: int | None = None,
    source: dict | None = None,
) -> CaseEvent:
    """Add an internal note (staff only) or a public update (the resident sees it and is told).

    ``source`` as for ``case_transition``.
    """
    refuse_unless(may_change_case(actor, case, "add_note"))
    return _add_note(
        case=case,
        text=text,
        actor=actor,
        public=public,
        expected_version=expected_version,
        data={"source": source} if source else None,
    )


def _add_note(
    *,
    case: Case,
    text: str,
    actor: Actor,
    public: bool,
    expected_version: int | None,
    data: dict | None,
) -> CaseEvent:
    case = lock(case, expected_version)
    text = text.strip()
    if not text:
        raise TransitionRefused("Enter the note" if not public else "Enter the update")
    if len(text) > 2000:
        raise TransitionRefused("The note must be 2,000 characters or less")
    event = record(
        case,
        kind=CaseEvent.Kind.PUBLIC_UPDATE if public else CaseEvent.Kind.NOTE,
        actor=actor,
        text=text,
        public=public,
        data=data,
    )
    if public:
        email_resident_on_commit(event.pk)
    return event


@transaction.atomic
def case_send_update(
    *,
    case: Case,
    text: str,
    actor: Actor,
    to_status: str = "",
    resolution: str = "",
    template: ResponseTemplate | None = None,
    expected_version: int | None = None,
) -> Case:
    """Send the resident a public update, changing the status in the same step if asked.

    One timeline event either way: a public update, or a status change carrying the message.
    The resident is emailed. ``template`` only records which wording it started from.
    """
    refuse_unless(may_change_case(actor, case, "send_update"))
    text = text.strip()
    if not text:
        raise TransitionRefused("Enter the update", field="text")
    if len(text) > 2000:
        raise TransitionRefused("The update must be 2,000 characters or less", field="text")
    data = {"template": template.pk, "template_title": template.title} if template else None
    if to_status and to_status != case.status:
        event = transition(
            case=case,
            to_state="",
            to_status=to_status,
            actor=actor,
            resolution=resolution,
            text=text,
            data=data,
            expected_version=expected_version,
            email_resident=True,
        )
    else:
        event = _add_note(
            case=case,
            text=text,
            actor=actor,
            public=True,
            expected_version=expected_version,
            data=data,
        )
    return event.case


@transaction.atomic
def case_record_time(
    *,
    case: Case,
    actor: Actor,
    minutes: str | int,
    note: str = "",
    letter: bool = False,
    expected_version: int | None = None,
) -> CaseEvent:
    """Record staff time spent on a case's back-office work (and a letter posted, if one was).

    One timeline event carries the minutes (``data["minutes"]``), which the insights counts
    turn into spend on business support. A letter posted to the resident is also recorded as an
    outbound letter contact, which the insights counts as print and postage.
    """
    refuse_unless(may_change_case(actor, case, "record_time"))
    text = str(minutes).strip()
    if not text:
        raise TransitionRefused("Enter the time you spent, in minutes", field="minutes")
    if not text.isdigit() or not 0 < int(text) <= LONGEST_TIME_RECORDED:
        raise TransitionRefused(
            f"Enter the time you spent as a whole number of minutes, from 1 to "
            f"{LONGEST_TIME_RECORDED}",
            field="minutes",
        )
    note = (note or "").strip()
    if len(note) > 500:
        raise TransitionRefused("What you did must be 500 characters or less", field="time_note")
    case = lock(case, expected_version)
    data = {"minutes": int(text)}
    if letter:
        data["letter"] = True
    event = record(case, kind=CaseEvent.Kind.TIME_RECORDED, actor=actor, text=note, data=data)
    if letter:
        contact_record(
            channel=Channel.LETTER,
            direction=Contact.Direction.OUTBOUND,
            case=case,
            service=case.service,
            resident=case.resident,
            handled_by=staff_user(actor),
            outcome=Contact.Outcome.UPDATE_GIVEN,
            started_at=event.at,
        )
    return event


@transaction.atomic
def case_transfer(
    *, case: Case, team, reason: str, actor: Actor, expected_version: int | None = None
) -> Case:
    """Move a case to another team, with a reason. The due date stays; the assignee is cleared.

    Allowed to officers and team leads of the case's current team, and to admins.
    """
    refuse_unless(may_change_case(actor, case, "transfer"))
    case = lock(case, expected_version)
    reason = reason.strip()
    if team is None:
        raise TransitionRefused("Choose the team to transfer the case to")
    if team.pk == case.team_id:
        raise TransitionRefused(f"The case is already with the {team} team")
    if not reason:
        raise TransitionRefused("Enter why the case is being transferred", field="reason")
    if len(reason) > 500:
        raise TransitionRefused("The reason must be 500 characters or less", field="reason")
    from_team = case.team
    case.team = team
    case.assignee = None
    record(
        case,
        kind=CaseEvent.Kind.TRANSFERRED,
        actor=actor,
        text=reason,
        data={
            "from_team": from_team.name,
            "to_team": team.name,
            "from_team_id": from_team.pk,
            "to_team_id": team.pk,
        },
        fields=("team", "assignee"),
    )
    return case
