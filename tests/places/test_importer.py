import io

import pytest

from borough.places.importer import ImportRefused, import_llpg
from borough.places.models import Property, Street, Ward

HEADER = (
    "UPRN,USRN,SAO_TEXT,PAO_TEXT,PAO_START_NUMBER,STREET_DESCRIPTION,TOWN_NAME,"
    "POSTCODE_LOCATOR,LATITUDE,LONGITUDE,WARD_CODE,WARD_NAME\n"
)
GOOD = "100021600001,20760001,,,4,KINGS ROAD,HAYES,UB3 4AA,51.51,-0.42,E1,Kings\n"


def _csv(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(rows)).encode())


@pytest.mark.django_db
def test_a_clean_extract_loads_every_row(gazetteer):
    assert gazetteer.loaded == 11
    flat = Property.objects.get(uprn=100021500006)
    assert flat.single_line == "Flat 2, Beech House, 14 Church Road, Hillside, Uxbridge, UB8 1QB"
    assert flat.ward.name == "Ashgrove"
    assert Street.objects.get(usrn=20750001).name == "Acacia Avenue"
    assert not Property.objects.get(uprn=100021500011).is_current  # logical status 8


@pytest.mark.django_db
def test_by_default_one_bad_row_means_nothing_is_loaded_and_every_bad_row_is_named():
    source = _csv(
        GOOD,
        "not-a-uprn,20760001,,,5,KINGS ROAD,HAYES,UB3 4AA,51.51,-0.42,E1,Kings\n",
        "100021600003,20760001,,,6,KINGS ROAD,HAYES,NOT A POSTCODE,51.51,-0.42,E1,Kings\n",
        "100021600004,20760001,,,7,KINGS ROAD,HAYES,UB3 4AA,71.51,-0.42,E1,Kings\n",
    )
    report = import_llpg(source)
    assert not report.ok
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "UPRN must be a whole number, got 'not-a-uprn'"),
        (4, "POSTCODE_LOCATOR 'NOT A POSTCODE' is not a UK postcode"),
        (5, "LATITUDE 71.51 is outside the United Kingdom"),
    ]
    assert report.summary().startswith("Nothing was imported: 3 of 4 rows have problems.")
    assert Property.objects.count() == 0
    assert Ward.objects.count() == 0


@pytest.mark.django_db
def test_skip_invalid_loads_the_good_rows_and_reports_the_bad():
    source = _csv(GOOD, "100021600002,20760001,,,,KINGS ROAD,HAYES,UB3 4AA,51.51,-0.42,,\n")
    report = import_llpg(source, policy="skip_invalid")
    assert report.loaded == 1
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "the property has neither PAO_TEXT nor PAO_START_NUMBER")
    ]
    assert list(Property.objects.values_list("uprn", flat=True)) == [100021600001]


@pytest.mark.django_db
def test_a_repeated_uprn_is_reported_with_both_lines():
    report = import_llpg(_csv(GOOD, GOOD))
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "UPRN 100021600001 is also on line 2")
    ]


@pytest.mark.django_db
def test_importing_again_updates_properties_in_place(gazetteer):
    source = _csv("100021500001,20750001,,,1,ACACIA AVENUE,UXBRIDGE,UB8 1QZ,51.54,-0.47,E1,A\n")
    report = import_llpg(source)
    assert report.loaded == 1
    assert Property.objects.get(uprn=100021500001).postcode == "UB8 1QZ"
    assert Property.objects.count() == 11


@pytest.mark.django_db
def test_missing_columns_are_refused_before_anything_is_read():
    with pytest.raises(ImportRefused, match="missing the columns: LATITUDE, LONGITUDE"):
        import_llpg(
            io.BytesIO(
                b"UPRN,USRN,PAO_TEXT,PAO_START_NUMBER,STREET_DESCRIPTION,"
                b"TOWN_NAME,POSTCODE_LOCATOR\n1,2,,3,A ROAD,TOWN,UB3 4AA\n"
            )
        )


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ImportRefused, match="not UTF-8"):
        import_llpg(io.BytesIO((HEADER + GOOD.replace("KINGS", "K\xd6NIGS")).encode("latin-1")))


@pytest.mark.django_db
def test_the_command_exits_with_the_report_when_rows_are_bad(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "llpg.csv"
    path.write_text(HEADER + "1,2,,,3,A ROAD,TOWN,XX,51.5,-0.4,,\n")
    with pytest.raises(CommandError, match="line 2: POSTCODE_LOCATOR 'XX' is not a UK postcode"):
        call_command("import_llpg", str(path))
