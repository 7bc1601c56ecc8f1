"""The work queue's filters, search and sort."""

import datetime as dt

import pytest

from borough.cases.models import Case, Priority
from borough.cases.workflow import case_assign
from borough.core.actors import StaffActor
from tests.signing_in import staff_login


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
    case_assign(case=mine, assignee=waste_officer, actor=StaffActor(waste_officer))
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
    staff_login(client, waste_officer)
    assert shown(client, three_cases, **params) == expected


@pytest.mark.django_db
def test_a_reference_typed_loosely_finds_its_case(client, waste_officer, three_cases):
    staff_login(client, waste_officer)
    reference = three_cases["mine"].reference
    page = client.get("/hub/", {"q": reference.lower().replace("-", " ")}).content.decode()
    assert reference in page
    assert three_cases["urgent"].reference not in page


@pytest.mark.django_db
def test_overdue_cases_stand_out_and_sort_first_by_due_date(client, waste_officer, three_cases):
    staff_login(client, waste_officer)
    page = client.get("/hub/", {"sort": "due"}).content.decode()
    assert page.count(">Overdue</strong>") == 1
    assert page.index(three_cases["overdue"].reference) < page.index(
        three_cases["urgent"].reference
    )


@pytest.mark.django_db
def test_filters_survive_paging(client, waste_officer, three_cases, monkeypatch):
    from borough.hub.views import queue as views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    staff_login(client, waste_officer)
    page = client.get("/hub/", {"status": "open", "sort": "priority"}).content.decode()
    assert "status=open&amp;sort=priority&amp;page=2" in page


@pytest.fixture
def people_cases(make_case, waste_officer):
    """Cases with residents, a description, and one resident with a recorded need."""
    from django.utils import timezone

    from borough.people.models import ConsentBasis, Need, ResidentNeed
    from tests.factories import ResidentFactory

    ama = ResidentFactory(first_name="Ama", last_name="Owusu")
    piotr = ResidentFactory(first_name="Piotr", last_name="Nowak")
    ResidentNeed.objects.create(
        resident=piotr,
        need=Need.MOBILITY,
        consent_basis=ConsentBasis.EXPLICIT_CONSENT,
        consent_recorded_at=timezone.now(),
    )
    owusu = make_case(100021500001, resident=ama)
    nowak = make_case(100021500005, resident=piotr)
    described = make_case(100021500009)
    Case.objects.filter(pk=described.pk).update(location_description="Behind the garages")
    return {"owusu": owusu, "nowak": nowak, "described": described}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "owusu"}, {"owusu"}),
        ({"q": "PIOTR"}, {"nowak"}),
        ({"q": "garages"}, {"described"}),
        ({"q": "acacia owusu"}, {"owusu"}),
        ({"q": "acacia nowak"}, set()),
        ({"q": "nobody-by-this-name"}, set()),
    ],
)
def test_search_finds_residents_names_and_descriptions(
    client, waste_officer, people_cases, params, expected
):
    staff_login(client, waste_officer)
    assert shown(client, people_cases, **params) == expected


@pytest.mark.django_db
def test_a_case_matching_in_several_places_is_listed_once(client, waste_officer, people_cases):
    from borough.people.models import Resident

    Resident.objects.filter(pk=people_cases["owusu"].resident_id).update(first_name="Acacia")
    staff_login(client, waste_officer)
    page = client.get("/hub/", {"q": "acacia"}).content.decode()
    assert page.count(people_cases["owusu"].reference + "</a>") == 1
    assert "1 case<" in page


@pytest.mark.django_db
def test_cases_of_residents_who_need_support_are_tagged_in_words(
    client, waste_officer, people_cases
):
    staff_login(client, waste_officer)
    page = client.get("/hub/").content.decode()
    assert page.count(">Needs support</strong>") == 1
    row = page[page.index(people_cases["nowak"].reference) :]
    assert row.index("Needs support") < row.index("</tr>")


@pytest.mark.django_db
def test_filters_combine(client, waste_officer, three_cases):
    from borough.cases.workflow import case_transition

    case_transition(
        case=three_cases["mine"], to_state="action_scheduled", actor=StaffActor(waste_officer)
    )
    staff_login(client, waste_officer)
    assert shown(client, three_cases, state="action_scheduled") == {"mine"}
    assert shown(client, three_cases, state="received", assignee="unassigned") == {
        "overdue",
        "urgent",
    }
    assert shown(client, three_cases, state="received", assignee="unassigned", overdue="1") == {
        "overdue"
    }
    assert shown(client, three_cases, status="in_progress", assignee="me") == {"mine"}
    assert shown(client, three_cases, status="in_progress", assignee="nobody") == set()


@pytest.mark.django_db
def test_team_service_and_ward_filters(client, agent, three_cases, missed_bin, team):
    staff_login(client, agent)
    waste, highways = team("waste"), team("highways")
    assert shown(client, three_cases, team=str(waste.pk)) == set(three_cases)
    assert shown(client, three_cases, team=str(highways.pk)) == set()
    assert shown(client, three_cases, service=str(missed_bin.pk)) == set(three_cases)
    other = type(missed_bin).objects.exclude(pk=missed_bin.pk).first()
    assert shown(client, three_cases, service=str(other.pk)) == set()
    ward_id = three_cases["urgent"].ward_id
    if ward_id is not None:
        expected = {n for n, c in three_cases.items() if c.ward_id == ward_id}
        assert shown(client, three_cases, ward=str(ward_id)) == expected


@pytest.mark.django_db
def test_at_risk_shows_open_cases_due_soon(client, waste_officer, three_cases):
    Case.objects.filter(pk=three_cases["urgent"].pk).update(due_date=dt.date.today())
    Case.objects.filter(pk=three_cases["mine"].pk).update(
        due_date=dt.date.today() + dt.timedelta(days=30)
    )
    staff_login(client, waste_officer)
    assert shown(client, three_cases, at_risk="1") == {"urgent"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sort, first",
    [("", "overdue"), ("due", "overdue"), ("priority", "urgent"), ("newest", "mine")],
)
def test_sorts(client, waste_officer, three_cases, sort, first):
    staff_login(client, waste_officer)
    page = client.get("/hub/", {"sort": sort} if sort else {}).content.decode()
    positions = {name: page.index(case.reference) for name, case in three_cases.items()}
    assert min(positions, key=positions.get) == first


@pytest.mark.django_db
def test_a_long_queue_says_more_than_the_cap_and_pages_still_work(
    client, waste_officer, three_cases, monkeypatch
):
    from borough.hub.views import queue as views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    staff_login(client, waste_officer)
    page = client.get("/hub/").content.decode()
    assert "More than 2 cases" in page
    assert 'href="?page=2"' in page
    second = client.get("/hub/", {"page": "2"}).content.decode()
    assert three_cases["urgent"].reference in second


@pytest.mark.django_db
def test_queue_queries_stay_constant_with_search_and_filters(
    client, waste_officer, make_case, people_cases
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff_login(client, waste_officer)
    params = {"q": "acacia", "status": "open", "sort": "priority"}
    client.get("/hub/", params)
    with CaptureQueriesContext(connection) as few:
        client.get("/hub/", params)
    for uprn in (100021500002, 100021500003, 100021500004):
        make_case(uprn)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/hub/", params)
    assert response.content.decode().count("Report a missed bin collection</td>") >= 2
    assert len(more) == len(few)
