"""Fees on service definitions (issue 20, payments point 1)."""

from __future__ import annotations

import copy

import pytest
import yaml

from borough.catalogue.catalogue_file import parse_catalogue
from borough.catalogue.definitions import DefinitionError
from borough.catalogue.fees import FeeRefused, FeeRule, check_amount
from borough.catalogue.services import SERVICES_YAML as CATALOGUE_FILE

PAYABLE = {
    "book-bulky-waste-collection": ({"item_count": 4}, 4000),
    "subscribe-to-garden-waste": ({"bin_count": 2}, 13000),
    "request-new-bin": ({"bin_type": "recycling"}, 3000),
    "apply-for-resident-parking-permit": ({"emissions_band": "from_151_to_200"}, 18000),
    "request-pest-control": ({"pest": "wasps"}, 6500),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("slug", "case"), PAYABLE.items())
def test_five_payable_services_charge_by_their_answers(catalogue, slug, case):
    answers, pence = case
    assert catalogue[slug].fee_for(answers) == pence


@pytest.mark.django_db
def test_garden_waste_renews_each_year_and_a_food_caddy_is_free(catalogue):
    assert catalogue["subscribe-to-garden-waste"].fee.every == "year"
    assert catalogue["request-new-bin"].fee_for({"bin_type": "food_caddy"}) == 0
    assert catalogue["report-missed-bin"].fee is None
    assert catalogue["report-missed-bin"].fee_for({}) == 0


@pytest.mark.django_db
def test_the_start_page_says_how_the_fee_is_worked_out(client, catalogue):
    page = client.get("/services/apply-for-resident-parking-permit/").content.decode()
    assert (
        "What you pay depends on your answers" in page
        and "price is shown when you choose it" in page
    )
    fixed = client.get("/services/blue-badge/").content.decode()
    assert "There is a charge for this service: £10." in fixed


@pytest.mark.parametrize(
    ("amount", "why"),
    [(-1, "negative"), (10_000_001, "limit"), (99.5, "whole pence"), (True, "number")],
)
def test_amounts_pay_cannot_take_are_refused(amount, why):
    with pytest.raises(FeeRefused, match=why):
        check_amount(amount)


def test_a_count_that_pushes_the_amount_over_pays_limit_is_refused():
    rule = FeeRule(amount_pence=5_000_000, per="items")
    assert rule.amount_for({"items": 2}) == 10_000_000
    with pytest.raises(FeeRefused):
        rule.amount_for({"items": 3})
    with pytest.raises(FeeRefused):
        rule.amount_for({"items": -1})
    with pytest.raises(FeeRefused):
        FeeRule(amount_pence=100, by="band", amounts={"a": 100}).amount_for({"band": "zzz"})


def _catalogue_with(slug: str, fee) -> dict:
    data = yaml.safe_load(CATALOGUE_FILE.read_text())
    data = copy.deepcopy(data)
    for service in data["services"]:
        if service["slug"] == slug:
            service["fee"] = fee
    return data


@pytest.mark.parametrize(
    ("fee", "problem"),
    [
        ({"amount_pence": -100, "description": "x"}, "amount_pence"),
        ({"amount_pence": 10_000_001, "description": "x"}, "amount_pence"),
        ({"amount_pence": 12.5, "description": "x"}, "amount_pence"),
        ({"amount_pence": 100, "per": "item_list", "description": "x"}, "per"),
        ({"amount_pence": 5_000_000, "per": "item_count", "description": "x"}, "limit"),
        ({"amount_pence": 100, "by": "item_types", "amounts": {}, "description": "x"}, "by"),
        ({"amount_pence": 100, "every": "fortnight", "description": "x"}, "every"),
        ({"amount_pence": 100, "price": 3, "description": "x"}, "unknown keys"),
        ({"amount_pence": 0, "decision": "permit_price", "description": "x"}, "decision"),
        (
            {"amount_pence": 0, "by": "item_types", "decision": "d", "amounts": {"furniture": 1}},
            "decision",
        ),
    ],
)
def test_a_fee_pay_could_not_take_is_refused_when_the_catalogue_loads(fee, problem):
    with pytest.raises(DefinitionError) as refused:
        parse_catalogue(_catalogue_with("book-bulky-waste-collection", fee))
    assert any("fee" in p and problem in p for p in refused.value.problems), refused.value.problems


def test_a_fee_priced_by_an_unknown_decision_is_refused_not_guessed():
    rule = FeeRule(amount_pence=0, by="band", decision="no_such_table")
    with pytest.raises(FeeRefused, match="no_such_table"):
        rule.priced({"band": "a"})
