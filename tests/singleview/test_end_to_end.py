"""The real linkage engine on a small generated extract, through ``manage.py linkage``: link,
import, confirm a pair in the hub, and the next run keeps the two records together."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from borough.singleview.labels import record_name
from borough.singleview.models import LinkageImport, MatchDecision, ReviewPair, SourceRecord

pytestmark = pytest.mark.django_db


def test_link_import_confirm_a_pair_and_the_next_run_keeps_it_together(
    tmp_path, client, data_officer, staff_login
):
    out, models = tmp_path / "extracts", tmp_path / "models"
    quiet = {"stdout": io.StringIO()}
    call_command(
        "linkage", "--import", "run", "--people", "200", "--sources", "3", "--seed", "3",
        "--out", str(out), "--models-dir", str(models), **quiet,
    )  # fmt: skip
    first = LinkageImport.objects.get()
    assert first.people > 100 and first.records > first.people
    assert SourceRecord.objects.count() == first.records

    # An officer confirms a pair the engine left as two people.
    pair = next(p for p in ReviewPair.objects.all() if p.person_id_l != p.person_id_r)
    staff_login(client, data_officer)
    page = client.get(f"/hub/single-view/review/{pair.pk}/").content.decode()
    assert record_name(pair.unique_id_l) in page and record_name(pair.unique_id_r) in page
    assert record_name(pair.unique_id_l).startswith("Council tax CT")  # not council_tax:CT...
    response = client.post(f"/hub/single-view/review/{pair.pk}/", {"decision": "match"})
    assert response.status_code == 302

    # The next run gets the decision from Borough, keeps the records together, and does not
    # ask about the pair again.
    model = next(models.glob("*.json"))
    call_command(
        "linkage", "--import", "link", "--db", str(out / "people.duckdb"), "--model", str(model),
        "--models-dir", str(models), **quiet,
    )  # fmt: skip
    assert LinkageImport.objects.first().run_id == first.run_id + 1
    left = SourceRecord.objects.get(record_id=pair.unique_id_l)
    right = SourceRecord.objects.get(record_id=pair.unique_id_r)
    assert left.person_id == right.person_id
    assert not ReviewPair.objects.filter(
        unique_id_l=pair.unique_id_l, unique_id_r=pair.unique_id_r
    ).exists()

    decisions = tmp_path / "decisions.csv"
    call_command("linkage_decisions", "--out", str(decisions), **quiet)
    rows = list(csv.DictReader(decisions.open()))
    assert [(r["unique_id_l"], r["unique_id_r"], r["decision"]) for r in rows] == [
        (pair.unique_id_l, pair.unique_id_r, "match")
    ]
    assert MatchDecision.objects.get().decided_by == data_officer
