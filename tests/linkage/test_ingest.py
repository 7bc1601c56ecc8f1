import datetime as dt
import textwrap

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from borough.linkage import extracts, staging
from borough.linkage.ingest import ingest
from borough.linkage.mapping import IngestError


def write(path, text, encoding="utf-8"):
    path.write_text(textwrap.dedent(text).lstrip(), encoding=encoding)
    return path


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def council_tax(tmp_path):
    write(
        tmp_path / "ctax.csv",
        """
        Account Ref,Name,DOB,Addr 1,Town,Post Code
        CT001,"SMITH, Mrs Margaret Anne",03/04/1950,12 Mill Rd,Uxbridge,ub8 1aa
        CT002,"O'BRIEN, Bill",21/11/1984,Flat 2 Park House,Hayes,UB3 2BD
        """,
    )
    return write(
        tmp_path / "ctax.yaml",
        """
        source: council_tax
        path: ctax.csv
        name_format: "LAST, First"
        date_formats: {dob: "%d/%m/%Y"}
        columns:
          source_id: Account Ref
          full_name: Name
          dob: DOB
          address: [Addr 1, Town]
          postcode: Post Code
        """,
    )


@pytest.fixture
def electoral(tmp_path):
    table = pa.table(
        {
            "elector_no": ["E-1", "E-2"],
            "forename": ["Peggy", "Liam"],
            "surname": ["Smith", "Obrien"],
            "birth": [dt.date(1950, 4, 3), None],
        }
    )
    pq.write_table(table, tmp_path / "electoral.parquet")
    return write(
        tmp_path / "electoral.yaml",
        """
        source: electoral_register
        path: electoral.parquet
        columns:
          source_id: elector_no
          first_name: forename
          last_name: surname
          dob: birth
        """,
    )


def test_csv_and_parquet_sources_load_into_one_table(con, council_tax, electoral):
    summary = ingest([council_tax, electoral], con)

    assert summary.records_by_source == {"council_tax": 2, "electoral_register": 2}
    rows = con.execute(
        "SELECT record_id, first_name, middle_names, last_name, full_name, dob, address, postcode "
        "FROM records ORDER BY record_id"
    ).fetchall()
    assert rows[0] == (
        "council_tax:CT001",
        "margaret",
        "anne",
        "smith",
        "SMITH, Mrs Margaret Anne",
        dt.date(1950, 4, 3),
        "12 Mill Rd, Uxbridge",
        "ub8 1aa",
    )
    assert rows[1][1:4] == ("bill", None, "obrien")
    assert rows[2][:4] == ("electoral_register:E-1", "Peggy", None, "Smith")
    assert rows[3][5] is None


def test_a_missing_column_is_named_and_nothing_is_loaded(con, tmp_path, council_tax, electoral):
    ingest([council_tax, electoral], con)
    write(tmp_path / "ctax.csv", 'Account Ref,Name,DOB,Addr 1,Town\nCT009,"A, B",01/01/1990,x,y\n')

    with pytest.raises(IngestError) as error:
        ingest([council_tax, electoral], con)

    assert "council_tax, row 1, column 'Post Code': the mapped column is not in the extract" in str(
        error.value
    )
    assert con.execute("SELECT count(*) FROM records").fetchone() == (4,)


def test_unreadable_dates_are_reported_by_row_and_column(con, tmp_path, council_tax):
    write(
        tmp_path / "ctax.csv",
        """
        Account Ref,Name,DOB,Addr 1,Town,Post Code
        CT001,"SMITH, Margaret",03/04/1950,12 Mill Rd,Uxbridge,UB8 1AA
        CT002,"JONES, Alan",1984-11-21,1 High St,Hayes,UB3 2BD
        CT003,"JONES, Ann",31/02/1984,1 High St,Hayes,UB3 2BD
        """,
    )

    with pytest.raises(IngestError) as error:
        ingest([council_tax], con)

    messages = [str(problem) for problem in error.value.problems]
    assert messages == [
        "council_tax, row 3, column 'DOB': '1984-11-21' is not a date in %d/%m/%Y",
        "council_tax, row 4, column 'DOB': '31/02/1984' is not a date in %d/%m/%Y",
    ]
    assert con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'records'"
    ).fetchone() == (0,)


