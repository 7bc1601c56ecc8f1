"""The team dashboard: numbers per team and per officer, worked out by hand for a small set of
cases; who may see it."""

import datetime as dt

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.dashboard import Counts, team_dashboard
from borough.cases.models import Case
from borough.cases.workflow import case_assign, case_transition
from borough.core.actors import StaffActor
from tests.factories import ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def waste(catalogue):
    return Team.objects.get(slug="waste")


@pytest.fixture
def lead(waste):
    return StaffFactory(
        first_name="Priya",
        last_name="Lead",
        membership__team=waste,
        membership__role=Role.TEAM_LEAD,
    )


@pytest.fixture
def cases(make_case, waste_officer, lead):
    today = timezone.localdate()

    def make(uprn, *, due, assignee=None, **fields):
        case = make_case(uprn)
        if assignee:
            case = case_assign(case=case, assignee=assignee, actor=StaffActor(lead))
        Case.objects.filter(pk=case.pk).update(due_date=due, **fields)
        return Case.objects.get(pk=case.pk)

    due_today = make(100021500001, due=today, assignee=waste_officer)
    overdue = make(100021500005, due=today - dt.timedelta(days=2), assignee=waste_officer)
    waiting = make(100021500009, due=today + dt.timedelta(days=5))
    done = make(100021500002, due=today + dt.timedelta(days=5), assignee=lead)
    case_transition(case=done, to_state="fixed", actor=StaffActor(lead))
    last_week = make(
        100021500003,
        due=today - dt.timedelta(days=4),
        created_at=timezone.now() - dt.timedelta(days=10),
    )
    # Closed last week: counts nowhere.
    old = make(100021500004, due=today - dt.timedelta(days=9))
    case_transition(case=old, to_state="fixed", actor=StaffActor(lead))
    Case.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=12),
        closed_at=timezone.now() - dt.timedelta(days=8),
    )
    return [due_today, overdue, waiting, done, last_week]


@pytest.mark.django_db
def test_the_numbers_per_team_and_officer_are_right(
    cases, waste, waste_officer, lead, django_assert_num_queries
):
    with django_assert_num_queries(4):
        rows = team_dashboard(team_ids={waste.pk}, now=timezone.now())
    assert [row.team for row in rows] == [waste]
    team = rows[0]
    # open: due today, overdue, waiting, last week's; overdue: overdue and last week's.
    assert team.counts == Counts(
        open=4, due_today=1, overdue=2, created_this_week=4, closed_this_week=1
    )
    by_officer = {row.user: row.counts for row in team.officers}
    assert by_officer == {
        lead: Counts(open=0, due_today=0, overdue=0, created_this_week=1, closed_this_week=1),
        waste_officer: Counts(
            open=2, due_today=1, overdue=1, created_this_week=2, closed_this_week=0
        ),
        None: Counts(open=2, due_today=0, overdue=1, created_this_week=1, closed_this_week=0),
    }
    assert [row.user for row in team.officers] == [lead, waste_officer, None]


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_teams_or_cases(
    cases, make_case, django_assert_num_queries
):
    for uprn in (100021500001, 100021500005):
        make_case(uprn)
    StaffFactory(membership__team=Team.objects.get(slug="highways"))
    with django_assert_num_queries(4):
        rows = team_dashboard(team_ids=None, now=timezone.now())
    assert len(rows) == Team.objects.count()


@pytest.mark.django_db
def test_the_page_shows_the_numbers_with_links_to_the_queue(client, cases, waste, waste_officer):
    staff_login(client, waste_officer)
    response = client.get("/hub/dashboard/")
    page = response.content.decode()
    assert response.status_code == 200
    caption = '<caption class="govuk-table__caption govuk-table__caption--m">'
    assert f"{caption}Waste and recycling</caption>" in page
    assert "Highways" not in page  # not the officer's team
    assert (
        f'href="/hub/?team={waste.pk}&amp;assignee={waste_officer.pk}&amp;overdue=1&amp;sort=due">1'
        in page
    )
    assert f'href="/hub/?team={waste.pk}&amp;status=open">4' in page
    assert f'href="/hub/?team={waste.pk}&amp;assignee=nobody&amp;status=open">2' in page
    # The link leads to exactly those cases.
    queue = client.get(f"/hub/?team={waste.pk}&assignee={waste_officer.pk}&overdue=1").content
    assert cases[1].reference.encode() in queue
    assert cases[0].reference.encode() not in queue


@pytest.mark.django_db
def test_admins_see_every_team_and_team_leads_their_own(client, cases, lead):
    admin = StaffFactory(
        membership__team=Team.objects.get(slug="customer-experience"), membership__role=Role.ADMIN
    )
    staff_login(client, admin)
    page = client.get("/hub/dashboard/").content.decode()
    assert page.count('<caption class="govuk-table__caption') == Team.objects.count()
    staff_login(client, lead)
    page = client.get("/hub/dashboard/").content.decode()
    assert page.count('<caption class="govuk-table__caption') == 1
    assert 'href="/hub/dashboard/" aria-current="page">Team dashboard' in page


@pytest.mark.django_db
def test_agents_and_residents_are_refused_and_visitors_sent_to_sign_in(client, agent, catalogue):
    staff_login(client, agent)
    assert client.get("/hub/dashboard/").status_code == 403
    assert "Team dashboard" not in client.get("/hub/").content.decode()
    client.force_login(ResidentUserFactory())
    assert client.get("/hub/dashboard/").status_code == 403
    client.logout()
    response = client.get("/hub/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


@pytest.mark.django_db
def test_an_officer_finds_the_dashboard_in_the_navigation(client, waste_officer):
    staff_login(client, waste_officer)
    assert 'href="/hub/dashboard/">Team dashboard' in client.get("/hub/").content.decode()
