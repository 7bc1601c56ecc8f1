"""The housing team's pages and the tenant's "Your home" in MyAccount (issue 27)."""

from __future__ import annotations

import pytest

from borough.cases.models import CaseEvent
from borough.homes.models import (
    Alert,
    MaintenanceTask,
    Reading,
    Rule,
    RuleKind,
    Sharing,
    TenantAnswer,
)
from borough.homes.pipeline import homes_check

pytestmark = pytest.mark.django_db


def test_the_housing_team_sees_homes_at_risk_a_homes_charts_and_tables_and_devices(
    seeded, housing_officer, waste_officer, client, staff_login, django_assert_max_num_queries
):
    staff_login(client, housing_officer)
    with django_assert_max_num_queries(20):
        page = client.get("/hub/homes/").content.decode()
    damp = Alert.objects.get(kind=RuleKind.MOULD)
    assert damp.case.reference in page and "Vulnerable household" in page
    assert "Significant hazard (damp and mould)" in page
    assert page.index("Mould risk") < page.index("Boiler fault")

    # The case the rule opened shows the evidence: the hours it fired on, charts and a table.
    case_page = client.get(f"/hub/cases/{damp.case.reference}/").content.decode()
    assert "What the home's sensors showed" in case_page
    assert case_page.count("<polyline") == 2 and "Readings by day (daily means)" in case_page
    assert "Awaab's Law (significant hazard (damp and mould)): investigate by" in case_page

    # A home's readings: charts with their tables.
    uprn = seeded["uprns"][0]
    page = client.get(f"/hub/homes/properties/{uprn}/?days=7").content.decode()
    assert "<polyline" in page and 'role="img"' in page
    assert "Readings by day (daily means)" in page
    assert "Relative humidity, hourly" in page
    assert "°C" in page and "ppm" in page
    assert client.get("/hub/homes/properties/1/").status_code == 404

    # Devices that need attention (the silent home's two), and what the ingest took; an
    # officer records the maintenance done.
    homes_check(now=seeded["now"])
    page = client.get("/hub/homes/devices/").content.decode()
    assert "Stored" in page and page.count("Mark done") == 2
    task = MaintenanceTask.objects.filter(done_at=None).first()
    done = client.post(f"/hub/homes/tasks/{task.pk}/done/", follow=True).content.decode()
    assert f"Maintenance recorded as done: {task.device.device_id}" in done
    assert done.count("Mark done") == 1
    assert client.get(f"/hub/homes/tasks/{task.pk}/done/").status_code == 405

    # Other teams do not see homes.
    staff_login(client, waste_officer)
    assert client.get("/hub/homes/").status_code == 403


def test_a_team_lead_tunes_a_rule_and_bad_values_are_refused_with_the_reason(
    seeded, housing_lead, housing_officer, client, staff_login
):
    staff_login(client, housing_lead)
    form = {
        "kind": "mould",
        "enabled": "yes",
        "humidity_at_least": "75",
        "temperature_below": "16",
        "hours": "48",
        "share_of_hours": "80",
    }
    assert client.post("/hub/homes/rules/", form).status_code == 302
    rule = Rule.objects.get(kind=RuleKind.MOULD)
    assert (rule.humidity_at_least, rule.hours, rule.share_of_hours) == (75, 48, 80)
    page = client.post("/hub/homes/rules/", {**form, "humidity_at_least": "150", "hours": "x"})
    assert "Enter a number" in page.content.decode()
    page = client.post("/hub/homes/rules/", {**form, "humidity_at_least": "150"})
    assert "Enter a relative humidity from 30 to 100" in page.content.decode()
    assert Rule.objects.get(kind=RuleKind.MOULD).humidity_at_least == 75
    staff_login(client, housing_officer)
    assert client.get("/hub/homes/rules/").status_code == 403


def test_the_tenant_sees_readings_and_advice_answers_the_alert_and_switches_sharing_off(
    seeded, client
):
    tenant = seeded["tenants"][0]
    client.force_login(tenant.user)
    assert "See your home" in client.get("/my-account/").content.decode()
    page = client.get("/my-account/your-home/").content.decode()
    assert "The air in your home is damp" in page
    assert "Your home has been damp and cold for several days" in page
    assert "<polyline" in page and "Readings by day" in page
    alert = Alert.objects.get(property_id=seeded["uprns"][0], kind=RuleKind.MOULD)
    refused = client.post("/my-account/your-home/", {"alert": alert.pk})
    assert refused.status_code == 400 and "Select an answer" in refused.content.decode()
    client.post("/my-account/your-home/", {"alert": alert.pk, "answer": "already_reported"})
    alert.refresh_from_db()
    assert alert.tenant_answer == TenantAnswer.ALREADY_REPORTED
    assert alert.case.events.filter(
        kind=CaseEvent.Kind.NOTE, text__contains="Already reported"
    ).exists()

    # Sharing switched off: the page says so and shows no readings.
    response = client.post("/my-account/your-home/", {"sharing": "off"}, follow=True)
    page = response.content.decode()
    assert "We will not store or use new readings from your home." in page
    assert "<polyline" not in page
    choice = Sharing.objects.filter(property_id=seeded["uprns"][0]).latest("recorded_at")
    assert choice.sharing is False and choice.resident == tenant
    assert Reading.objects.exists()


def test_the_privacy_notice_for_sensor_data_is_public(client, db):
    page = client.get("/privacy/home-sensors/").content.decode()
    assert "never your name or address" in page and "13 months" in page
