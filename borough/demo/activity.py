"""A year of activity in the demo borough: requests (cases) by service and channel with their
timeline, the contacts that raised and chased them, form sessions started and left, and
questions answered without a request."""

from __future__ import annotations

import datetime as dt

from borough.accounts.models import Membership, Role, User
from borough.cases.models import Case, CaseEvent, Priority, Resolution, Status
from borough.catalogue.models import Service
from borough.contacts.models import Contact, FormSession
from borough.core.channels import Channel
from borough.core.working_days import add_working_days
from borough.people.models import Resident
from borough.places.models import Property

from .answers import answers_for
from .context import Demo, weighted
from .fast_insert import fast_insert

# Share of contacts by channel for requests, from the profile of a London borough moving online.
REQUEST_CHANNELS = (
    (Channel.WEB, 0.56),
    (Channel.PHONE, 0.28),
    (Channel.EMAIL, 0.07),
    (Channel.FACE_TO_FACE, 0.04),
    (Channel.CHAT, 0.04),
    (Channel.LETTER, 0.01),
)
ENQUIRY_CHANNELS = (
    (Channel.PHONE, 0.55),
    (Channel.WEB, 0.15),
    (Channel.EMAIL, 0.15),
    (Channel.FACE_TO_FACE, 0.08),
    (Channel.CHAT, 0.06),
    (Channel.LETTER, 0.01),
)
# Relative demand for each service; anything not listed gets weight 1.
SERVICE_WEIGHTS = {
    "report-missed-bin": 14,
    "report-fly-tipping": 8,
    "request-new-bin": 6,
    "report-pothole": 5,
    "book-bulky-waste-collection": 5,
    "report-housing-repair": 6,
    "report-noise": 4,
    "report-street-light-fault": 3,
    "apply-for-resident-parking-permit": 4,
    "tell-us-you-have-moved": 4,
    "subscribe-to-garden-waste": 4,
    "report-litter": 3,
    "report-graffiti": 2,
    "request-pest-control": 2,
    "report-dog-fouling": 2,
}


