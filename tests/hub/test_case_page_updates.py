"""The case page's updates: response templates filled in, edited and sent (closing the case
with one), free-text updates, errors that keep what was typed, and the states an update may
move the case to."""

import re

import pytest
from django.core import mail

from borough.accounts.models import Team
from borough.cases.models import ResponseTemplate, Status
from tests.hub.case_page import act, fresh, page, template
from tests.signing_in import staff_login

# --- Response templates on the case page --------------------------------------------------


@pytest.mark.django_db
def test_an_officer_fills_in_a_template_edits_it_and_closes_the_case_with_it(
    client, case, waste_officer, catalogue, django_capture_on_commit_callbacks
):
    fixed = template(
        case.team,
        "Collected",
        "Hello {resident_first_name}, we collected the bin at {address}. Ref {reference}.",
        service=case.service,
        status=Status.NEW,
    )
    template(case.team, "For another service", "x", service=catalogue["request-new-bin"])
    template(case.team, "For closed cases", "x", status=Status.CLOSED)
    template(Team.objects.get(slug="highways"), "Another team's", "x")
    template(case.team, "Any waste case", "Hello")
    staff_login(client, waste_officer)

    html = page(client, case)
    offered = re.findall(
        r'<option value="\d+"[^>]*>([^<]+)</option>', html.split('id="template"')[1]
    )
    assert offered[:2] == ["Any waste case", "Collected"]
    assert "For another service" not in html and "For closed cases" not in html

    html = page(client, case, template=fixed.pk)
    expected = (
        f"Hello Ama, we collected the bin at 1 Acacia Avenue, Uxbridge, UB8 1QA. "
        f"Ref {case.reference}."
    )
    assert f">{expected}</textarea>" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client,
            case,
            "update",
            template=fixed.pk,
            update_text=expected + " Sorry for the wait.",
            update_status=Status.CLOSED,
            update_resolution="fixed",
        )
    assert response.status_code == 302
    assert "Update sent and status changed to closed" in page(client, case)
    case = fresh(case)
    assert (case.status, case.resolution) == (Status.CLOSED, "fixed")
    assert mail.outbox[-1].to == ["ama@example.com"]
    assert expected + " Sorry for the wait." in mail.outbox[-1].body
    assert case.events.get(kind="status_changed").data["template"] == fixed.pk


@pytest.mark.django_db
def test_a_free_text_update_keeps_the_status(client, case, waste_officer):
    staff_login(client, waste_officer)
    assert "There are no response templates for this service" in page(client, case)
    response = act(client, case, "update", update_text="We are on our way", update_status="")
    assert response.status_code == 302
    event = fresh(case).events.last()
    assert (event.kind, event.is_public, event.text) == ("public_update", True, "We are on our way")
    assert fresh(case).status == Status.NEW


@pytest.mark.django_db
def test_update_errors_keep_what_was_typed(client, case, waste_officer):
    staff_login(client, waste_officer)
    html = act(client, case, "update", update_text="  ").content.decode()
    assert '<a href="#update_text">Enter the update</a>' in html
    html = act(
        client, case, "update", update_text="All done", update_status="collected_by_magic"
    ).content.decode()
    assert "Choose a status from the list" in html
    assert ">All done</textarea>" in html
    assert [e.kind for e in fresh(case).events.all()] == ["created"]


@pytest.mark.django_db
def test_a_template_not_for_this_case_is_not_filled_in(client, case, waste_officer, catalogue):
    other = template(case.team, "Closed only", "Bye {reference}", status=Status.CLOSED)
    staff_login(client, waste_officer)
    html = page(client, case, template=other.pk)
    assert "Choose a template from the list" in html
    assert "Bye " not in html


@pytest.mark.django_db
def test_the_starter_templates_offer_a_new_missed_bin_case_its_wordings(
    client, case, waste_officer
):
    from borough.cases.response_templates import response_templates_seed

    response_templates_seed()
    staff_login(client, waste_officer)
    html = page(client, case)
    offered = html.split('id="template"')[1].split("</select>")[0]
    assert "Missed bin - crew booked" in offered and "Missed bin - collected" in offered
    assert "Highways" not in offered and "Waste - need more information" not in offered
    collected = ResponseTemplate.objects.get(title="Missed bin - collected")
    html = page(client, case, template=collected.pk)
    assert "Hello Ama,\n\nWe have now collected the bin at 1 Acacia Avenue" in html


@pytest.mark.django_db
def test_an_update_can_move_the_case_to_a_state_the_form_offers(client, case, waste_officer):
    staff_login(client, waste_officer)
    assert 'name="update_status" type="radio" value="fixed"' in page(client, case)
    response = act(
        client, case, "update", update_text="Collected this morning", update_status="fixed"
    )
    assert response.status_code == 302
    assert "Update sent and status changed to collected" in page(client, case)
    case = fresh(case)
    assert (case.state, case.status, case.resolution) == ("fixed", Status.CLOSED, "fixed")
    event = case.events.last()
    assert (event.kind, event.text) == ("status_changed", "Collected this morning")
