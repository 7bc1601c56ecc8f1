"""The single view's hub pages: what the data team sees, the review decisions they make, who
else is refused, and the audit trail."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command

from borough.accounts.models import Role
from borough.core.actors import SystemActor
from borough.core.models import AuditEvent
from borough.singleview.models import DqDuplicate, MatchDecision, ReviewPair
from borough.singleview.services import linkage_import
from tests.factories import StaffFactory
from tests.signing_in import staff_login

from .conftest import team
from .linkage_files import PERSON_AMA, PERSON_AMY, PERSON_KOFI

pytestmark = pytest.mark.django_db

IMPORTER = SystemActor("tests")


@pytest.fixture
def imported(linkage_file, db):
    return linkage_import(actor=IMPORTER, path=linkage_file())


@pytest.fixture
def officer_client(client, data_officer, staff_login):
    staff_login(client, data_officer)
    return client


def _audits(object_type):
    return list(
        AuditEvent.objects.filter(object_type=object_type).values_list("object_id", "action")
    )


def test_search_finds_people_by_any_name_dob_postcode_or_person_id(officer_client, imported):
    page = officer_client.get("/hub/single-view/", {"name": "owusu"}).content.decode()
    assert "3 people found" in page
    assert PERSON_AMA in page and PERSON_KOFI in page and PERSON_AMY in page
    page = officer_client.get(
        "/hub/single-view/",
        {
            "name": "ama",
            "dob-day": "27",
            "dob-month": "3",
            "dob-year": "1980",
            "postcode": "ub81qa",
        },
    ).content.decode()
    assert "1 person found" in page and PERSON_AMA in page and PERSON_AMY not in page
    page = officer_client.get("/hub/single-view/", {"person_id": PERSON_KOFI.lower()}).content
    assert b"1 person found" in page and PERSON_KOFI.encode() in page
    page = officer_client.get("/hub/single-view/", {"name": "nobody"}).content
    assert b"No one found" in page
    assert _audits("single_view_search")


def test_search_with_an_impossible_date_says_so(officer_client, imported):
    response = officer_client.get(
        "/hub/single-view/", {"dob-day": "31", "dob-month": "2", "dob-year": "1980"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Date of birth must be a real date" in page
    assert "found" not in page


def test_person_page_shows_the_golden_record_with_provenance_sources_household_and_history(
    officer_client, imported, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = officer_client.get(f"/hub/single-view/people/{PERSON_AMA}/")
    page = response.content.decode()
    assert response.status_code == 200
    # Golden email: the value, the system it came from and the rule that chose it.
    assert "ama.o@example.com" in page
    assert "From Housing H1, chosen by most recent" in page
    # Every source record side by side, headed by its system's name.
    assert page.count('<th scope="col" class="govuk-table__header">Council tax</th>') == 2
    assert "ama@example.com" in page
    # On a phone, the same records one card each, headed by system and id.
    records = page[: page.index('<h2 class="govuk-heading-m">Reviews</h2>')]
    cards = re.findall(r'<h3 class="govuk-summary-card__title">(.*?)</h3>', records)
    assert len(cards) == records.count('<th scope="col" class="govuk-table__header">') - 1
    assert "Housing H1" in cards and sum(card.startswith("Council tax ") for card in cards) == 2
    # The household and its other member.
    assert "/hub/single-view/households/HH-100021500001/" in page and PERSON_KOFI in page
    # History: another id was merged into this one.
    assert "PER000000009 merged into PER000000001" in page
    # The pair waiting for review.
    assert "Housing H1 and Parking P1" in page
    assert _audits("linked_person") == [(PERSON_AMA, "viewed")]


def test_person_page_links_borough_s_own_resident(officer_client, linkage_file):
    from tests.factories import ResidentFactory

    resident = ResidentFactory(first_name="Ama", last_name="Owusu")
    linkage_import(actor=IMPORTER, path=linkage_file(resident_id=resident.pk))
    page = officer_client.get(f"/hub/single-view/people/{PERSON_AMA}/").content.decode()
    # This officer may not open the resident in the hub (no case in their team): named, not
    # linked (tests/singleview/test_hub_links.py has the links).
    assert "Borough resident (linked): Ama Owusu" in page


def test_unknown_person_or_household_is_not_found(officer_client, imported):
    assert officer_client.get("/hub/single-view/people/PER999/").status_code == 404
    assert officer_client.get("/hub/single-view/households/HH-9/").status_code == 404


def test_household_page_shows_address_uprn_gazetteer_and_members(
    officer_client, gazetteer, linkage_file
):
    linkage_import(actor=IMPORTER, path=linkage_file())
    page = officer_client.get("/hub/single-view/households/HH-100021500001/").content.decode()
    assert "1 High Street, Uxbridge" in page and "100021500001" in page
    assert "The UPRN the source systems hold" in page
    assert "1 Acacia Avenue" in page  # the gazetteer's property with that UPRN
    assert "People living here (2)" in page
    assert PERSON_AMA in page and PERSON_KOFI in page
    assert _audits("linked_household") == [("HH-100021500001", "viewed")]


def _first_pair():
    return ReviewPair.objects.get(unique_id_l="housing:H1")


def test_review_pair_shows_both_records_field_by_field_with_the_evidence(officer_client, imported):
    pair = _first_pair()
    page = officer_client.get(f"/hub/single-view/review/{pair.pk}/").content.decode()
    assert "Are these the same person?" in page
    assert "Jaro-Winkler &gt;= 0.9" in page and "amy@example.com" in page
    assert "Housing H1" in page and "Parking P1" in page
    # On a phone, where the table's four columns would be cut off, each field is a card
    # headed by the field and its evidence, with the two records' values in it.
    evidence = page[: page.index("Why the engine scored them so")]
    rows = re.findall(r'<th scope="row" class="govuk-table__header">(.*?)</th>', evidence)
    cards = re.findall(r'<h3 class="govuk-summary-card__title">(.*?)</h3>', page)
    assert len(cards) == len(rows) >= 5
    assert [card.split(":")[0] for card in cards] == rows
    assert "First name: Jaro-Winkler &gt;= 0.9" in cards
    assert _audits("review_pair") == [("housing:H1|parking:P1", "viewed")]


def test_confirming_a_match_keeps_the_decision_takes_it_off_the_queue_and_exports_it(
    officer_client, imported, data_officer, tmp_path
):
    pair = _first_pair()
    response = officer_client.post(
        f"/hub/single-view/review/{pair.pk}/", {"decision": "match", "note": "Same NI number"}
    )
    # The officer goes on to the next pair at once, told what was kept.
    following = ReviewPair.objects.exclude(pk=pair.pk).get()
    assert response["Location"] == f"/hub/single-view/review/{following.pk}/"
    page = officer_client.get(response["Location"]).content.decode()
    assert "Same person: Housing H1 and Parking P1" in page
    page = officer_client.get("/hub/single-view/review/").content.decode()
    assert "1 pair waiting" in page and f"/hub/single-view/review/{pair.pk}/" not in page
    decision = MatchDecision.objects.get()
    assert (decision.decision, decision.decided_by, decision.note) == (
        "match",
        data_officer,
        "Same NI number",
    )
    assert ("housing:H1|parking:P1", "changed") in _audits("review_pair")
    # Exported for the engine's next run.
    out = tmp_path / "decisions.csv"
    call_command("linkage_decisions", "--out", str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(out.open()))
    assert [(r["unique_id_l"], r["unique_id_r"], r["decision"], r["decided_by"]) for r in rows] == [
        ("housing:H1", "parking:P1", "match", "data.officer@council.example")
    ]
    assert (
        out.read_text().splitlines()[0] == "unique_id_l,unique_id_r,decision,decided_by,decided_at"
    )
    assert rows[0]["decided_at"].startswith(decision.decided_at.date().isoformat())
    # The decided pair's page now sends the officer back to the queue.
    again = officer_client.get(f"/hub/single-view/review/{pair.pk}/")
    assert again.status_code == 302


def test_rejecting_a_match_is_kept_as_a_non_match(officer_client, imported):
    pair = ReviewPair.objects.get(unique_id_l="parking:P1")
    officer_client.post(f"/hub/single-view/review/{pair.pk}/", {"decision": "non_match"})
    assert MatchDecision.objects.get().decision == "non_match"
    assert not ReviewPair.objects.filter(pk=pair.pk).exists()


def test_a_decision_without_a_choice_is_refused_and_changes_nothing(officer_client, imported):
    pair = _first_pair()
    response = officer_client.post(f"/hub/single-view/review/{pair.pk}/", {"note": "Not sure yet"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select whether these records are the same person" in page
    assert "Not sure yet" in page  # what was typed is kept
    assert not MatchDecision.objects.exists()
    assert ReviewPair.objects.filter(pk=pair.pk).exists()


def test_data_quality_page_counts_duplicates_and_conflicts_and_downloads_csv(
    officer_client, imported
):
    page = officer_client.get("/hub/single-view/data-quality/").content.decode()
    assert ">Council tax</th>" in page and ">Email</th>" in page
    response = officer_client.get("/hub/single-view/data-quality/", {"download": "duplicates"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["source", "person_id", "records", "record_ids"],
        ["council_tax", PERSON_AMA, "2", "council_tax:CT1,council_tax:CT2"],
    ]
    response = officer_client.get("/hub/single-view/data-quality/", {"download": "conflicts"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][:2] == [PERSON_AMA, "email"]
    assert ("conflicts", "exported") in _audits("data_quality")


def _text(page: str) -> str:
    """What the officer reads: the page without its tags and attributes (so without URLs)."""
    return " ".join(re.sub(r"<[^>]*>", " ", page).split())


ENGINE_NAMES = ("council_tax", "housing:", "parking:", "first_name", "ni_number", "dob")


def test_person_page_names_systems_fields_and_values_in_words(officer_client, imported):
    text = _text(officer_client.get(f"/hub/single-view/people/{PERSON_AMA}/").content.decode())
    for name in ENGINE_NAMES:
        assert name not in text, name
    # The golden record: each value with the system and the system's own id it came from.
    assert "First name Ama From Council tax CT1, chosen by source priority" in text
    assert "Email ama.o@example.com From Housing H1, chosen by most recent" in text
    assert "Date of birth 27 March 1980 From Housing H1" in text
    assert "Sex Female From Housing H1" in text
    # Source records: headed by system, dates and sex in words.
    assert "Field Council tax Council tax Housing" in text
    assert "Sex – – Female" in text
    assert "Last seen 1 October 2026" in text
    assert "Housing H1 and Parking P1 are waiting for review" in text


def test_review_pages_name_records_fields_values_and_missing_evidence_in_words(
    officer_client, imported
):
    text = _text(officer_client.get("/hub/single-view/review/").content.decode())
    assert "Housing H1 and Parking P1" in text and "Parking P1 and Waste W1" in text
    assert "housing:" not in text and "parking:" not in text
    page = officer_client.get(f"/hub/single-view/review/{_first_pair().pk}/").content.decode()
    text = _text(page)
    for name in ENGINE_NAMES + ("null",):
        assert name not in text, name
    assert "<title>Review Housing H1 and Parking P1" in page
    assert f"Housing H1 Now person {PERSON_AMA}" in text
    assert f"Parking P1 Now person {PERSON_AMY}" in text
    assert "First name Ama Amy Jaro-Winkler &gt;= 0.9" in text
    assert "Date of birth 27 March 1980 27 March 1980 exact" in text
    assert "Email – amy@example.com missing from one or both" in text
    assert "Sex Female Female same" in text
    assert "National Insurance number QQ123456C – missing from one or both" in text


def test_data_quality_page_names_systems_and_fields_and_any_other_system_from_its_name(
    officer_client, imported
):
    DqDuplicate.objects.create(
        source="street_trading_licences", person_id=PERSON_KOFI, records=2, record_ids="x,y"
    )
    text = _text(officer_client.get("/hub/single-view/data-quality/").content.decode())
    for name in ENGINE_NAMES + ("street_trading",):
        assert name not in text, name
    assert "Council tax 1 2" in text and "Street trading licences 1 2" in text
    assert "Email 1" in text and "National Insurance number 1" in text


def test_a_council_names_its_own_systems_in_settings(officer_client, imported, settings):
    settings.SINGLEVIEW_SOURCE_NAMES = {"council_tax": "Council tax (Northgate)"}
    text = _text(officer_client.get(f"/hub/single-view/people/{PERSON_AMA}/").content.decode())
    assert "First name Ama From Council tax (Northgate) CT1" in text


def test_pages_say_when_nothing_has_been_imported(officer_client):
    page = officer_client.get("/hub/single-view/").content.decode()
    assert "Nothing has been imported from the linkage engine yet" in page
    assert b"Nothing to review" in officer_client.get("/hub/single-view/review/").content


def test_the_menu_shows_single_view_only_to_those_allowed(client, officer_client, imported):
    assert b">Single view</a>" in officer_client.get("/hub/").content
    waste = StaffFactory(membership__team=team("waste"))
    staff_login(client, waste)
    assert b">Single view</a>" not in client.get("/hub/").content


OUTSIDERS = {
    "waste officer": ("waste", Role.OFFICER),
    "waste team lead": ("waste", Role.TEAM_LEAD),
    "customer experience agent": ("customer-experience", Role.AGENT),
    "agent in the data team": ("data", Role.AGENT),
}


@pytest.mark.parametrize("who", list(OUTSIDERS))
def test_staff_outside_the_data_team_are_refused_by_url_and_by_post(client, imported, who):
    team_slug, role = OUTSIDERS[who]
    user = StaffFactory(membership__team=team(team_slug), membership__role=role)
    staff_login(client, user)
    pair = _first_pair()
    for path in (
        "/hub/single-view/",
        f"/hub/single-view/people/{PERSON_AMA}/",
        "/hub/single-view/households/HH-100021500001/",
        "/hub/single-view/review/",
        f"/hub/single-view/review/{pair.pk}/",
        "/hub/single-view/data-quality/",
        "/hub/single-view/data-quality/?download=duplicates",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert b"You cannot see this page" in response.content
        assert PERSON_AMA.encode() not in response.content
    response = client.post(f"/hub/single-view/review/{pair.pk}/", {"decision": "match"})
    assert response.status_code == 403
    assert not MatchDecision.objects.exists()
    assert ReviewPair.objects.filter(pk=pair.pk).exists()
    assert not AuditEvent.objects.filter(object_type__in=["linked_person", "review_pair"]).exists()


def test_admins_and_data_team_leads_may_use_it(client, imported):
    for team_slug, role in (("customer-experience", Role.ADMIN), ("data", Role.TEAM_LEAD)):
        client.logout()
        user = StaffFactory(membership__team=team(team_slug), membership__role=role)
        staff_login(client, user)
        assert client.get(f"/hub/single-view/people/{PERSON_AMA}/").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(client, imported):
    response = client.get(f"/hub/single-view/people/{PERSON_AMA}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
