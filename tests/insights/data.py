"""A small borough's week of contacts, forms, feedback and requests, with every date explicit,
and the KPIs for it worked out by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from borough.accounts.models import User
from borough.cases.models import Case, CaseEvent, Status
from borough.cases.references import new_reference
from borough.contacts.models import Contact, Feedback, FormSession
from borough.core.channels import Channel
from borough.insights.models import ResidentSignIn


@dataclass
class Week:
    first: dt.date  # seven days: first .. first + 6; the fourth day has no data at all
    last: dt.date
    empty_day: dt.date
    expected: dict
    close_seconds: float


def build_week(*, first: dt.date, catalogue, agent) -> Week:
    bin_, pothole = catalogue["report-missed-bin"], catalogue["report-pothole"]
    tz = timezone.get_current_timezone()

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(first + dt.timedelta(days=day), dt.time(hour, minute)), tz
        )

    def case(service, channel, created, closed=None):
        return Case.objects.create(
            reference=new_reference(),
            service=service,
            team=service.team,
            channel=channel,
            status=Status.CLOSED if closed else Status.NEW,
            due_date=created.date() + dt.timedelta(days=10),
            created_at=created,
            updated_at=closed or created,
            closed_at=closed,
        )

    a = case(bin_, Channel.WEB, at(0, 10), closed=at(2, 10))
    b = case(pothole, Channel.WEB, at(1, 9), closed=at(4, 21))
    c = case(bin_, Channel.WEB, at(2, 16))
    d = case(bin_, Channel.PHONE, at(5, 10))
    e = case(bin_, Channel.WEB, at(-10, 10), closed=at(6, 10))  # raised before the week

    def contact(channel, when, *, service=None, case=None, staff=False, seconds=None, **kw):
        return Contact.objects.create(
            channel=channel,
            started_at=when,
            service=service,
            case=case,
            handled_by=agent if staff else None,
            duration_seconds=seconds,
            **kw,
        )

    contact(Channel.WEB, at(-10, 10), service=bin_, case=e)  # before the week: not counted
    contact(Channel.WEB, at(0, 10), service=bin_, case=a)
    contact(Channel.PHONE, at(0, 14), service=bin_, case=a, staff=True, seconds=300)  # repeat
    contact(Channel.FACE_TO_FACE, at(0, 11), service=pothole, staff=True, seconds=600)
    contact(Channel.LETTER, at(0, 15), service=bin_, case=a, direction="outbound")  # letter
    contact(Channel.WEB, at(1, 9), service=pothole, case=b)
    contact(Channel.EMAIL, at(1, 12), service=pothole, case=b, staff=True)  # repeat
    contact(Channel.CHAT, at(1, 13), staff=True, seconds=120)  # chat with an agent
    contact(Channel.PHONE, at(2, 10), service=bin_, case=a, staff=True, seconds=180)  # repeat
    contact(Channel.WEB, at(2, 16), service=bin_, case=c)
    contact(Channel.PHONE, at(4, 9), service=pothole, case=b, staff=True, seconds=60)  # repeat
    contact(Channel.WEB, at(5, 10), service=bin_, case=d)
    contact(Channel.PHONE, at(5, 11), service=bin_, case=e, staff=True)  # 15 days on: not

    def form(service, started, completed=None, outcome=FormSession.Outcome.IN_PROGRESS):
        FormSession.objects.create(
            service=service, started_at=started, completed_at=completed, outcome=outcome
        )

    sent, exit_ = FormSession.Outcome.SUBMITTED, FormSession.Outcome.NOT_ELIGIBLE
    form(bin_, at(0, 9, 55), at(0, 10), sent)
    form(bin_, at(0, 12))  # abandoned
    form(pothole, at(1, 8, 55), at(1, 9), sent)
    form(bin_, at(2, 15), at(2, 15, 5), exit_)
    form(bin_, at(2, 15, 55), at(2, 16), sent)
    form(pothole, at(6, 23, 50), at(7, 0, 10), sent)  # finished the day after the week
    form(bin_, at(-1, 23), at(0, 0, 5), sent)  # started the day before the week

    def feedback(service, score, when, channel=Channel.WEB, point="submitted"):
        Feedback.objects.create(
            service=service, score=score, given_at=when, channel=channel, point=point
        )

    feedback(bin_, 5, at(0, 10, 1))
    feedback(bin_, 4, at(0, 10, 2))
    feedback(pothole, 2, at(1, 9, 1))
    feedback(bin_, 3, at(2, 15, 6), point="not_eligible")
    feedback(bin_, 5, at(5, 10, 1))
    feedback(pothole, 1, at(4, 21, 5), channel=Channel.PHONE, point="closed")

    def time(case, when, minutes, letter=False):
        data = {"minutes": minutes, **({"letter": True} if letter else {})}
        CaseEvent.objects.create(
            case=case, at=when, kind=CaseEvent.Kind.TIME_RECORDED, actor=agent, data=data
        )

    time(a, at(0, 11), 30)
    time(a, at(2, 11), 45, letter=True)  # its letter is the outbound letter contact above
    time(b, at(1, 14), 20)
    time(e, at(-10, 12), 15)  # before the week: not counted
    CaseEvent.objects.create(case=b, at=at(1, 15), kind=CaseEvent.Kind.NOTE, text="30 minutes")

    def resident(joined, n):
        return User.objects.create(
            email=f"week-{first}-{n}@example.com", kind=User.Kind.RESIDENT, date_joined=joined
        )

    r1, r2 = resident(at(0, 8), 1), resident(at(0, 9), 2)
    resident(at(5, 20), 3)
    r4 = resident(at(-3, 10), 4)  # joined before the week
    User.objects.create(
        email=f"week-{first}-staff@council.example", kind=User.Kind.STAFF, date_joined=at(1, 9)
    )
    for user, day in ((r1, 0), (r2, 0), (r1, 1), (r1, 5), (r4, -2)):
        ResidentSignIn.objects.create(user=user, day=first + dt.timedelta(days=day))

    close_seconds = sum(
        (x.closed_at - x.created_at).total_seconds() for x in (a, b, e)
    )  # 2 + 3.5 + 16 days, give or take a clock change
    spend = 4 * Decimal("0.15") + 4 * Decimal("2.83") + 1 * Decimal("8.62")  # web, phone, f2f
    expected = {
        "contacts": 11,
        "contacts_self_service": 4,
        "contacts_by_channel": {"web": 4, "phone": 4, "face_to_face": 1, "email": 1, "chat": 1},
        "contacts_timed": 5,
        "contact_seconds": 1260,
        "contacts_with_case": 9,
        "repeat_contacts": 4,
        "letters_sent": 1,
        "forms_started": 6,
        "forms_submitted": 4,
        "forms_not_eligible": 1,
        "cases_opened": 4,
        "cases_opened_self_service": 3,
        "cases_closed": 3,
        "feedback": [1, 1, 1, 1, 2],
        "spend": spend,
        "staff_minutes": 95,
        "staff_minutes_by_service": {"report-missed-bin": 75, "report-pothole": 20},
        "residents_registered": 3,
        "residents_signed_in": 4,
    }
    return Week(
        first=first,
        last=first + dt.timedelta(days=6),
        empty_day=first + dt.timedelta(days=3),
        expected=expected,
        close_seconds=close_seconds,
    )
