"""The blocking rules: which pairs of records the model scores at all (``link`` imports them).

Splink compares only the pairs some rule makes; a rule too wide makes the run explode on a
council's data, one too narrow loses people for good (no threshold can find a pair never
scored)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from splink import block_on

if TYPE_CHECKING:  # Splink exports the class only from its internals
    from splink.internals.blocking_rule_creator import BlockingRuleCreator


#: Pairs are only scored where one of these holds. Each is narrow enough that no block explodes
#: (every rule joins on a value shared by a household at most, or a person's own details), and
#: together they catch a person whatever one thing went wrong: a typo or nickname (date of birth),
#: a move (names), a married name (first name and postcode, or contact details), a transposed date
#: (names), swapped names (the swapped join).
#:
#: Two rules join on a value many people share and then keep only the pairs that agree on
#: something else. Names alone (John Smith) made 27 million pairs at a million records, phone
#: numbers alone (a family's or a care home's landline) 12 million, nearly all different people:
#: half the pairs scored, for 0.1% of the true pairs found by no other rule. The names rule keeps
#: pairs whose dates of birth share the year or the day and month (so any one wrong digit, or
#: day and month transposed), or where one date is missing and the postcode districts agree (or
#: one is missing too): a third of some systems' records have no date of birth, and namesakes
#: without one anywhere in the borough were most of the pairs (13 of 22 million at a million
#: records, far more at five). The phone rule keeps pairs that share a first initial, a last name
#: or a date of birth (docs/how-to/linkage.md).
#: A name carried by at most this many records is rare enough to compare its holders without
#: a date of birth wherever they live (a person who moved, in a system without dates): the
#: pairs it adds are at most this many squared per name, so they grow with the records, not
#: with their square.
RARE_NAME_RECORDS = 10
NAMES_DOB_AGREE = (
    "(year(l.dob) = year(r.dob) "
    "OR (month(l.dob) = month(r.dob) AND day(l.dob) = day(r.dob)) "
    "OR ((l.dob IS NULL OR r.dob IS NULL) AND (l.postcode_district = r.postcode_district "
    "OR l.postcode_district IS NULL OR r.postcode_district IS NULL "
    f"OR l.name_count <= {RARE_NAME_RECORDS})))"
)
NAMES_RULE = (
    "l.first_name_canonical = r.first_name_canonical AND l.last_name = r.last_name "
    f"AND {NAMES_DOB_AGREE}"
)
PHONE_RULE = (
    "l.phone = r.phone AND (substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1) "
    "OR l.last_name = r.last_name OR l.dob = r.dob)"
)
#: The word after the house number (the street, usually): number and street with a name or a date
#: in common pairs people whose date of birth is missing or wrong and whose postcode is missing
#: or mistyped (FEBRL has no UK postcodes at all). A first initial alone is not enough: on a
#: long street with many houses of one number (Borough's own generator: blocks of 1,480 records
#: at a million) it paired nearly everyone whose first names share a letter, doubling the pairs
#: scored; first and last initials together keep a mistyped surname.
_STREET = (
    "list_extract({s}.address_tokens, list_position({s}.address_tokens, {s}.house_number) + 1)"
)
_SAME_HOUSE = (
    f"l.house_number = r.house_number AND {_STREET.format(s='l')} = {_STREET.format(s='r')}"
)
#: Number and street with first and last initials, a surname or a date of birth in common, as
#: three rules whose every condition is an equality: one rule with an OR joined every pair of
#: a house number and street first (a block of 1,480 records at a million) and filtered after,
#: which made the blocking most of the run's processor time. The pairs are the same.
STREET_RULES = [
    f"{_SAME_HOUSE} AND substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1) "
    "AND substr(l.last_name, 1, 1) = substr(r.last_name, 1, 1)",
    f"{_SAME_HOUSE} AND l.last_name = r.last_name",
    f"{_SAME_HOUSE} AND l.dob = r.dob",
]
#: A UPRN is a household's: with a first initial, a surname or a date of birth in common.
UPRN_RULE = (
    "l.uprn = r.uprn AND (substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1) "
    "OR l.last_name = r.last_name OR l.dob = r.dob)"
)
BLOCKING_RULES: list[BlockingRuleCreator | str] = [
    block_on("dob", "substr(last_name, 1, 1)"),
    block_on("dob", "substr(first_name_canonical, 1, 1)"),
    NAMES_RULE,
    block_on("first_name_canonical", "postcode"),
    block_on("last_name", "postcode"),
    block_on("email"),
    PHONE_RULE,
    block_on("ni_number"),
    "l.first_name = r.last_name AND l.last_name = r.first_name",
    *STREET_RULES,
    UPRN_RULE,
]
#: The rules that keep only some pairs of a block, by the keys their blocks are made of (Splink
#: measures a block's size by its equality conditions alone).
BLOCK_KEYS: dict[str, BlockingRuleCreator | str] = {
    NAMES_RULE: block_on("first_name_canonical", "last_name"),
    PHONE_RULE: block_on("phone"),
    UPRN_RULE: block_on("uprn"),
}
