"""The linkage model's comparisons: for each field, the levels from "agrees exactly" to
"disagrees" that Splink learns a weight for (ADRs 0033 and 0051). ``link`` builds the model
from them; the review pages name the levels."""

from __future__ import annotations

import splink.comparison_library as cl


def _level(sql: str, label: str, tf_column: str | None = None) -> dict:
    level: dict[str, object] = {"sql_condition": sql, "label_for_charts": label}
    if tf_column:
        level |= {"tf_adjustment_column": tf_column, "tf_adjustment_weight": 1.0}
    return level


def _null(column: str) -> dict:
    return {
        "sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
        "label_for_charts": f"{column} missing",
        "is_null_level": True,
    }


ELSE = {"sql_condition": "ELSE", "label_for_charts": "all other comparisons"}


#: The first-name level for an initial that agrees (its m is the data's: :func:`initial_m`).
INITIAL_LEVEL = "initial agrees (one gives only an initial)"


def comparisons(initial_m: float | None = None) -> list:
    """The evidence the model weighs, strongest level first in each comparison. ``initial_m``
    fixes the m probability of the first name's initial level (:func:`initial_m`)."""
    initial_fixed = (
        {"m_probability": initial_m, "fix_m_probability": True} if initial_m is not None else {}
    )
    jw = "jaro_winkler_similarity"
    first_name = cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            _null("first_name"),
            _level("first_name_l = first_name_r", "exact", "first_name"),
            _level(
                "first_name_canonical_l = first_name_canonical_r",
                "same name (nickname: Bill, William)",
            ),
            _level(
                "first_name_l = last_name_r AND last_name_l = first_name_r",
                "first and last names swapped",
            ),
            _level(
                "(length(first_name_l) = 1 OR length(first_name_r) = 1) "
                "AND substr(first_name_l, 1, 1) = substr(first_name_r, 1, 1)",
                INITIAL_LEVEL,
            )
            | initial_fixed,
            _level(f"{jw}(first_name_l, first_name_r) >= 0.92", "Jaro-Winkler >= 0.92"),
            _level(f"{jw}(first_name_l, first_name_r) >= 0.80", "Jaro-Winkler >= 0.80"),
            ELSE,
        ],
    )
    # Middle names are held by some systems only (a register's full name, a "forenames"
    # field), so missing on either side is no evidence; where both have them, a father and a
    # son of one name, or a person who moved, are told apart.
    middle_names = cl.CustomComparison(
        output_column_name="middle_names",
        comparison_levels=[
            _null("middle_names"),
            # One level for both: a level for "initial agrees" alone, where no system gives
            # initials, is learnt as impossible (m = 0) and would veto any pair that reaches it.
            _level(
                "middle_names_l = middle_names_r OR ((length(middle_names_l) = 1 "
                "OR length(middle_names_r) = 1) "
                "AND substr(middle_names_l, 1, 1) = substr(middle_names_r, 1, 1))",
                "same, or the initial of the same",
            ),
            ELSE,
        ],
    )
    last_name = cl.CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            _null("last_name"),
            _level("last_name_l = last_name_r", "exact", "last_name"),
            # Swapped names are weighed once, in the first-name comparison; here the pair is
            # neither for nor against (counted twice, EM gave it +25, and some 600 pairs of
            # different people whose names were only similar became one person).
            {
                "sql_condition": "last_name_l = first_name_r AND first_name_l = last_name_r",
                "label_for_charts": "swapped (weighed under first name)",
                "is_null_level": True,
            },
            _level(f"{jw}(last_name_l, last_name_r) >= 0.92", "Jaro-Winkler >= 0.92"),
            _level(f"{jw}(last_name_l, last_name_r) >= 0.80", "Jaro-Winkler >= 0.80"),
            ELSE,
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            _null("dob"),
            _level("dob_l = dob_r", "exact", "dob"),
            _level(
                "year(dob_l) = year(dob_r) AND day(dob_l) = month(dob_r) "
                "AND month(dob_l) = day(dob_r)",
                "day and month transposed",
            ),
            _level(
                "damerau_levenshtein(strftime(dob_l, '%Y%m%d'), strftime(dob_r, '%Y%m%d')) <= 1",
                "one digit different",
            ),
            _level("abs(date_diff('day', dob_l, dob_r)) <= 366", "within a year"),
            ELSE,
        ],
    )
    # One comparison for where someone lives: postcode and street address say much the same
    # thing, and counting both would count the same evidence twice.
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            {
                "sql_condition": "(postcode_l IS NULL OR postcode_r IS NULL) "
                "AND (address_l IS NULL OR address_r IS NULL)",
                "label_for_charts": "address missing",
                "is_null_level": True,
            },
            _level("address_l = address_r AND postcode_l = postcode_r", "same address"),
            _level(
                "postcode_l = postcode_r AND house_number_l = house_number_r",
                "same postcode and house number",
            ),
            _level(
                "house_number_l = house_number_r AND "
                "len(list_intersect(address_tokens_l, address_tokens_r)) >= 3",
                "same number and street, postcode differs or missing",
            ),
            _level(
                f"house_number_l = house_number_r AND {jw}(address_l, address_r) >= 0.9",
                "same number, address nearly the same (typos)",
            ),
            _level("postcode_l = postcode_r", "same postcode"),
            _level("postcode_sector_l = postcode_sector_r", "same postcode sector"),
            _level("postcode_district_l = postcode_district_r", "same postcode district"),
            ELSE,
        ],
    )
    # A family often shares one email or landline, so "same email" counts only when the first
    # names agree too; with different first names it falls to "all other". A level of its own
    # for "same contact, different first names" let EM learn households as people (precision
    # 0.91 instead of 0.99 on 30,000 generated people; docs/how-to/linkage.md).
    names_agree = (
        "(first_name_canonical_l = first_name_canonical_r "
        f"OR {jw}(first_name_l, first_name_r) >= 0.8)"
    )
    email = cl.CustomComparison(
        output_column_name="email",
        comparison_levels=[
            _null("email"),
            _level(f"email_l = email_r AND {names_agree}", "same, first names agree"),
            ELSE,
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            _null("phone"),
            _level(f"phone_l = phone_r AND {names_agree}", "same, first names agree"),
            ELSE,
        ],
    )
    # Where an address differs, a household that moved together: another name given at one
    # record's address is given at the other's too (``standardise.add_household_names``). At
    # the same address it says nothing (every household shares its own names), so it is the
    # null level there (and within one postcode, where one address is written two ways), and
    # the address comparison weighs the address.
    shared = "len(list_intersect(household_names_l, household_names_r))"
    household = cl.CustomComparison(
        output_column_name="household",
        comparison_levels=[
            {
                # (standardise leaves a record with no other name at its address NULL)
                "sql_condition": "household_names_l IS NULL OR household_names_r IS NULL "
                "OR postcode_l = postcode_r",
                "label_for_charts": "household unknown, or the same postcode",
                "is_null_level": True,
            },
            _level(f"{shared} >= 2", "two or more other names moved with them"),
            _level(f"{shared} >= 1", "another name moved with them"),
            ELSE,
        ],
    )
    ni_number = cl.CustomComparison(
        output_column_name="ni_number",
        comparison_levels=[
            _null("ni_number"),
            _level("ni_number_l = ni_number_r", "exact"),
            _level("damerau_levenshtein(ni_number_l, ni_number_r) <= 1", "one character"),
            ELSE,
        ],
    )
    # m for sex is fixed, not learnt: one person's records almost never disagree on it, so EM
    # drives "differs" towards zero among matches until, at a million records, Splink refuses
    # the value (below 1e-300). 1% allows for keying errors.
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            _null("sex"),
            _level("sex_l = sex_r", "same") | {"m_probability": 0.99, "fix_m_probability": True},
            ELSE | {"m_probability": 0.01, "fix_m_probability": True},
        ],
    )
    return [
        first_name,
        middle_names,
        last_name,
        dob,
        address,
        household,
        email,
        phone,
        ni_number,
        sex,
    ]
