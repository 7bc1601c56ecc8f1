"""DPIA records: one per processing activity that needs one, linked from the register, with a
review date; what still needs one is listed (issue 23, point 5)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from borough.core.actors import StaffActor
from borough.governance.dpias import NEEDED, dpia_save
from borough.governance.models import Dpia
from borough.governance.services import Invalid

pytestmark = pytest.mark.django_db

FIELDS = {
    "activity": NEEDED[0],
    "description": "Linking council tax, housing and electoral records",
    "risks": "Wrong matches; a fuller profile of each person",
    "measures": "Review queue for uncertain matches; data team only",
    "outcome": "accepted",
}


def test_a_dpia_is_checked_and_linked_to_its_register_row(governance_officer, new_api_client):
    client = new_api_client("cases.read", name="Back office").client
    actor = StaffActor(governance_officer)
    with pytest.raises(Invalid) as refused:
        dpia_save(actor=actor, data={"outcome": "maybe", "register_key": "own:999"}, review_on=None)
    assert set(refused.value.errors) == {
        "activity", "description", "risks", "measures", "outcome", "register_key", "review_on",
    }  # fmt: skip
    assert not Dpia.objects.exists()
    dpia = dpia_save(
        actor=actor,
        data={**FIELDS, "register_key": f"api_client:{client.pk}"},
        review_on=dt.date(2027, 6, 1),
    )
    assert dpia.register_key == f"api_client:{client.pk}"


def test_pages_list_what_needs_a_dpia_flag_overdue_reviews_and_link_the_register(
    governance_officer, staff_login, new_api_client
):
    client = new_api_client("cases.read", name="Back office").client
    browser = Client()
    staff_login(browser, governance_officer)
    page = browser.get("/hub/governance/dpias/").content.decode()
    assert all(activity.split(":")[0] in page for activity in NEEDED)
    response = browser.post("/hub/governance/dpias/new/", {"activity": NEEDED[0]})
    assert response.status_code == 400 and "Enter the date of the next review" in (
        response.content.decode()
    )
    past = timezone.localdate() - dt.timedelta(days=1)
    browser.post(
        "/hub/governance/dpias/new/",
        {
            **FIELDS,
            "register_key": f"api_client:{client.pk}",
            "review_on-day": past.day,
            "review_on-month": past.month,
            "review_on-year": past.year,
        },
    )
    page = browser.get("/hub/governance/dpias/").content.decode()
    assert "Review overdue" in page
    assert "1 processing activity" not in page  # NEEDED[0] is now assessed
    row = browser.get(f"/hub/governance/register/api_client:{client.pk}/").content.decode()
    assert NEEDED[0].split(":")[0] in row
    assert "Risks mitigated: processing may go ahead" in row
