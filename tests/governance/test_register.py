"""The information asset register lists every system Borough knows of without anyone typing it
in, and the council's own entries; the Article 30 record is a page and a CSV (issue 23)."""

import csv
import io

import pytest

from borough.core.actors import StaffActor, SystemActor
from borough.core.models import AuditEvent
from borough.governance.models import InformationAsset
from borough.governance.register import ARTICLE_30_COLUMNS, article30_csv, register_rows
from borough.governance.services import Invalid, asset_save
from borough.integrations.services import connector_create, subscription_create
from borough.singleview.services import linkage_import
from tests.singleview.linkage_files import make_linkage_file

pytestmark = pytest.mark.django_db

ENTRY = {
    "name": "Housing benefit system",
    "owner": "Head of Revenues and Benefits",
    "purpose": "Assessing and paying housing benefit",
    "lawful_basis": "legal_obligation",
    "special_category": "yes",
    "article9_condition": "substantial_public_interest",
    "data_categories": "Names, addresses, income, health conditions",
    "people_categories": "Claimants and their households",
    "where_held": "Northgate on premises",
    "shared_with": "DWP",
    "retention": "6 years after the claim ends",
    "security_measures": "Role-based access, encrypted backups",
    "dpia_status": "done",
}


@pytest.fixture
def known_systems(admin, new_api_client, tmp_path):
    """What the demo's integrations and single view hold: API clients, a webhook subscriber,
    a connector, and a linkage run with its sources, made through the usual actions."""
    actor = StaffActor(admin)
    fms = new_api_client("open311.post", name="FixMyStreet").client
    back_office = new_api_client("cases.read", name="Back office").client
    subscription_create(
        client=back_office,
        target_url="https://backoffice.example/events",
        event_types=["case.created"],
        actor=actor,
    )
    connector_create(
        name="Waste back office", kind="email", email="waste.bo@council.example", actor=actor
    )
    linkage_import(actor=SystemActor("tests"), path=make_linkage_file(tmp_path / "p.duckdb"))
    return fms, back_office


def test_register_lists_every_known_system_without_typing(known_systems):
    from borough.singleview.models import SourceRecord

    rows = {(row.kind, row.name) for row in register_rows()}
    assert ("API client", "FixMyStreet") in rows
    assert ("API client", "Back office") in rows
    assert ("Connector", "Waste back office") in rows
    assert ("Webhook subscriber", "Back office: https://backoffice.example/events") in rows
    sources = set(SourceRecord.objects.values_list("source", flat=True))
    assert len(sources) >= 2
    linkage_rows = {name for kind, name in rows if kind == "Linkage source"}
    assert len(linkage_rows) == len(sources)
    assert "Council tax" in linkage_rows
    assert not InformationAsset.objects.exists()  # nobody typed anything in


def test_council_details_for_a_known_system_show_on_its_row(known_systems, governance_officer):
    fms = known_systems[0]
    asset_save(
        actor=StaffActor(governance_officer),
        data={**ENTRY, "name": "FixMyStreet", "system_key": f"api_client:{fms.pk}"},
    )
    row = next(r for r in register_rows() if r.key == f"api_client:{fms.pk}")
    assert row.asset is not None and row.asset.owner == ENTRY["owner"]
    assert sum(1 for r in register_rows() if r.name == "FixMyStreet") == 1


def test_special_category_needs_an_article_9_condition_and_nothing_is_saved(governance_officer):
    with pytest.raises(Invalid) as refused:
        asset_save(
            actor=StaffActor(governance_officer),
            data={**ENTRY, "article9_condition": "", "owner": ""},
        )
    assert set(refused.value.errors) == {"article9_condition", "owner"}
    assert not InformationAsset.objects.exists()


def test_only_governance_staff_may_change_the_register(waste_officer):
    from borough.cases.errors import NotAllowed

    with pytest.raises(NotAllowed):
        asset_save(actor=StaffActor(waste_officer), data=ENTRY)
    assert not InformationAsset.objects.exists()


def test_saving_an_entry_is_audited_by_field_name_only(governance_officer):
    asset = asset_save(actor=StaffActor(governance_officer), data=ENTRY)
    event = AuditEvent.objects.get(object_type="information_asset", object_id=str(asset.pk))
    assert event.action == "created" and "purpose" in event.changed_fields
    assert "Assessing" not in event.summary


def test_article_30_csv_has_every_row_and_column(known_systems, governance_officer):
    asset_save(actor=StaffActor(governance_officer), data=ENTRY)
    table = list(csv.reader(io.StringIO(article30_csv())))
    assert tuple(table[0]) == ARTICLE_30_COLUMNS
    assert len(table) - 1 == len(register_rows())
    own = next(line for line in table if line[0] == ENTRY["name"])
    assert own[4] == "6(1)(c) Legal obligation"
    assert own[5].startswith("9(2)(g)")