def test_bad_files_are_reported_not_loaded(con, tmp_path, council_tax):
    (tmp_path / "ctax.csv").write_bytes(
        'Account Ref,Name,DOB,Addr 1,Town,Post Code\nCT1,"Zoë",,,,\n'.encode("latin-1")
    )
    with pytest.raises(IngestError, match=r"council_tax, row 2: the file is not valid utf-8"):
        ingest([council_tax], con)

    (tmp_path / "ctax.csv").unlink()
    with pytest.raises(IngestError, match=r"council_tax: cannot read .*ctax.csv"):
        ingest([council_tax], con)

    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    mapping = write(
        tmp_path / "broken.yaml",
        "source: parking\npath: broken.parquet\ncolumns: {source_id: id}\n",
    )
    with pytest.raises(IngestError, match=r"parking: cannot read broken.parquet"):
        ingest([mapping], con)


def test_ragged_rows_and_repeated_ids_are_errors(con, tmp_path, council_tax):
    write(
        tmp_path / "ctax.csv",
        """
        Account Ref,Name,DOB,Addr 1,Town,Post Code
        CT001,"SMITH, Margaret",03/04/1950,12 Mill Rd,Uxbridge,UB8 1AA
        CT002,"JONES, Alan",21/11/1984,1 High St
        CT001,"SMITH, Peggy",03/04/1950,12 Mill Rd,Uxbridge,UB8 1AA
        """,
    )
    with pytest.raises(IngestError) as error:
        ingest([council_tax], con)
    assert [str(problem) for problem in error.value.problems] == [
        "council_tax, row 3: 4 fields where the header has 6",
        "council_tax, row 4, column 'Account Ref': id 'CT001' is also on row 2",
    ]


def test_a_bad_mapping_says_what_is_wrong(con, tmp_path):
    mapping = write(
        tmp_path / "bad.yaml",
        """
        source: Housing Rents
        path: rents.csv
        name_format: "Surname First"
        columns: {tenant: Name, dob: DOB}
        """,
    )
    with pytest.raises(IngestError) as error:
        ingest([mapping], con)
    text = str(error.value)
    assert "'source' must be lower-case letters" in text
    assert "'tenant' is not a schema field" in text
    assert "'source_id' must be mapped" in text
    assert "name_format 'Surname First' is not one of" in text


def test_an_extract_much_smaller_than_last_time_is_refused_unless_forced(
    con, tmp_path, council_tax
):
    ingest([council_tax], con)
    write(tmp_path / "ctax.csv", "Account Ref,Name,DOB,Addr 1,Town,Post Code\n")

    with pytest.raises(IngestError, match="0 records where the last load had 2; .* --force"):
        ingest([council_tax], con)
    assert con.execute("SELECT count(*) FROM records").fetchone() == (2,)

    ingest([council_tax], con, force=True)
    assert con.execute("SELECT count(*) FROM records").fetchone() == (0,)


@pytest.fixture
def small_batches(monkeypatch):
    """Read extracts two rows at a time, so checks must hold across batches."""
    monkeypatch.setattr(extracts, "BATCH_ROWS", 2)
    monkeypatch.setattr(staging, "BATCH_ROWS", 2)


def test_checks_hold_across_batches_and_blank_rows_keep_the_line_numbers(
    con, tmp_path, council_tax, small_batches
):
    (tmp_path / "ctax.csv").write_text(
        "\ufeffAccount Ref,Name,DOB,Addr 1,Town,Post Code\n"
        'CT001,"SMITH, Margaret",03/04/1950,12 Mill Rd,Uxbridge,UB8 1AA\n'
        "\n"
        ",,,,,\n"
        'CT002,"JONES, Alan",21/11/1984,"1 High St\nHayes",Hayes,UB3 2BD\n'
        'CT003,"JONES, Ann",21/13/1984,1 High St,Hayes,UB3 2BD\n'
        '  ,"NOBODY, Anne",01/01/1990,,,\n'
        'CT001,"SMITH, Peggy",03/04/1950,12 Mill Rd,Uxbridge,UB8 1AA\n',
        encoding="utf-8",
    )
    with pytest.raises(IngestError) as error:
        ingest([council_tax], con)

    assert [str(problem) for problem in error.value.problems] == [
        "council_tax, row 7, column 'DOB': '21/13/1984' is not a date in %d/%m/%Y",
        "council_tax, row 8, column 'Account Ref': no id",
        "council_tax, row 9, column 'Account Ref': id 'CT001' is also on row 2",
    ]


def test_a_clean_extract_read_in_batches_loads_every_row_in_file_order(
    con, tmp_path, council_tax, small_batches
):
    rows = "".join(
        f'CT{n:03},"SMITH, Mr John",01/02/19{n:02},{n} Mill Rd,Hayes,UB3 1AA\n' for n in range(7)
    )
    write(tmp_path / "ctax.csv", "Account Ref,Name,DOB,Addr 1,Town,Post Code\n" + rows)

    assert ingest([council_tax], con).records_by_source == {"council_tax": 7}
    assert con.execute("SELECT source_id, dob, address FROM records").fetchall()[5] == (
        "CT005",
        dt.date(1905, 2, 1),
        "5 Mill Rd, Hayes",
    )


