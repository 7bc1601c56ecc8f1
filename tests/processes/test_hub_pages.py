"""The hub's process pages: counts on every process and step (the table the diagram repeats),
failed instances with their error and a retry, decision tables an administrator changes (a new
version; an officer may only read), and a person's step done from the task page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from borough.accounts.models import Role, Team
from borough.core.actors import SystemActor
from borough.processes import registry
from borough.processes.models import DecisionTable, InstanceStatus, ProcessStep
from borough.processes.services import start_financial_assessment, start_process
from tests.factories import StaffFactory

SYSTEM = SystemActor("test")


@pytest.fixture
def lead(catalogue):
    return StaffFactory(
        email="waste.lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )


@pytest.mark.django_db
def test_a_failed_instance_is_listed_with_its_error_and_retry_finishes_it(
    processes, make_case, lead, client, staff_login, monkeypatch
):
    def down(step, params):
        raise registry.ServiceUnavailable("The crew system did not answer")

    original = registry._SERVICES["bins.check_round"]
    monkeypatch.setitem(registry._SERVICES, "bins.check_round", (down, ""))
    failed = start_process(key="missed-bin", case=make_case(), actor=SYSTEM)
    monkeypatch.setitem(registry._SERVICES, "bins.check_round", original)
    start_process(key="missed-bin", case=make_case(), actor=SYSTEM)
    staff_login(client, lead)

    page = client.get(reverse("hub:processes")).content.decode()
    assert "Missed bin" in page and "Finished with no person" in page

    page = client.get(reverse("hub:process", args=["missed-bin"])).content.decode()
    assert "data-process-diagram" in page and "bpmn-viewer.production.min.js" in page
    assert "The crew system did not answer" in page and failed.case.reference in page
    # the step table: one case passed "Check the crew's round record", one failed on it
    row = page[
        page.index(
            '<th scope="row" class="govuk-table__header">Check the crew&#x27;s round record'
        ) :
    ]
    cells = row[: row.index("</tr>")]
    assert cells.count('">1</td>') == 2

    response = client.post(reverse("hub:process_retry", args=[failed.pk]), follow=True)
    assert "is now finished" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == InstanceStatus.COMPLETED


@pytest.mark.django_db
def test_an_administrator_changes_a_decision_table_and_a_bad_cell_is_refused(
    processes, admin, waste_officer, client, staff_login
):
    url = reverse("hub:decision", args=["missed_bin_outcome"])
    staff_login(client, waste_officer)
    assert client.get(url).status_code == 403  # officers do not see process pages
    client.logout()
    staff_login(client, admin)
    page = client.get(url).content.decode()
    assert 'name="cell-0-0" value="&quot;running&quot;"' in page
    table = DecisionTable.objects.get(key="missed_bin_outcome")
    cells = {f"cell-{r}-{c}": "-" for r in range(4) for c in range(2)}
    cells |= {f"cell-{r}-2": '"return"' for r in range(4)}

    bad = client.post(url, cells | {"cell-1-2": "return now", "reason": "test"})
    assert bad.status_code == 400 and "Enter a value in quotes" in bad.content.decode()
    assert DecisionTable.objects.filter(key=table.key).count() == 1

    no_reason = client.post(url, cells)
    assert (
        no_reason.status_code == 400
        and "Say why the table is changing" in no_reason.content.decode()
    )

    saved = client.post(
        url, cells | {"cell-0-0": '"running"', "reason": "Crews now always go back"}, follow=True
    )
    assert "Saved as version 2" in saved.content.decode()
    current = DecisionTable.objects.get(key=table.key, is_current=True)
    assert current.version == 2 and current.reason == "Crews now always go back"
    assert current.created_by == admin


@pytest.mark.django_db
def test_an_officer_does_the_check_from_the_task_page(
    processes, benefits_case, benefits_officer, client, staff_login
):
    case = benefits_case()
    start_financial_assessment(
        case=case,
        actor=SYSTEM,
        answers={
            "weekly_income_pence": 30_000,
            "capital_pence": 100_000,
            "disability_expenses_pence": 4_000,
            "care_cost_pence": 20_000,
            "owns_property": True,
            "pension_age": True,
        },
    )
    staff_login(client, benefits_officer)
    queue = client.get(reverse("hub:cases")).content.decode()
    assert "1 step of automated processes waits for your team" in queue
    listing = client.get(reverse("hub:processes")).content.decode()
    step = ProcessStep.objects.get(step_id="officer_check")
    assert reverse("hub:process_task", args=[step.pk]) in listing
    page = client.get(reverse("hub:process_task", args=[step.pk])).content.decode()
    assert "Owns property: check whether its value counts as capital" in page
    assert "Minimum income guarantee you keep: £237.30" in page

    bad = client.post(
        reverse("hub:process_task", args=[step.pk]), {"allowed_disability_expenses_pence": "lots"}
    )
    assert bad.status_code == 400 and "Enter an amount in pounds" in bad.content.decode()
    done = client.post(
        reverse("hub:process_task", args=[step.pk]),
        {"allowed_disability_expenses_pence": "20.00", "officer_note": "Receipts seen"},
        follow=True,
    )
    assert "Done: Officer checks the assessment" in done.content.decode()
    case.financial_assessment.refresh_from_db()
    assert "You will pay £42.70 a week" in case.financial_assessment.letter
