"""A request's page reads clearly: what a status changed to, the due date after reopening,
"not fixed" only where something is fixed, and only the resident's own words as theirs (issue
17, point 7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from borough.cases.models import Case, CaseEvent
from borough.cases.workflow import case_add_note, case_transition
from borough.contacts.models import Contact
from borough.contacts.services import contact_log
from borough.core.actors import StaffActor
from borough.core.channels import Channel
from borough.core.working_days import add_working_days
from borough.people.models import Resident
from tests.factories import ResidentUserFactory

HOME = "/my-account/"


@pytest.fixture
def owner(client, db, gazetteer):
    user = ResidentUserFactory(email="ola@example.com")
    resident = Resident.objects.create(
        first_name="Ola", last_name="Nowak", email=user.email, user=user
    )
    client.force_login(user)
    return resident


def page_of(client, case) -> str:
    return client.get(f"{HOME}requests/{case.reference}/").content.decode()


@pytest.mark.django_db
def test_the_timeline_says_what_the_status_changed_to(client, owner, make_case):
    case = make_case(resident=owner)
    # A status change recorded with only the base status (as older and imported cases are).
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.STATUS_CHANGED,
        is_public=True,
        data={"from": "new", "to": "in_progress"},
    )
    page = page_of(client, case)
    assert ">Status changed<" not in page
    label = case.service.flow.state_for_status("in_progress").public_label
    assert f"Status: {label}" in page


@pytest.mark.django_db
def test_a_reopened_request_gets_a_new_due_date_from_its_sla(
    client, owner, make_case, waste_officer
):
    case = make_case(resident=owner)
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - dt.timedelta(days=30))
    case.refresh_from_db()
    case_transition(case=case, to_state="fixed", actor=StaffActor(waste_officer), note="Done.")
    response = client.post(
        f"{HOME}requests/{case.reference}/not-fixed/", {"reason": "The bin is still full."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    expected = add_working_days(timezone.localdate(), case.service.sla_working_days)
    assert case.is_open and case.due_date == expected and case.overdue_at is None
    page = page_of(client, case)
    assert f"{expected.day} {expected:%B %Y}" in page


@pytest.mark.django_db
def test_not_fixed_is_offered_only_where_something_is_fixed(
    client, owner, make_case, catalogue, waste_officer
):
    assert catalogue["report-missed-bin"].not_fixed_online
    assert catalogue["request-pest-control"].not_fixed_online
    for slug in ("subscribe-to-garden-waste", "book-bulky-waste-collection", "request-new-bin"):
        assert not catalogue[slug].not_fixed_online, slug
    garden = catalogue["subscribe-to-garden-waste"]
    case = make_case(resident=owner)
    closing = next(state for state in garden.flow.states if state.is_closing)
    Case.objects.filter(pk=case.pk).update(
        service=garden,
        state=closing.key,
        status=closing.status,
        resolution=closing.resolution or "fixed",
        closed_at=timezone.now(),
    )
    case.refresh_from_db()
    assert "Tell us it is not fixed" not in page_of(client, case)
    refused = client.post(f"{HOME}requests/{case.reference}/not-fixed/", {"reason": "Again"})
    case.refresh_from_db()
    assert refused.status_code == 409 and not case.is_open


@pytest.mark.django_db
def test_internal_notes_never_reach_the_resident(client, owner, make_case, waste_officer):
    case = make_case(resident=owner)
    case_add_note(
        case=case,
        text="Caller was rude; check access.",
        actor=StaffActor(waste_officer),
        public=False,
    )
    case_add_note(
        case=case, text="The crew will come tomorrow.", actor=StaffActor(waste_officer), public=True
    )
    page = page_of(client, case)
    assert "Caller was rude" not in page
    told_us = page[page.index("What you told us") : page.index("What has happened")]
    assert "The crew will come tomorrow." not in told_us
    assert "Caller was rude" not in client.get(HOME).content.decode()
    # A contact an agent logged: what they typed about it is their note, not the resident's.
    contact_log(
        actor=StaffActor(waste_officer),
        resident=owner,
        channel=Channel.PHONE,
        reason="Caller was rude again",
        outcome=Contact.Outcome.ANSWERED,
        minutes="3",
    )
    data = json.loads(client.get(HOME + "download/").content)
    assert "Caller was rude" not in json.dumps(data)
    assert len(data["contacts"]) == 2  # the request made on the web, and the phone call
