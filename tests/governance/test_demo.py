"""The demo (``make run``) lets an information governance officer work: they can sign in to the
governance pages, requests are waiting for them, and the register lists every API client,
webhook subscriber, connector and linkage source the demo holds without anyone typing them in."""

import pytest
from django.test import Client

from borough.accounts.governance_policies import can_govern_information
from borough.clients.models import ApiClient
from borough.core.actors import SystemActor
from borough.demo.context import Demo
from borough.demo.governance import GOVERNANCE_OFFICER, make_information_requests
from borough.demo.integrations import make_integrations
from borough.demo.people import make_staff
from borough.governance.models import InformationAsset, RightsRequest, SubjectAccessRequest
from borough.governance.register import register_rows
from borough.integrations.models import Connector, WebhookSubscription
from borough.singleview.labels import source_name
from borough.singleview.models import SourceRecord
from borough.singleview.services import linkage_import
from tests.factories import ResidentFactory
from tests.singleview.linkage_files import make_linkage_file

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_governance_officer_with_work_and_a_complete_register(
    catalogue, make_case, tmp_path, staff_login
):
    demo = Demo(residents=10, seed=1)
    staff = make_staff(demo)
    for n in range(3):
        make_case(resident=ResidentFactory(email=f"person{n}@example.com"))
    make_integrations(demo, staff)
    make_information_requests(demo, staff)
    # The single view, as `manage.py singleview_demo` imports it in `make run`.
    linkage_import(actor=SystemActor("tests"), path=make_linkage_file(tmp_path / "p.duckdb"))

    officer = staff[GOVERNANCE_OFFICER]
    assert can_govern_information(officer)
    assert SubjectAccessRequest.objects.count() == 1
    assert sorted(RightsRequest.objects.values_list("kind", flat=True)) == [
        "objection", "rectification",
    ]  # fmt: skip
    client = Client()
    staff_login(client, officer)
    assert client.get("/hub/governance/rights/").status_code == 200

    rows = {(row.kind, row.name) for row in register_rows()}
    held = (
        {("API client", c.name) for c in ApiClient.objects.all()}
        | {("Connector", c.name) for c in Connector.objects.all()}
        | {
            ("Webhook subscriber", f"{s.client.name}: {s.target_url}")
            for s in WebhookSubscription.objects.select_related("client")
        }
        | {
            ("Linkage source", source_name(s))
            for s in SourceRecord.objects.values_list("source", flat=True).distinct()
        }
    )
    assert {kind for kind, _ in held} == {
        "API client", "Connector", "Webhook subscriber", "Linkage source",
    }  # fmt: skip
    assert held <= rows
    assert not InformationAsset.objects.exists()  # nobody typed anything in
    # Nothing leaves the machine: the subscription is paused, the connector routes nothing.
    assert not WebhookSubscription.objects.filter(is_active=True).exists()
