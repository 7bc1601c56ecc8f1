"""Find a caller (issue 17, point 11): the hub's resident search, and raising a request for the
resident found with what the council already knows filled in."""

import datetime as dt
import time

import pytest

from borough.accounts.models import Team
from borough.cases.models import Case
from borough.core.models import AuditEvent
from borough.people.models import Household, Resident
from borough.places.models import Property
from tests.factories import StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def callers(make_case):
    home = Household.objects.create(property=Property.objects.get(uprn=100021500002))
    ama = Resident.objects.create(
        first_name="Ama",
        last_name="Owusu",
        email="Ama.Owusu@example.com",
        phone="+447700900982",
        date_of_birth=dt.date(1961, 4, 2),
        household=home,
    )
    # A household member with no cases and no contact details.
    kofi = Resident.objects.create(first_name="Kofi", last_name="Owusu", household=home)
    # A number a resident typed in MyAccount is kept as typed.
    yaw = Resident.objects.create(first_name="Yaw", last_name="Boateng", phone="020 7946 0018")
    elsewhere = Resident.objects.create(
        first_name="Bea",
        last_name="Mensah",
        household=Household.objects.create(property=Property.objects.get(uprn=100021500005)),
    )
    case = make_case(100021500002, resident=ama)
    return {"ama": ama, "kofi": kofi, "bea": elsewhere, "yaw": yaw, "case": case}


def found(client, text: str, callers: dict) -> set[str]:
    response = client.get("/hub/residents/", {"q": text})
    assert response.status_code == 200
    page = response.content.decode()
    residents = {name: r for name, r in callers.items() if isinstance(r, Resident)}
    return {name for name, r in residents.items() if f'href="/hub/residents/{r.pk}/"' in page}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected",
    [
        ("owusu", {"ama", "kofi"}),
        ("Kofi Owusu", {"kofi"}),
        ("07700 900982", {"ama"}),
        ("+44 (0)7700-900-982", {"ama"}),
        ("447700900982", {"ama"}),
        ("+44 20 7946 0018", {"yaw"}),
        ("02079460018", {"yaw"}),
        ("ama.owusu@EXAMPLE.com", {"ama"}),
        ("2 acacia avenue", {"ama", "kofi"}),
        ("UB8 1QA", {"ama", "kofi"}),
        ("ub81qb", {"bea"}),
        ("beech house", {"bea"}),
        ("nobody-here@example.com", set()),
    ],
)
def test_an_agent_finds_a_caller_by_name_phone_email_or_address(
    client, agent, callers, text, expected
):
    staff_login(client, agent)
    assert found(client, text, callers) == expected


@pytest.mark.django_db
def test_a_case_reference_finds_its_resident(client, agent, callers):
    staff_login(client, agent)
    reference = callers["case"].reference
    assert found(client, reference.lower().replace("-", " "), callers) == {"ama"}


@pytest.mark.django_db
def test_the_hub_menu_links_to_the_search_and_results_offer_a_request(client, agent, callers):
    staff_login(client, agent)
    queue = client.get("/hub/").content.decode()
    assert 'href="/hub/residents/"' in queue
    page = client.get("/hub/residents/", {"q": "kofi"}).content.decode()
    assert f'href="/hub/residents/{callers["kofi"].pk}/requests/new/"' in page
    assert "Raise a request" in page


@pytest.mark.django_db
def test_officers_find_only_residents_with_a_case_in_their_teams(client, callers):
    highways = StaffFactory(membership__team=Team.objects.get(slug="highways"))
    staff_login(client, highways)
    assert found(client, "owusu", callers) == set()
    waste = StaffFactory(membership__team=Team.objects.get(slug="waste"))
    staff_login(client, waste)
    assert found(client, "owusu", callers) == {"ama"}


@pytest.mark.django_db
def test_a_search_is_audited_without_what_was_typed(client, agent, callers):
    staff_login(client, agent)
    client.get("/hub/residents/", {"q": "07700 900982"})
    event = AuditEvent.objects.get(action="searched", object_type="resident")
    assert event.object_id == str(callers["ama"].pk)
    assert "900982" not in event.summary and event.actor == agent
    client.get("/hub/residents/", {"q": "owusu"})
    shown = AuditEvent.objects.filter(action="searched", object_type="resident")
    assert sorted(shown.values_list("object_id", flat=True)) == sorted(
        [str(callers["ama"].pk)] * 2 + [str(callers["kofi"].pk)]
    )


@pytest.mark.django_db
def test_raising_a_request_fills_in_the_address_postcode_and_email_known(client, agent, callers):
    staff_login(client, agent)
    ama = callers["ama"]
    response = client.post(
        f"/hub/residents/{ama.pk}/requests/new/",
        {"service": "request-new-bin", "channel": "phone"},
    )
    # The address is known: the agent starts at the first question the council cannot answer.
    assert response["Location"].endswith("/bin_type/")
    base = response["Location"].rsplit("/", 2)[0] + "/"
    client.post(base + "bin_type/", {"bin_type": "recycling"})
    client.post(base + "reason/", {"reason": "damaged"})
    reply = client.post(base + "details/", {"details": ""})
    assert reply["Location"].endswith("/check/")
    check = client.get(reply["Location"]).content.decode()
    assert "2 Acacia Avenue" in check and "Ama.Owusu@example.com" in check
    # A changed address starts from the postcode already known.
    address = client.get(base + "address/?change=1").content.decode()
    assert "UB8 1QA" in address


@pytest.mark.django_db
def test_the_search_is_fast_among_thousands_of_residents(client, agent, callers):
    home = callers["bea"].household
    Resident.objects.bulk_create(
        Resident(
            first_name=f"First{n}",
            last_name=f"Last{n}",
            phone=f"+4477009{n:05d}",
            email=f"person{n}@example.com",
            household=home,
        )
        for n in range(5000)
    )
    staff_login(client, agent)
    client.get("/hub/residents/", {"q": "warm up"})  # templates, first queries
    searches = {
        "owusu": "Ama Owusu",
        "07700 900982": "Ama Owusu",
        "person4321@example.com": "First4321 Last4321",
        "ub8 1qa": "Kofi Owusu",
        "last4999": "First4999 Last4999",
    }
    for text, name in searches.items():
        started = time.perf_counter()
        page = client.get("/hub/residents/", {"q": text}).content.decode()
        took = time.perf_counter() - started
        assert took < 1.0, (text, took)
        assert name in page, text
    assert Case.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["KMPQ-RSTV", "2345-6789"])
def test_a_reference_of_letters_only_or_digits_only_finds_its_resident(
    client, agent, callers, reference
):
    case = callers["case"]
    case.reference = reference
    case.save(update_fields=["reference"])
    staff_login(client, agent)
    assert found(client, reference.lower().replace("-", " "), callers) == {"ama"}
    assert found(client, reference.replace("-", ""), callers) == {"ama"}
