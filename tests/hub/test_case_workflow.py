"""The case page offers the moves the service's workflow allows, in staff words; the queue
tags cases at risk and can show only them."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from borough.cases.models import Case
from borough.cases.selectors import sla_at_risk_until
from tests.signing_in import staff_login


def status_options(page: str) -> list[str]:
    start = page.index("Change status</legend>")
    form = page[start : page.index("How was it resolved", start)]
    return re.findall(r'class="govuk-label govuk-radios__label"[^>]*>([^<]+)</label>', form)


def change(client, case, state):
    version = Case.objects.get(pk=case.pk).version
    return client.post(
        f"/hub/cases/{case.reference}/status/", {"status": state, "version": version}
    )


@pytest.mark.django_db
def test_the_status_form_offers_only_the_next_states_of_the_missed_bin_workflow(
    client, make_case, waste_officer
):
    case = make_case()
    staff_login(client, waste_officer)
    page = client.get(f"/hub/cases/{case.reference}/").content.decode()
    assert status_options(page) == [
        "Crew sent",
        "Collected",
        "Could not collect",
        "Duplicate report",
    ]
    assert "The resident sees: A crew is on the way" in page

    response = change(client, case, "action_scheduled")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Status changed to crew sent" in page  # the banner and the timeline
    assert status_options(page) == ["Collected", "Could not collect"]
    summary = page[page.index('<dt class="govuk-summary-list__key">Status</dt>') :]
    assert summary.split("</dd>")[0].endswith(
        'Crew sent <span class="govuk-hint govuk-!-display-inline">(in progress)</span>'
    )

    change(client, case, "unable_to_fix")
    page = client.get(f"/hub/cases/{case.reference}/").content.decode()
    assert "Status changed to could not collect" in page
    assert "Could not be done" in page  # the resolution the state brings
    assert status_options(page) == ["Crew sent"]


@pytest.mark.django_db
def test_a_state_from_another_workflow_posted_by_hand_is_refused_on_the_page(
    client, make_case, waste_officer
):
    case = make_case()
    staff_login(client, waste_officer)
    response = change(client, case, "investigating")  # a pothole state
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose a status from the list" in page
    assert Case.objects.get(pk=case.pk).state == "received"


@pytest.mark.django_db
def test_an_agent_cannot_change_the_state(client, make_case, agent):
    case = make_case()
    staff_login(client, agent)
    assert change(client, case, "action_scheduled").status_code == 403
    assert Case.objects.get(pk=case.pk).state == "received"


@pytest.fixture
def queue(make_case):
    today = timezone.localdate()

    def make(uprn, due_date):
        case = make_case(uprn)
        Case.objects.filter(pk=case.pk).update(due_date=due_date)
        return case

    return {
        "overdue": make(100021500001, today - dt.timedelta(days=1)),
        "today": make(100021500005, today),
        "next": make(100021500009, sla_at_risk_until(today)),
        "later": make(100021500002, sla_at_risk_until(today) + dt.timedelta(days=1)),
    }


def rows(page: str) -> dict[str, str]:
    return {
        match[1]: match[0]
        for match in re.findall(
            r'(<tr class="govuk-table__row">.*?href="/hub/cases/([^/]+)/".*?</tr>)', page, re.S
        )
    }


@pytest.mark.django_db
def test_the_queue_tags_cases_at_risk_and_overdue(client, queue, waste_officer):
    staff_login(client, waste_officer)
    page = client.get("/hub/").content.decode()
    shown = rows(page)
    tags = {
        name: ("Overdue" if "Overdue</strong>" in shown[case.reference] else "")
        + ("At risk" if "At risk</strong>" in shown[case.reference] else "")
        for name, case in queue.items()
    }
    assert tags == {"overdue": "Overdue", "today": "At risk", "next": "At risk", "later": ""}
    assert "Received</strong>" in shown[queue["today"].reference]  # the state label


@pytest.mark.django_db
def test_the_queue_shows_only_cases_at_risk_when_asked(client, queue, waste_officer):
    staff_login(client, waste_officer)
    page = client.get("/hub/", {"at_risk": "1"}).content.decode()
    assert set(rows(page)) == {queue["today"].reference, queue["next"].reference}
    assert 'id="filter-at-risk" name="at_risk" type="checkbox" value="1" checked' in page