def make_activity(
    demo: Demo,
    residents: list[Resident],
    home_of: dict[int, int],
    properties: list[Property],
    staff: dict[str, User],
) -> None:
    rng = demo.rng
    services = [
        s
        for s in Service.objects.filter(is_online=True).select_related("team")
        if not any(q.type == "file" and q.required for q in s.form.questions)
    ]
    weights = [SERVICE_WEIGHTS.get(s.slug, 1) for s in services]
    property_by_uprn = {p.uprn: p for p in properties}
    officers = {
        m.team_id: m.user
        for m in Membership.objects.select_related("user")
        if m.role == Role.OFFICER
    }
    agent = staff["agent@council.example"]
    case_count = int(len(residents) * 0.45)
    references: set[str] = set()
    cases, plans = [], []
    for _ in range(case_count):
        service = rng.choices(services, weights=weights)[0]
        resident = rng.choice(residents) if rng.random() < 0.8 else None
        prop = property_by_uprn[home_of[resident.pk]] if resident else rng.choice(properties)
        day = demo.day()
        answers = answers_for(demo, service, prop=prop, resident=resident, created=day)
        if answers is None:
            continue
        created = demo.moment(day)
        channel = weighted(rng, REQUEST_CHANNELS)
        age_days = (demo.today - day).days
        due = add_working_days(day, service.sla_working_days)
        closed_at = None
        if age_days > 2 and rng.random() < min(0.97, 0.35 + age_days / 30):
            turnaround = rng.expovariate(1 / max(1, service.sla_working_days * 1.2))
            closed_at = created + dt.timedelta(days=turnaround, hours=rng.randint(1, 8))
            if closed_at > demo.now:
                closed_at = None
        status = (
            Status.CLOSED
            if closed_at
            else rng.choice([Status.NEW, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.WAITING])
        )
        location = service.form.location_question
        street_id = prop.usrn_id
        on_property = True
        description = ""
        if location is not None and location.type == "location":
            value = answers.get(location.id) or {}
            on_property = bool(value.get("uprn"))
            description = value.get("description", "")
        assisted = channel in {Channel.PHONE, Channel.FACE_TO_FACE}
        cases.append(
            Case(
                reference=demo.reference(references),
                service=service,
                team=service.team,
                status=status,
                resolution=rng.choice(
                    [Resolution.FIXED] * 8
                    + [Resolution.NO_ACTION, Resolution.DUPLICATE, Resolution.REFERRED]
                )
                if closed_at
                else "",
                priority=rng.choices(
                    [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT],
                    [10, 75, 12, 3],
                )[0],
                channel=channel,
                answers=answers,
                resident=resident,
                property=prop if on_property else None,
                street_id=street_id,
                ward_id=prop.ward_id,
                latitude=prop.latitude,
                longitude=prop.longitude,
                location_description=description,
                assignee=officers.get(service.team_id) if status != Status.NEW else None,
                assisted_by=agent if assisted else None,
                due_date=due,
                created_at=created,
                updated_at=closed_at or created,
                closed_at=closed_at,
            )
        )
        # The service's workflow decides the state (and so the status it maps to).
        state = service.flow.state_for_status(status, cases[-1].resolution)
        cases[-1].state, cases[-1].status = state.key, state.status
        if state.resolution:
            cases[-1].resolution = state.resolution
        plans.append((channel, assisted, resident))
    fast_insert(cases)
    demo.summary.cases = len(cases)
    demo.progress(f"{len(cases):,} cases")

    events, contacts, sessions = [], [], []
    for case, (channel, assisted, resident) in zip(cases, plans, strict=True):
        events.append(
            CaseEvent(
                case=case,
                at=case.created_at,
                kind=CaseEvent.Kind.CREATED,
                is_public=True,
                data={"channel": channel},
                actor=case.assisted_by,
                text="Your request was received.",
            )
        )
        if case.status != Status.NEW:
            started = case.created_at + dt.timedelta(hours=rng.randint(1, 30))
            started = min(started, case.closed_at or demo.now)
            events.append(
                CaseEvent(
                    case=case,
                    at=started,
                    kind=CaseEvent.Kind.STATUS_CHANGED,
                    actor=case.assignee,
                    is_public=True,
                    data={"from": Status.NEW, "to": Status.IN_PROGRESS},
                )
            )
        if case.closed_at:
            events.append(
                CaseEvent(
                    case=case,
                    at=case.closed_at,
                    kind=CaseEvent.Kind.STATUS_CHANGED,
                    actor=case.assignee,
                    is_public=True,
                    text="This request has been dealt with.",
                    data={
                        "from": Status.IN_PROGRESS,
                        "to": Status.CLOSED,
                        "resolution": case.resolution,
                    },
                )
            )
        contacts.append(
            Contact(
                channel=channel,
                started_at=case.created_at,
                resident=resident,
                case=case,
                service_id=case.service_id,
                handled_by=case.assisted_by,
                reason=case.service.name,
                outcome=Contact.Outcome.REQUEST_RAISED,
                duration_seconds=rng.randint(180, 900) if assisted else None,
            )
        )
        if channel == Channel.WEB:
            sessions.append(
                FormSession(
                    service_id=case.service_id,
                    channel=channel,
                    started_at=case.created_at - dt.timedelta(minutes=4),
                    completed_at=case.created_at,
                    case=case,
                    outcome=FormSession.Outcome.SUBMITTED,
                )
            )
        # Failure demand: some residents chase an open request by phone within a week.
        if resident and rng.random() < 0.09:
            chase = case.created_at + dt.timedelta(days=rng.uniform(1, 7))
            if chase <= demo.now:
                contacts.append(
                    Contact(
                        channel=Channel.PHONE,
                        started_at=chase,
                        resident=resident,
                        case=case,
                        service_id=case.service_id,
                        handled_by=agent,
                        reason="Chasing progress",
                        outcome=Contact.Outcome.UPDATE_GIVEN,
                        duration_seconds=rng.randint(120, 600),
                    )
                )
    # Forms started online and left, or ended at an exit page.
    for _ in range(int(len(sessions) * 0.28)):
        service = rng.choices(services, weights=weights)[0]
        started = demo.moment(demo.day())
        not_eligible = rng.random() < 0.2
        sessions.append(
            FormSession(
                service=service,
                channel=Channel.WEB,
                started_at=started,
                completed_at=started + dt.timedelta(minutes=2) if not_eligible else None,
                outcome=FormSession.Outcome.NOT_ELIGIBLE
                if not_eligible
                else FormSession.Outcome.IN_PROGRESS,
            )
        )
    # Questions answered without a request (opening times, council tax balance, ...).
    for _ in range(int(len(residents) * 0.35)):
        channel = weighted(rng, ENQUIRY_CHANNELS)
        staffed = channel not in {Channel.WEB, Channel.CHAT}
        contacts.append(
            Contact(
                channel=channel,
                started_at=demo.moment(demo.day()),
                resident=rng.choice(residents),
                handled_by=agent if staffed else None,
                service=rng.choices(services, weights=weights)[0],
                reason="General enquiry",
                outcome=Contact.Outcome.ANSWERED,
                duration_seconds=rng.randint(60, 720) if staffed else None,
            )
        )
    fast_insert(events)
    fast_insert(contacts)
    fast_insert(sessions)
    demo.summary.events, demo.summary.contacts = len(events), len(contacts)
    demo.summary.form_sessions = len(sessions)
    demo.progress(
        f"{len(events):,} timeline events, {len(contacts):,} contacts, "
        f"{len(sessions):,} form sessions"
    )
