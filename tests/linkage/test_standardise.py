import datetime as dt
import re
import unicodedata

import duckdb
import pyarrow as pa
import pytest

from borough.core import postcodes
from borough.linkage import addresses, dates, names
from borough.linkage import personal_details as details
from borough.linkage import standardise as s
from borough.linkage import text as free_text
from borough.linkage.ingest import ingest
from borough.linkage.schema import COLUMNS, DATE_FIELDS, RECORDS_DDL


@pytest.mark.parametrize(
    ("full_name", "name_format", "expected"),
    [
        ("SMITH, Mrs Margaret Anne", "LAST, First", ("margaret", "anne", "smith")),
        ("Smith,Margaret", "First Last", ("margaret", None, "smith")),  # a comma wins
        ("Dr. John Paul O'Brien Jr", "First Last", ("john", "paul", "obrien")),
        ("Anna van der Berg", "First Last", ("anna", None, "van der berg")),
        ("Mary Smith-Jones", "First Last", ("mary", None, "smith jones")),
        ("JONES Alan", "LAST, First", ("alan", None, "jones")),
        ("Zoë Łukasik", "First Last", ("zoe", None, "lukasik")),
        ("  Mr   Prince  ", "First Last", (None, None, "prince")),
        ("Mrs", "First Last", (None, None, None)),
        ("", "First Last", (None, None, None)),
    ],
)
def test_names_are_parsed(full_name, name_format, expected):
    parsed = names.parse_name(full_name, name_format)
    assert (parsed.first_name, parsed.middle_names, parsed.last_name) == expected


@pytest.mark.parametrize(
    ("name", "formal"),
    [
        ("Bill", "william"),
        ("Peggy", "margaret"),
        ("BOB", "robert"),
        ("Kasia", "katarzyna"),
        ("Margaret", "margaret"),
        ("Wojtek", "wojciech"),
        ("Zebedee", "zebedee"),  # not in the lexicon: itself
        ("Mary-Jane", "mary"),  # the first name of a double name
        (None, None),
    ],
)
def test_nicknames_map_to_their_formal_name(name, formal):
    assert names.name_canonical(name) == formal


def test_the_nickname_lexicon_has_no_name_in_two_places_by_accident():
    lexicon = names.nickname_lexicon()
    # Every formal name maps to itself, so a formal name is never read as someone else's.
    assert all(lexicon[formal] == formal for formal in set(lexicon.values()))
    assert len(lexicon) > 300


@pytest.mark.parametrize(
    ("text", "formats", "expected"),
    [
        ("03/04/1950", None, dt.date(1950, 4, 3)),
        ("1950-04-03", None, dt.date(1950, 4, 3)),
        ("3 Apr 1950", None, dt.date(1950, 4, 3)),
        ("3 April 1950", None, dt.date(1950, 4, 3)),
        ("03-04-50", None, dt.date(1950, 4, 3)),
        ("03-04-19", None, dt.date(2019, 4, 3)),
        ("03.04.1950", None, dt.date(1950, 4, 3)),
        ("19500403", None, dt.date(1950, 4, 3)),
        ("1950-04-03 00:00:00", None, dt.date(1950, 4, 3)),
        ("1950-04-03T00:00:00Z", None, dt.date(1950, 4, 3)),
        (" 03/04/1950 ", "%d/%m/%Y", dt.date(1950, 4, 3)),
        ("04/03/1950", ["%m/%d/%Y"], dt.date(1950, 4, 3)),
        ("", "%d/%m/%Y", None),
        (None, None, None),
    ],
)
def test_dates_in_every_format_the_extracts_use(text, formats, expected):
    assert dates.parse_date(text, formats, today=dt.date(2026, 11, 25)) == expected


