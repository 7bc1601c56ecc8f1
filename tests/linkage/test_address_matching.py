"""The gazetteer matcher on the awkward addresses real extracts have."""

import duckdb

from borough.linkage.db import run
from borough.linkage.households import load_gazetteer, match_addresses
from borough.linkage.standardise import clean_arrow

HEADER = (
    "UPRN,USRN,SAO_TEXT,SAO_START_NUMBER,PAO_TEXT,PAO_START_NUMBER,PAO_START_SUFFIX,"
    "STREET_DESCRIPTION,LOCALITY,TOWN_NAME,POSTCODE_LOCATOR\n"
)
GAZETTEER = (
    HEADER
    + """1001,1,,,,12,,ROWAN DRIVE,,UXBRIDGE,UB8 1AA
1002,1,,,,14,,ROWAN DRIVE,,UXBRIDGE,UB8 1AA
1003,1,,,,12,A,ROWAN DRIVE,,UXBRIDGE,UB8 1AA
2001,2,FLAT 2,2,,4,,MILL ROAD,,HAYES,UB3 2BB
2002,2,FLAT 4,4,,2,,MILL ROAD,,HAYES,UB3 2BB
3001,3,,,ROSE COTTAGE,7,,CHURCH LANE,,RUISLIP,HA4 7AB
3002,4,,,,7,,CHURCH ROAD,,RUISLIP,HA4 7AD
"""
)


def _match(tmp_path, addresses):
    path = tmp_path / "llpg.csv"
    path.write_text(GAZETTEER, encoding="utf-8")
    con = duckdb.connect()
    assert load_gazetteer(con, path) == 7
    records = [
        {"record_id": f"s:{i}", "source": "s", "source_id": str(i), "address": a, "postcode": p}
        for i, (a, p) in enumerate(addresses)
    ]
    con.register("incoming", clean_arrow(records))
    run(con, "CREATE TABLE records_clean AS SELECT * FROM incoming")
    match_addresses(con)
    matched = dict(run(con, "SELECT unique_id, uprn FROM address_matches"))
    return [matched.get(f"s:{i}") for i in range(len(addresses))]


def test_numbers_decide_and_words_may_be_abbreviated(tmp_path):
    assert _match(
        tmp_path,
        [
            ("12 Rowan Dr, Uxbridge", "UB8 1AA"),  # abbreviation
            ("14 ROWAN DRIVE", "ub81aa"),  # case, no town, postcode squashed
            ("12a Rowan Drive, Uxbridge", "UB8 1AA"),  # suffix is part of the number
            ("12 A Rowan Drive", "UB8 1AA"),
            ("Flat 2, 4 Mill Road, Hayes", "UB3 2BB"),
            ("2/4 Mill Rd, Hayes", "UB3 2BB"),  # flat 2 at number 4
            ("Flat 4, 2 Mill Road", "UB3 2BB"),
            ("16 Rowan Drive, Uxbridge", "UB8 1AA"),  # not in the gazetteer: no guess
        ],
    ) == ["1001", "1002", "1003", "1003", "2001", "2001", "2002", None]


def test_a_wrong_or_missing_postcode_falls_back_to_the_street(tmp_path):
    assert _match(
        tmp_path,
        [
            ("12 Rowan Drive, Uxbridge", None),
            ("14 Rowan Drive, Uxbridge", "UB8 9ZZ"),  # wrong unit, right district
            ("7 Church Lane, Ruislip", None),  # the street word is shared with Church Road
            ("7 Rose Cottage, Church Lane, Ruislip", "HA4 7AB"),
        ],
    ) == ["1001", "1002", "3001", "3001"]


def test_a_typo_in_the_street_still_matches_inside_the_postcode(tmp_path):
    assert _match(tmp_path, [("12 Rowan Drvie, Uxbridge", "UB8 1AA")]) == ["1001"]