def test_a_bad_byte_deep_in_a_file_is_found_with_its_line(
    con, tmp_path, council_tax, small_batches
):
    good = "".join(f'CT{n:03},"SMITH, John",01/02/1990,,,\n' for n in range(5))
    raw = ("Account Ref,Name,DOB,Addr 1,Town,Post Code\n" + good).encode() + b'CT9,"Zo\xeb",,,,\n'
    (tmp_path / "ctax.csv").write_bytes(raw)

    bad_byte = raw.index(b"\xeb")

    with pytest.raises(IngestError) as error:
        ingest([council_tax], con)

    assert [str(problem) for problem in error.value.problems] == [
        f"council_tax, row 7: the file is not valid utf-8 (byte {bad_byte}); "
        "set 'encoding' in the mapping"
    ]


def test_past_the_limit_problems_are_counted_not_listed(con, tmp_path, council_tax, monkeypatch):
    monkeypatch.setattr(extracts, "MAX_PROBLEMS_PER_SOURCE", 3)
    monkeypatch.setattr(staging, "MAX_PROBLEMS_PER_SOURCE", 3)
    rows = "".join(f'CT{n},"SMITH, John",1990-01-0{n},,,\n' for n in range(1, 6))
    write(tmp_path / "ctax.csv", "Account Ref,Name,DOB,Addr 1,Town,Post Code\n" + rows)

    with pytest.raises(IngestError) as error:
        ingest([council_tax], con)

    messages = [str(problem) for problem in error.value.problems]
    assert messages[:3] == [
        f"council_tax, row {n + 1}, column 'DOB': '1990-01-0{n}' is not a date in %d/%m/%Y"
        for n in range(1, 4)
    ]
    assert messages[3:] == ["council_tax: 2 more problems not listed"]


def test_typed_parquet_columns_are_read_as_dates_and_text(con, tmp_path):
    pq.write_table(
        pa.table(
            {
                "id": pa.array([7, 8], pa.int64()),
                "surname": ["Shah", None],
                "born": pa.array([dt.datetime(1970, 5, 6, 9, 30), None], pa.timestamp("s")),
                "uprn": pa.array([100021000001.0, None], pa.float64()),
            }
        ),
        tmp_path / "typed.parquet",
    )
    mapping = write(
        tmp_path / "typed.yaml",
        "source: parking\npath: typed.parquet\n"
        "columns: {source_id: id, last_name: surname, dob: born, uprn: uprn}\n",
    )

    ingest([mapping], con)

    assert con.execute(
        "SELECT record_id, last_name, dob, uprn FROM records ORDER BY record_id"
    ).fetchall() == [
        ("parking:7", "Shah", dt.date(1970, 5, 6), "100021000001"),
        ("parking:8", None, None, None),
    ]


# --- mappings with only some of the optional fields (issue 18) ----------------------------------
EXTRACT = """
Ref,Forename,Surname,Whole Name,DOB,Addr,Post Code,Tel
A1,Margaret,Smith,Margaret Smith,03/04/1950,12 Mill Rd,UB8 1AA,01895 000001
A2,Alan,Jones,Alan Jones,21/11/1984,1 High St,UB3 2BD,
"""
OPTIONAL = {
    "first_name": "Forename",
    "last_name": "Surname",
    "dob": "DOB",
    "address": "Addr",
    "postcode": "Post Code",
    "phone": "Tel",
}
SUBSETS = {
    "no dates (a council tax extract)": ["first_name", "last_name", "address", "postcode"],
    "no address": ["first_name", "last_name", "dob", "postcode"],
    "no postcode": ["first_name", "last_name", "dob", "address"],
    "names only as one column": ["full_name"],
    "one name column and no dates": ["full_name", "address", "postcode", "phone"],
    "id and surname only": ["last_name"],
    "everything": [*OPTIONAL, "full_name"],
}


