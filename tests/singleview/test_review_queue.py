"""The review queue as the data team works it (issue 17 point 14b-e): least sure pairs first,
values as the source systems hold them, "Not sure, skip", and no pairs already one person."""

from __future__ import annotations

import pytest

from borough.core.actors import SystemActor
from borough.core.models import AuditEvent
from borough.singleview.models import MatchDecision, ReviewPair
from borough.singleview.services import linkage_import

from .linkage_files import EVIDENCE, PERSON_AMA, PERSON_AMY, PERSON_KOFI

pytestmark = pytest.mark.django_db

QUEUE = "/hub/single-view/review/"


@pytest.fixture
def imported(linkage_file, db):
    """Pairs Housing H1 / Parking P1 at 0.830 and Parking P1 / Waste W1 at 0.520."""
    return linkage_import(actor=SystemActor("tests"), path=linkage_file())


@pytest.fixture
def officer_client(client, data_officer, staff_login):
    staff_login(client, data_officer)
    return client


def _pair(left, right, probability, person_l, person_r):
    return ReviewPair.objects.create(
        unique_id_l=left,
        unique_id_r=right,
        match_probability=probability,
        person_id_l=person_l,
        person_id_r=person_r,
        evidence=EVIDENCE,
    )


def _order(page: str, *names: str) -> list[int]:
    return [page.index(name) for name in names]


def test_the_least_sure_pairs_come_first(officer_client, imported):
    _pair("council_tax:CT2", "waste:W1", 0.99, PERSON_AMA, PERSON_KOFI)
    _pair("council_tax:CT1", "waste:W1", 0.35, PERSON_AMA, PERSON_KOFI)
    page = officer_client.get(QUEUE).content.decode()
    assert "4 pairs waiting" in page
    order = _order(
        page,
        "Parking P1 and Waste W1",  # 0.52
        "Council tax CT1 and Waste W1",  # 0.35
        "Housing H1 and Parking P1",  # 0.83
        "Council tax CT2 and Waste W1",  # 0.99: the model is nearly sure
    )
    assert order == sorted(order)


def test_a_pair_shows_values_as_the_source_systems_hold_them(officer_client, imported):
    pair = ReviewPair.objects.get(unique_id_l="housing:H1")
    page = officer_client.get(f"{QUEUE}{pair.pk}/").content.decode()
    # The engine compared "ama" and "owusu"; the systems hold "Ama", "Amy" and "Owusu".
    assert ">Ama</td>" in page and ">Amy</td>" in page and ">Owusu</td>" in page
    assert ">ama</td>" not in page and ">owusu</td>" not in page
    assert ">amy</dd>" not in page and ">Amy</dd>" in page


def test_not_sure_skip_moves_on_without_deciding_and_puts_the_pair_last(officer_client, imported):
    first = ReviewPair.objects.get(unique_id_l="parking:P1")  # 0.52: first in the queue
    second = ReviewPair.objects.get(unique_id_l="housing:H1")
    page = officer_client.get(f"{QUEUE}{first.pk}/").content.decode()
    assert "Not sure, skip" in page
    response = officer_client.post(f"{QUEUE}{first.pk}/", {"skip": "1", "note": "hmm"})
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}{second.pk}/"
    assert not MatchDecision.objects.exists()
    assert ReviewPair.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="review_pair", object_id="parking:P1|waste:W1", summary="skipped: not sure"
    ).exists()
    page = officer_client.get(QUEUE).content.decode()
    assert "2 pairs waiting" in page
    assert page.index("Housing H1 and Parking P1") < page.index("Parking P1 and Waste W1")
    assert page.count("Skipped</strong>") == 1
    # Skipping the last pair not skipped goes back to the queue: nothing else to show.
    response = officer_client.post(f"{QUEUE}{second.pk}/", {"skip": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert "Every pair left has been skipped" in response.content.decode()
    assert not MatchDecision.objects.exists()


def test_pairs_already_one_person_are_not_listed(officer_client, imported):
    # Two records the model itself put in one person.
    _pair("council_tax:CT1", "council_tax:CT2", 0.6, PERSON_AMA, PERSON_AMA)
    page = officer_client.get(QUEUE).content.decode()
    assert "2 pairs waiting" in page and "Council tax CT1 and Council tax CT2" not in page
    # An officer confirms Housing H1 and Parking P1: Ama and Amy are one person now, so
    # another pair of their records has nothing left to decide.
    pair = ReviewPair.objects.get(unique_id_l="housing:H1")
    officer_client.post(f"{QUEUE}{pair.pk}/", {"decision": "match"})
    _pair("council_tax:CT1", "parking:P1", 0.55, PERSON_AMA, PERSON_AMY)
    page = officer_client.get(QUEUE).content.decode()
    assert "1 pair waiting" in page
    assert "Parking P1 and Waste W1" in page
    assert "Council tax CT1 and Parking P1" not in page