@pytest.mark.parametrize(
    ("text", "formats"),
    [("31/02/1990", None), ("1990-04-03", "%d/%m/%Y"), ("yesterday", None), ("13/13/13", None)],
)
def test_a_date_that_does_not_read_is_an_error(text, formats):
    with pytest.raises(ValueError, match="is not a date"):
        dates.parse_date(text, formats)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ub3 1aa", "UB3 1AA"),
        ("UB31AA", "UB3 1AA"),
        (" sw1a-1aa ", "SW1A 1AA"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A1BB", "EC1A 1BB"),
        ("UB3 OAA", "UB3 0AA"),  # letter O typed for zero in the inward code
        ("GIR 0AA", "GIR 0AA"),
        ("QB3 1AA", None),  # no area starts with Q
        ("UB3 1CA", None),  # C is never in an inward code
        ("UB3", None),
        ("not known", None),
        (None, None),
    ],
)
def test_uk_postcodes_are_normalised_and_checked(text, expected):
    assert postcodes.normalise_postcode(text) == expected


def test_postcode_district_and_sector():
    assert addresses.postcode_parts("UB3 1AA") == ("UB3", "UB3 1")
    assert addresses.postcode_parts(None) == (None, None)


@pytest.mark.parametrize(
    ("address", "postcode", "tokens", "number"),
    [
        ("12 Mill Rd., Uxbridge", None, ["12", "mill", "road", "uxbridge"], "12"),
        ("Flat 3, 12 A Mill Road UB8 1AA", "UB8 1AA", ["flat", "3", "12a", "mill", "road"], "12a"),
        ("Flat 3, 12a Mill Road UB81AA", "UB8 1AA", ["flat", "3", "12a", "mill", "road"], "12a"),
        ("3/12 Mill Rd", None, ["flat", "3", "12", "mill", "road"], "12"),
        ("1 St Johns Rd", None, ["1", "saint", "johns", "road"], "1"),
        ("5 High St", None, ["5", "high", "street"], "5"),
        ("Apt 7, Park Hse", None, ["flat", "7", "park", "house"], None),
        ("", None, [], None),
    ],
)
def test_addresses_are_tokenised(address, postcode, tokens, number):
    result = addresses.address_tokens(address, postcode)
    assert result == tokens
    assert addresses.house_number(result) == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("0044 20 7946 0123", "+442079460123"),
        ("(020) 7946-0123", "+442079460123"),
        ("7700900123", "+447700900123"),  # leading zero lost in a spreadsheet
        ("447700900123", "+447700900123"),
        ("+48 601 234 567", "+48601234567"),  # abroad: kept as it is
        ("01632 960", None),  # too short
        ("09001 234567", None),  # premium rate, not a person
        ("n/a", None),
        (None, None),
    ],
)
def test_phones_become_e164(text, expected):
    assert details.normalise_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" Jane.Smith@Example.COM ", "jane.smith@example.com"),
        ("<jane@example.org>", "jane@example.org"),
        ("mailto:Jane@Example.org", "jane@example.org"),
        ("jane at example.org", None),
        ("", None),
    ],
)
def test_emails_are_lower_cased_and_checked(text, expected):
    assert details.normalise_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ab 12 34 56 c", "AB123456C"),
        ("AB-123456-D", "AB123456D"),
        ("AB123456E", None),  # suffix A to D only
        ("DA123456A", None),  # D is never a first letter
        ("AO123456A", None),  # O is never a second letter
        ("GB123456A", None),  # never issued
        ("TN123456A", None),  # temporary numbers are not identifiers
        ("AB12345C", None),
        (None, None),
    ],
)
def test_ni_numbers_are_normalised_and_checked(text, expected):
    assert details.normalise_ni_number(text) == expected


