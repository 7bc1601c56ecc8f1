"""Information requests for the demo's information governance officer to work on
(``make run``, issue 23): a subject access request, a rectification and an objection, each
logged through the governance services a few days ago and waiting for a decision."""

from __future__ import annotations

import datetime as dt

from borough.accounts.models import User
from borough.core.actors import StaffActor
from borough.governance.models import RightsRequest
from borough.governance.requests import sar_log
from borough.governance.rights import rights_log
from borough.people.models import ProcessingActivity, Resident

from .context import Demo

GOVERNANCE_OFFICER = "information.officer@council.example"


def make_information_requests(demo: Demo, staff: dict[str, User]) -> None:
    officer = StaffActor(staff[GOVERNANCE_OFFICER])
    people = list(
        Resident.objects.exclude(email="")
        .filter(cases__isnull=False, user__isnull=True)
        .distinct()
        .order_by("pk")[:3]
    )
    if len(people) < 3:
        return
    asks, wrong_name, objects = people

    def days_ago(n: int) -> dt.date:
        return demo.today - dt.timedelta(days=n)

    sar_log(
        actor=officer,
        resident_id=str(asks.pk),
        requester_name=asks.full_name,
        received_on=days_ago(12),
    )
    rights_log(
        actor=officer,
        kind=RightsRequest.Kind.RECTIFICATION,
        received_on=days_ago(6),
        data={
            "resident": str(wrong_name.pk),
            "requester_name": wrong_name.full_name,
            "record": "resident",
            "field": "last_name",
            "corrected_value": f"{wrong_name.last_name}-Smith",
            "grounds": "My surname is double-barrelled since I married; my letters leave half out.",
        },
    )
    rights_log(
        actor=officer,
        kind=RightsRequest.Kind.OBJECTION,
        received_on=days_ago(3),
        data={
            "resident": str(objects.pk),
            "requester_name": objects.full_name,
            "activity": ProcessingActivity.ASSISTANT_LLM,
            "grounds": "I do not want a computer model to read what I write to the council.",
        },
    )
    demo.progress(
        f"information requests to decide (sign in as {GOVERNANCE_OFFICER}, "
        "/hub/governance/): 1 subject access, 1 rectification, 1 objection"
    )