@pytest.mark.parametrize("fields", SUBSETS.values(), ids=SUBSETS.keys())
def test_ingest_works_with_any_subset_of_the_optional_fields(con, tmp_path, fields):
    write(tmp_path / "extract.csv", EXTRACT)
    columns = {"source_id": "Ref"} | {field: OPTIONAL.get(field, "Whole Name") for field in fields}
    lines = "\n".join(f"  {field}: {column}" for field, column in columns.items())
    mapping = write(
        tmp_path / "extract.yaml",
        f'source: council_tax\npath: extract.csv\ndate_formats: {{dob: "%d/%m/%Y"}}\n'
        f"columns:\n{lines}\n",
    )
    summary = ingest([mapping], con)
    assert summary.total == 2
    rows = con.sql(
        "SELECT source_id, first_name, last_name, dob, address, postcode FROM records "
        "ORDER BY source_id"
    ).fetchall()
    first = rows[0]
    assert first[0] == "A1"
    assert first[2].lower() == "smith"
    assert ((first[1] or "").lower() == "margaret") == (
        "first_name" in fields or "full_name" in fields
    )
    assert (first[3] == dt.date(1950, 4, 3)) == ("dob" in fields)
    assert (first[3] is None) == ("dob" not in fields)
    assert (first[4] is None) == ("address" not in fields)
    assert (first[5] is None) == ("postcode" not in fields)
    from borough.linkage.standardise import standardise_table

    assert standardise_table(con) == 2  # and the clean table is made from what there is


def test_a_mapping_without_dates_still_reports_repeated_and_blank_ids(con, tmp_path):
    """The crash of issue 18: with no date field the first check had no column names."""
    write(tmp_path / "ct.csv", "Ref,Surname\nA1,Smith\n,Jones\nA1,Smyth\n")
    mapping = write(
        tmp_path / "ct.yaml",
        "source: council_tax\npath: ct.csv\ncolumns: {source_id: Ref, last_name: Surname}\n",
    )
    with pytest.raises(IngestError) as error:
        ingest([mapping], con)
    assert [str(problem) for problem in error.value.problems] == [
        "council_tax, row 3, column 'Ref': no id",
        "council_tax, row 4, column 'Ref': id 'A1' is also on row 2",
    ]


REPEATS = """
Ref,Surname,DOB
B1,Smith,01/02/1960
B2,Jones,03/04/1970
B1,Smyth,01/02/1960
B3,Patel,05/06/1980
"""


def _benefits(tmp_path, extra=""):
    write(tmp_path / "benefits.csv", REPEATS)
    return write(
        tmp_path / "benefits.yaml",
        f"source: benefits\npath: benefits.csv\n{extra}"
        'date_formats: {dob: "%d/%m/%Y"}\n'
        "columns: {source_id: Ref, last_name: Surname, dob: DOB}\n",
    )


def test_repeated_ids_are_refused_whole_by_default(con, tmp_path):
    with pytest.raises(
        IngestError, match=r"benefits, row 4, column 'Ref': id 'B1' is also on row 2"
    ):
        ingest([_benefits(tmp_path)], con)
    tables = {
        row[0] for row in con.sql("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert "records" not in tables and "dq_set_aside" not in tables


def test_repeated_ids_can_be_set_aside_and_the_good_rows_load(con, tmp_path):
    summary = ingest([_benefits(tmp_path)], con, set_aside_repeats=True)
    assert summary.records_by_source == {"benefits": 2}
    assert summary.set_aside == 2
    loaded = con.sql("SELECT source_id FROM records ORDER BY 1").fetchall()
    assert loaded == [("B2",), ("B3",)]
    assert con.sql("SELECT * FROM dq_set_aside").fetchall() == [
        ("benefits", "B1", 2, "id B1 is on 2 rows"),
        ("benefits", "B1", 4, "id B1 is on 2 rows"),
    ]


def test_a_mapping_can_ask_for_repeated_ids_to_be_set_aside(con, tmp_path):
    summary = ingest([_benefits(tmp_path, "repeated_ids: set_aside\n")], con)
    assert summary.total == 2 and summary.set_aside == 2
    with pytest.raises(IngestError, match="repeated_ids 'skip' is not one of"):
        ingest([_benefits(tmp_path, "repeated_ids: skip\n")], con)


def test_the_command_line_sets_repeated_ids_aside_and_quality_lists_them(tmp_path, capsys):
    from borough.linkage.cli import main

    mapping, db = _benefits(tmp_path), str(tmp_path / "people.duckdb")
    assert main(["ingest", str(mapping), "--db", db]) == 1
    assert "id 'B1' is also on row 2" in capsys.readouterr().err
    assert main(["ingest", str(mapping), "--db", db, "--set-aside-repeated-ids"]) == 0
    assert "set aside 2 rows whose id repeats" in capsys.readouterr().out
    from borough.linkage.quality import write_quality_csv

    with duckdb.connect(db) as connection:
        connection.sql("CREATE TABLE dq_duplicates (x INTEGER)")
        connection.sql("CREATE TABLE dq_conflicts (x INTEGER)")
        paths = write_quality_csv(connection, tmp_path / "dq")
    text = (tmp_path / "dq" / "dq_set_aside.csv").read_text()
    assert len(paths) == 3 and "benefits,B1,4,id B1 is on 2 rows" in text
