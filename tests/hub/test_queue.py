"""The work queue's filters, search and sort."""

import datetime as dt

import pytest

from borough.cases.models import Case, Priority
from borough.cases.services import case_assign


@pytest.fixture
def three_cases(make_case, waste_officer):
    def make(uprn, **fields):
        case = make_case(uprn)
        Case.objects.filter(pk=case.pk).update(**fields)
        case.refresh_from_db()
        return case

    overdue = make(100021500001, due_date=dt.date.today() - dt.timedelta(days=3))
    urgent = make(100021500005, priority=Priority.URGENT)
    mine = make(100021500009)
    case_assign(case=mine, assignee=waste_officer, actor=waste_officer)
    return {"overdue": overdue, "urgent": urgent, "mine": mine}


def shown(client, cases, **params):
    page = client.get("/hub/", params).content.decode()
    return {name for name, case in cases.items() if case.reference in page}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"overdue", "urgent", "mine"}),
        ({"overdue": "1"}, {"overdue"}),
        ({"priority": str(Priority.URGENT)}, {"urgent"}),
        ({"assignee": "me"}, {"mine"}),
        ({"assignee": "nobody"}, {"overdue", "urgent"}),
        ({"q": "beech house"}, {"urgent"}),
        ({"q": "mill lane hayes"}, {"mine"}),
        ({"status": "open"}, {"overdue", "urgent", "mine"}),
        ({"status": "closed"}, set()),
    ],
)
def test_filters_narrow_the_queue(client, waste_officer, three_cases, params, expected):
    client.force_login(waste_officer)
    assert shown(client, three_cases, **params) == expected


@pytest.mark.django_db
def test_a_reference_typed_loosely_finds_its_case(client, waste_officer, three_cases):
    client.force_login(waste_officer)
    reference = three_cases["mine"].reference
    page = client.get("/hub/", {"q": reference.lower().replace("-", " ")}).content.decode()
    assert reference in page
    assert three_cases["urgent"].reference not in page


@pytest.mark.django_db
def test_overdue_cases_stand_out_and_sort_first_by_due_date(client, waste_officer, three_cases):
    client.force_login(waste_officer)
    page = client.get("/hub/", {"sort": "due"}).content.decode()
    assert page.count(">Overdue</strong>") == 1
    assert page.index(three_cases["overdue"].reference) < page.index(
        three_cases["urgent"].reference
    )


@pytest.mark.django_db
def test_filters_survive_paging(client, waste_officer, three_cases, monkeypatch):
    from borough.hub import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(waste_officer)
    page = client.get("/hub/", {"status": "open", "sort": "priority"}).content.decode()
    assert "status=open&amp;sort=priority&amp;page=2" in page
