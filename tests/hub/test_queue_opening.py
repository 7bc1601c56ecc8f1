"""The queue opens on work to do (issue 17, point 10): open cases only, most urgent first;
the status filter still shows closed ones, and saved views show what they always showed."""

import datetime as dt

import pytest

from borough.cases.models import Case, Priority, Status
from borough.hub.models import SavedView
from tests.signing_in import staff_login


@pytest.fixture
def cases(make_case):
    today = dt.date.today()

    def make(uprn, **fields):
        case = make_case(uprn)
        Case.objects.filter(pk=case.pk).update(**fields)
        case.refresh_from_db()
        return case

    return {
        "closed_last_year": make(
            100021500001, status=Status.CLOSED, due_date=today - dt.timedelta(days=365)
        ),
        "due_soon": make(100021500005, due_date=today + dt.timedelta(days=1)),
        "urgent_later": make(
            100021500009, priority=Priority.URGENT, due_date=today + dt.timedelta(days=6)
        ),
        "overdue": make(100021500001, due_date=today - dt.timedelta(days=2)),
    }


def order_shown(page: str, cases: dict) -> list[str]:
    found = [(page.find(case.reference), name) for name, case in cases.items()]
    return [name for position, name in sorted(found) if position >= 0]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["agent", "waste_officer"])
def test_the_queue_opens_on_open_cases_most_urgent_first(client, cases, who, request):
    staff_login(client, request.getfixturevalue(who))
    page = client.get("/hub/").content.decode()
    assert order_shown(page, cases) == ["overdue", "urgent_later", "due_soon"]
    assert 'value="urgent" selected' in page
    assert 'value="open" selected' in page


@pytest.mark.django_db
def test_the_status_filter_still_shows_closed_cases(client, agent, cases):
    staff_login(client, agent)
    every = client.get("/hub/", {"status": "any"}).content.decode()
    assert "closed_last_year" in order_shown(every, cases)
    closed = client.get("/hub/", {"status": "closed"}).content.decode()
    assert order_shown(closed, cases) == ["closed_last_year"]


@pytest.mark.django_db
def test_a_saved_view_shows_what_it_always_showed(client, agent, cases):
    """A view saved before the change (a team, no status, so every status, by due date)."""
    staff_login(client, agent)
    team = cases["due_soon"].team
    page = client.get(f"/hub/?team={team.pk}").content.decode()
    assert order_shown(page, cases)[0] == "closed_last_year"


@pytest.mark.django_db
def test_choosing_every_status_saves_and_reopens_as_every_status(client, agent, cases):
    staff_login(client, agent)
    client.post("/hub/views/", {"name": "Everything", "query": "status=any"})
    view = SavedView.objects.get(owner=agent, name="Everything")
    page = client.get(f"/hub/?{view.query}").content.decode()
    assert "closed_last_year" in order_shown(page, cases)
