import pytest

from borough.core.postcodes import normalise_postcode
from borough.places.selectors import properties_at_postcode, property_search, streets_at_postcode


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("ub8 1qa", "UB8 1QA"),
        (" UB81QA ", "UB8 1QA"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("W1A0AX", "W1A 0AX"),
        ("ub8-1qa", "UB8 1QA"),
        ("UB8", None),
        ("hello", None),
        ("", None),
        ("QQ1 1QQ", None),
    ],
)
def test_postcodes_are_normalised_or_rejected(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.django_db
def test_addresses_at_a_postcode_come_in_the_order_people_expect(gazetteer):
    found = [p.single_line.split(",")[0] for p in properties_at_postcode("ub81qa")]
    assert found == ["1 Acacia Avenue", "2 Acacia Avenue", "3A Acacia Avenue", "10 Acacia Avenue"]


@pytest.mark.django_db
def test_flats_sort_by_number(gazetteer):
    found = [p.sao for p in properties_at_postcode("UB8 1QB")]
    assert found == ["Flat 1", "Flat 2", "Flat 10", ""]


@pytest.mark.django_db
def test_historical_properties_are_not_offered(gazetteer):
    assert [p.pao for p in properties_at_postcode("UB3 2ZX")] == ["5", "7"]


@pytest.mark.django_db
def test_unknown_and_malformed_postcodes_find_nothing(gazetteer):
    assert properties_at_postcode("UB9 9ZZ") == []
    assert properties_at_postcode("not a postcode") == []


@pytest.mark.django_db
def test_free_text_search_matches_every_word_in_any_order(gazetteer):
    assert [p.uprn for p in property_search("beech house flat 2")] == [100021500006]
    assert {p.uprn for p in property_search("mill hayes")} == {100021500009, 100021500010}
    assert list(property_search("   ")) == []


@pytest.mark.django_db
def test_streets_at_a_postcode(gazetteer):
    assert [s.name for s in streets_at_postcode("UB8 1QB")] == ["Church Road"]