def test_the_clean_table_holds_the_standard_forms(tmp_path):
    (tmp_path / "ctax.csv").write_text(
        "Ref,Name,DOB,Address,Postcode,Phone,Email,NI,Sex\n"
        'C1,"SMITH, Mrs Peggy",03/04/1950,"Flat 2, 12 Mill Rd",ub8 1aa,07700 900123,'
        "Peggy@Example.com,ab 12 34 56 c,F\n",
        encoding="utf-8",
    )
    (tmp_path / "ctax.yaml").write_text(
        "source: council_tax\npath: ctax.csv\nname_format: 'LAST, First'\n"
        "columns: {source_id: Ref, full_name: Name, dob: DOB, address: Address, "
        "postcode: Postcode, phone: Phone, email: Email, ni_number: NI, sex: Sex}\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    ingest([tmp_path / "ctax.yaml"], con)

    assert s.standardise_table(con) == 1
    row = con.sql("SELECT * FROM records_clean").to_arrow_table().to_pylist()[0]
    assert row == {
        "unique_id": "council_tax:C1",
        "source": "council_tax",
        "source_id": "C1",
        "first_name": "peggy",
        "first_name_canonical": "margaret",
        "middle_names": None,
        "last_name": "smith",
        "dob": dt.date(1950, 4, 3),
        "sex": "f",
        "address": "flat 2 12 mill road",
        "address_tokens": ["flat", "2", "12", "mill", "road"],
        "house_number": "12",
        "postcode": "UB8 1AA",
        "postcode_district": "UB8",
        "postcode_sector": "UB8 1",
        "uprn": None,
        "phone": "+447700900123",
        "email": "peggy@example.com",
        "ni_number": "AB123456C",
        "last_seen": None,
        "name_count": 1,  # records with this first name and surname (rare-name blocking)
        "household_names": None,  # no other name is given at this address
    }


@pytest.mark.parametrize(
    ("full_name", "sex"),
    [
        ("SMITH, Mrs Margaret", "f"),
        ("Mr John Smith", "m"),
        ("Miss Ava Shah", "f"),
        ("Dr Anna Berg", None),  # a title that does not say
        ("SMITH, Margaret", None),
        ("Mrs", "f"),
        (None, None),
    ],
)
def test_a_title_gives_the_sex_where_a_source_has_no_sex_column(full_name, sex):
    assert details.sex_from_title(full_name) == sex


# Awkward values for every field, combined below into many records.
FIRST_NAMES = [
    "Zoë",
    "  Peggy ",
    "Mr-John",
    "Mary-Jr",
    "BILL",
    "Dr",
    "Łukasz",
    "",
    None,
    "Anne-Marie",
]
LAST_NAMES = ["O'Brien", "Smith-Jones", "van der Berg", "ØSTERGAARD", "smith jr", "Mc Donald", None]
MIDDLE_NAMES = [None, "Paul", "St John", "  ", "Zoë Anne"]
FULL_NAMES = [
    "SMITH, Mrs Margaret",
    "Mr John Smith",
    "Miss Ava Shah",
    "Dr Anna Berg",
    "Mx Sam Lee",
    "Sir",
    ", Lady Jane",
    None,
]
SEXES = ["F", "male", "Woman", "x", "", None, "BOY"]
ADDRESSES = [
    "1 St Johns Rd, Hayes",
    "5 High St",
    "St. Mary's Court, 3/12 Mill Rd",
    "Flat 3, 12 A Mill Road UB8 1AA",
    "Flat 3, 12a Mill Road ub81aa, Uxbridge",
    "2 Ub8 1aa Close",
    "Apt 7, Park Hse, Zürich Way",
    "12 a 3 Rowan Dr",
    "",
    None,
]
POSTCODES = ["UB8 1AA", "ub81aa", " sw1a-1aa ", "UB3 OAA", "QB3 1AA", "GIR 0AA", "not known", None]
PHONES = ["+44 (0)7700 900123", "07700 900123", "0044 20 7946 0123", "+48 601 234 567", "n/a", None]
EMAILS = [
    "mailto:Jane@Example.org",
    "<jane@example.org>",
    " Jane.Smith@Example.COM ",
    "x at y",
    None,
]
NI_NUMBERS = ["ab 12 34 56 c", "AB-123456-D", "GB123456A", "AB123456E", "", None]
UPRNS = ["100021000001", " 1000-2100 ", "UPRN 12", "١٢٣", "none", None]


def _awkward_records(count: int) -> list[dict]:
    columns = {
        "first_name": FIRST_NAMES,
        "last_name": LAST_NAMES,
        "middle_names": MIDDLE_NAMES,
        "full_name": FULL_NAMES,
        "sex": SEXES,
        "address": ADDRESSES,
        "postcode": POSTCODES,
        "phone": PHONES,
        "email": EMAILS,
        "ni_number": NI_NUMBERS,
        "uprn": UPRNS,
    }
    records = []
    for n in range(count):
        record = {
            "record_id": f"s:{n:04}",
            "source": "s",
            "source_id": f"{n:04}",
            "dob": dt.date(1950, 1, 1) + dt.timedelta(days=n) if n % 3 else None,
            "last_seen": dt.date(2026, 1, 1) if n % 2 else None,
        }
        # Different strides, so the values meet in many combinations.
        for stride, (name, values) in enumerate(columns.items(), start=1):
            record[name] = values[(n * stride + n // 7) % len(values)]
        records.append(record)
    return records


@pytest.mark.parametrize(
    ("first_name", "middle_names", "expected"),
    [
        ("JORDAN TREVOR", None, ("jordan", "jordan", "trevor")),  # a "forenames" field
        ("O G", None, ("o", "o", "g")),  # initials only
        ("Bill", None, ("bill", "william", None)),
        ("Bill James", "Arthur", ("bill", "william", "arthur")),  # a middle-name field wins
    ],
)
def test_a_forenames_field_gives_the_first_name_and_the_middle_names(
    first_name, middle_names, expected
):
    row = s.standardise_record(
        {"record_id": "s:1", "source": "s", "source_id": "1", "first_name": first_name,
         "middle_names": middle_names, "last_name": "Smith"}
    )  # fmt: skip
    assert (row["first_name"], row["first_name_canonical"], row["middle_names"]) == expected


def test_household_names_are_the_other_rare_names_given_at_an_address(tmp_path):
    (tmp_path / "ctax.csv").write_text(
        "Ref,First,Last,Address,Postcode\n"
        "C1,Peggy,Mitchell,12 Mill Road,UB8 1AA\n"
        "C2,Phil,Mitchell,12 Mill Road,UB8 1AA\n"
        "C3,Margaret,Mitchell,12 Mill Road,UB8 1AA\n"  # Peggy again, her formal name
        "C4,Phil,Mitchell,3 Bridge Street,HA4 6EE\n"
        "C5,Peggy,Mitchell,3 Bridge Street,HA4 6EE\n"
        "C6,Sharon,Watts,3 Bridge Street,\n",  # no postcode: no address to be known by
        encoding="utf-8",
    )
    (tmp_path / "ctax.yaml").write_text(
        "source: council_tax\npath: ctax.csv\ncolumns: {source_id: Ref, first_name: First, "
        "last_name: Last, address: Address, postcode: Postcode}\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    ingest([tmp_path / "ctax.yaml"], con)
    s.standardise_table(con)
    rows = dict(con.sql("SELECT source_id, household_names FROM records_clean").fetchall())
    assert rows == {
        "C1": ["philip mitchell"],
        "C2": ["margaret mitchell"],
        "C3": ["philip mitchell"],
        "C4": ["margaret mitchell"],
        "C5": ["philip mitchell"],
        "C6": None,
    }


def test_the_clean_table_is_standardise_record_for_every_row():
    records = _awkward_records(600)
    con = duckdb.connect()
    con.execute(RECORDS_DDL)
    incoming = pa.Table.from_pylist(
        records,
        schema=pa.schema(
            [(name, pa.date32() if name in DATE_FIELDS else pa.string()) for name in COLUMNS]
        ),
    )
    con.register("incoming", incoming)
    con.execute("INSERT INTO records SELECT * FROM incoming")

    assert s.standardise_table(con) == 600

    # name_count is of the table, not of a record: how many records share the names.
    clean = con.sql(
        "SELECT * EXCLUDE (name_count, household_names) FROM records_clean"
    ).to_arrow_table()
    assert clean.schema == s.clean_arrow(records[:1]).schema
    assert clean.to_pylist() == [s.standardise_record(record) for record in records]
    assert con.sql(
        "SELECT count(*) FROM records_clean c WHERE name_count <> (SELECT count(*) FROM "
        "records_clean o WHERE o.first_name_canonical IS NOT DISTINCT FROM c.first_name_canonical "
        "AND o.last_name IS NOT DISTINCT FROM c.last_name)"
    ).fetchall() == [(0,)]
    assert con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'clean_lookup%'"
    ).fetchall() == [(0,)]


def _clean_text_as_written(value):
    # clean_text before its ASCII shortcut, to check the shortcut changes nothing.
    text = unicodedata.normalize("NFKD", str(value).translate(free_text._UNDECOMPOSED))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = re.sub(r"['’`]", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip() or None


def _address_tokens_as_written(address, postcode=None):
    # address_tokens before its patterns were compiled once, for the same check.
    if address:
        address = re.sub(r"\b(\d+[A-Za-z]?)\s*/\s*(\d+[A-Za-z]?)\b", r"flat \1 \2", address)
    text = _clean_text_as_written(address) if address is not None else None
    if not text:
        return []
    if postcode:
        for form in {postcode.lower(), postcode.lower().replace(" ", "")}:
            text = re.sub(rf"\b{re.escape(form)}\b", " ", text)
    text = re.sub(r"\b(\d+) ([a-h])\b(?! \d)", r"\1\2", text)
    words = text.split()
    tokens = []
    for index, word in enumerate(words):
        if word == "st" and index + 1 < len(words) and not words[index + 1].isdigit():
            following = words[index + 1]
            if following not in addresses.ADDRESS_ABBREVIATIONS and following not in (
                "road",
                "street",
            ):
                tokens.append("saint")
                continue
        tokens.append(addresses.ADDRESS_ABBREVIATIONS.get(word, word))
    return tokens


def test_the_fast_paths_give_what_the_plain_definitions_give():
    texts = [*FIRST_NAMES, *LAST_NAMES, *FULL_NAMES, *ADDRESSES, "Å\u0301ngström-İz", "ß'`’x"]
    for text in texts:
        if text is not None:
            assert free_text.clean_text(text) == _clean_text_as_written(text), text
    # The postcode is left out word by word, not with a pattern per postcode: the same where
    # it sits between a number and a letter, comes twice, or is part of a longer word.
    postcode_places = [
        "12 UB8 1AA a Mill Road",
        "ub81aa 3 b Road UB8 1AA, UB8 1AA",
        "ub8 ub8 1aa 1aa",
        "xub8 1aa, ub8 1aab 4 c",
        "GIR 0AA 1 St James",
    ]
    for address in [*ADDRESSES, *postcode_places]:
        for postcode in POSTCODES:
            standard = postcodes.normalise_postcode(postcode)
            assert addresses.address_tokens(address, standard) == _address_tokens_as_written(
                address, standard
            ), (address, standard)


@pytest.mark.parametrize(
    "text",
    [
        "03/04/1950",
        "31/02/1990",
        "29/02/2000",
        "29/02/1900",
        "00/04/1950",
        "03/00/1950",
        "03/13/1950",
        "01/01/0000",
        "01/01/0001",
        "1950-04-03",
        "1950-4-3",
        "19500403",
        "19501303",
        "19500431",
        "03-04-50",
        "03-04-68",
        "03-04-69",
        "03/04/00",
        "03.04.1950",
        "3/4/1950",
        "١٩٥٠-٠٤-٠٣",
    ],
)
def test_all_digit_dates_read_as_strptime_reads_them(text):
    today = dt.date(2026, 11, 25)
    for fmt in dates._NUMERIC_FORMATS:
        try:
            expected = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            expected = None
        if expected and "%y" in fmt and expected > today:
            expected = expected.replace(year=expected.year - 100)
        try:
            parsed = dates.parse_date(text, fmt, today=today)
        except ValueError:
            parsed = None
        assert parsed == expected, (text, fmt)
