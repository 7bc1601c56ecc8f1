"""AI helpers for staff (issue 22, point 5): a case and a resident "in brief", a draft public
update, and a suggested service and priority for a new contact. Made from the records only,
nothing sent or changed without a person, each draft and suggestion recorded."""

import html as html_lib

import pytest
from django.core import mail

from borough.cases.models import CaseEvent, ResponseTemplate, Status
from borough.cases.workflow import case_add_note
from borough.core.actors import StaffActor
from borough.core.models import AuditEvent
from borough.people.models import Resident
from tests.factories import ResidentFactory
from tests.signing_in import staff_login


@pytest.fixture
def case(make_case):
    return make_case(
        resident=Resident.objects.create(first_name="Ama", last_name="Owusu", email="a@x.example")
    )


def _template(case, title, body, **kwargs):
    from django.utils import timezone

    now = timezone.now()
    return ResponseTemplate.objects.create(
        team=case.team, title=title, body=body, created_at=now, updated_at=now, **kwargs
    )


def _page(client, path, **query):
    response = client.get(path, query)
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def _in_brief(html: str) -> str:
    return html.split('id="in-brief"', 1)[1].split("</div>", 1)[0]


@pytest.mark.django_db
def test_the_case_in_brief_says_what_the_page_shows(client, case, waste_officer):
    case_add_note(
        actor=StaffActor(waste_officer),
        case=case,
        text="Crew says the bin was blocked by a van",
        public=False,
    )
    staff_login(client, waste_officer)
    brief = _in_brief(_page(client, f"/hub/cases/{case.reference}/"))
    assert "Report a missed bin collection, received on" in brief
    assert f"{case.due_date.day} {case.due_date:%B %Y}" in brief  # the due date
    assert "Last internal note" in brief and "blocked by a van" in brief
    assert "The resident has had no update since the request was received." in brief
    assert "Not assigned to anyone yet." in brief
    assert "not written by a person" in brief


@pytest.mark.django_db
def test_a_draft_uses_the_most_specific_template_and_sends_nothing(
    client, case, waste_officer, django_capture_on_commit_callbacks
):
    _template(case, "Any waste case", "Hello {resident_first_name}.")
    _template(
        case,
        "Missed bin, new",
        "Hello {resident_first_name}, we will collect by {due_date}. Ref {reference}.",
        service=case.service,
        status=Status.NEW,
    )
    staff_login(client, waste_officer)
    events_before = CaseEvent.objects.filter(case=case).count()
    with django_capture_on_commit_callbacks(execute=True):
        html = _page(client, f"/hub/cases/{case.reference}/", draft=1)
    due = f"{case.due_date.day} {case.due_date:%B %Y}"
    assert f">Hello Ama, we will collect by {due}. Ref {case.reference}.</textarea>" in html
    assert "from the template “Missed bin, new”" in html
    assert "Nothing is sent until you select “Send update”" in html
    # Nothing changed or sent: the officer still has to send it.
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert mail.outbox == []
    drafted = AuditEvent.objects.get(action="drafted")
    assert drafted.actor == waste_officer and drafted.resident_id == case.resident_id


@pytest.mark.django_db
def test_without_templates_the_draft_is_made_from_the_case(client, case, waste_officer):
    staff_login(client, waste_officer)
    html = _page(client, f"/hub/cases/{case.reference}/", draft=1)
    textarea = html.split('id="update_text"', 1)[1].split("</textarea>", 1)[0]
    assert (
        f"Hello Ama, this is an update on your Report a missed bin collection request "
        f"{case.reference}. Its status is now: received." in textarea
    )
    assert f"We aim to finish by {case.due_date.day} {case.due_date:%B %Y}." in textarea


@pytest.mark.django_db
def test_an_agent_who_may_only_look_gets_no_draft(client, case, agent):
    staff_login(client, agent)
    html = _page(client, f"/hub/cases/{case.reference}/", draft=1)
    assert "Draft an update for me" not in html and 'id="draft-note"' not in html
    assert not AuditEvent.objects.filter(action="drafted").exists()


@pytest.mark.django_db
def test_the_councils_model_may_reword_a_draft_only_without_new_facts(
    client, case, waste_officer, settings, monkeypatch
):
    from borough.assistant import llm

    settings.BOROUGH_STAFF_LLM = True
    settings.BOROUGH_ASSISTANT_LLM_URL = "http://127.0.0.1:9/v1"
    staff_login(client, waste_officer)
    monkeypatch.setattr(llm, "complete", lambda *a, **k: "Call us on 0800 123 456 today.")
    html = _page(client, f"/hub/cases/{case.reference}/", draft=1)
    assert "0800 123 456" not in html  # a number not in the facts: the plain draft is used
    assert "reworded" not in html
    monkeypatch.setattr(
        llm, "complete", lambda *a, **k: f"Hi Ama. Your request {case.reference} is open."
    )
    html = _page(client, f"/hub/cases/{case.reference}/", draft=1)
    assert f">Hi Ama. Your request {case.reference} is open.</textarea>" in html
    assert "the council's language model reworded it" in html


@pytest.mark.django_db
def test_the_resident_in_brief(client, make_case, agent, gazetteer):
    ama = ResidentFactory(first_name="Ama", last_name="Owusu")
    make_case(resident=ama)
    make_case(resident=ama, uprn=100021500002)
    staff_login(client, agent)
    brief = _in_brief(_page(client, f"/hub/residents/{ama.pk}/"))
    assert "2 requests in the last 12 months, 2 still open." in brief
    assert "Asked most about Report a missed bin collection (2 requests)." in brief


@pytest.mark.django_db
def test_a_new_contact_gets_a_suggested_service_and_priority(client, agent, catalogue, gazetteer):
    ama = ResidentFactory(first_name="Ama", last_name="Owusu")
    staff_login(client, agent)
    path = f"/hub/residents/{ama.pk}/requests/new/"
    html = _page(client, path, said="they never emptied my recycling bin this week")
    assert "Borough suggests <strong>Report a missed bin collection</strong>" in html
    assert '<option value="report-missed-bin" selected>' in html
    assert AuditEvent.objects.filter(action="suggested", resident_id=ama.pk).count() == 1

    html = _page(client, path, said="my husband hits me and I need to report a broken window")
    assert "Signs of vulnerability:" in html and "Suggested priority: urgent" in html
    assert "follow the safeguarding procedure now" in html


@pytest.mark.django_db
def test_nothing_said_suggests_nothing(client, agent, catalogue, gazetteer):
    ama = ResidentFactory(first_name="Ama", last_name="Owusu")
    staff_login(client, agent)
    html = _page(client, f"/hub/residents/{ama.pk}/requests/new/", said="   ")
    assert 'id="suggestion"' not in html
    assert not AuditEvent.objects.filter(action="suggested").exists()
