"""REST API v1 cases: create through case_create, read, list by cursor, move, notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.cases.models import Case, CaseEvent
from borough.clients.models import Scope
from borough.contacts.models import Contact
from borough.core.actors import ResidentActor
from borough.core.models import AuditEvent

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_a_case_created_over_the_api_is_a_case_like_any_other(api, missed_bin_body, missed_bin):
    _services_carry_the_catalogue_form_definition(api, missed_bin)
    response = api.post("/cases", missed_bin_body)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert case.channel == "api" and body["channel"] == "api"
    assert body["service"] == "report-missed-bin"
    assert body["status"] == "new" and body["team"] == case.team.slug
    assert body["location"]["uprn"] == 100021500001
    assert body["answers"]["bin_out"] == "yes"
    assert case.events.get().kind == CaseEvent.Kind.CREATED
    assert Contact.objects.get(case=case).channel == "api"
    again = api.get(f"/cases/{case.reference}")
    assert again.status_code == 200 and again.json()["reference"] == case.reference


def _services_carry_the_catalogue_form_definition(api, missed_bin):
    listed = api.get("/services").json()
    assert "report-missed-bin" in {s["slug"] for s in listed}
    detail = api.get("/services/report-missed-bin").json()
    assert [q["id"] for q in detail["questions"]] == [q.id for q in missed_bin.form.questions]
    date = next(q for q in detail["questions"] if q["id"] == "collection_date")
    assert date["constraints"]["max_days_past"] == 7
    assert detail["initial_state"] == missed_bin.flow.initial
    assert_error(api.get("/services/no-such-service"), 404, "not_found")


def test_pages_follow_the_cursor_without_overlap_and_filters_apply(api, make_case, missed_bin):
    made = [make_case().reference for _ in range(5)]
    seen, cursor, pages = [], "", 0
    while True:
        response = api.get("/cases", {"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        page = response.json()
        seen += [c["reference"] for c in page["data"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert sorted(seen) == sorted(made) and len(set(seen)) == 5
    assert seen == list(reversed(made))  # newest first
    assert api.get("/cases", {"service": "report-pothole"}).json()["data"] == []
    assert (
        len(api.get("/cases", {"status": "open", "team": missed_bin.team.slug}).json()["data"]) == 5
    )
    assert api.get("/cases", {"status": "closed"}).json()["data"] == []
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    assert api.get("/cases", {"updated_since": later}).json()["data"] == []
    assert_error(api.get("/cases", {"cursor": "not-a-cursor"}), 400, "invalid_cursor")
    newest_cursor = api.get("/cases", {"limit": 1}).json()["next_cursor"]
    assert_error(
        api.get("/cases", {"cursor": newest_cursor, "order": "updated"}), 400, "invalid_cursor"
    )


def test_the_updated_order_is_a_feed_of_changes(api, own_case):
    first, second = own_case(), own_case()
    api.post(f"/cases/{first.reference}/notes", {"text": "Crew asked to return"})
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    feed = api.get("/cases", {"order": "updated", "updated_since": since}).json()["data"]
    assert [c["reference"] for c in feed] == [second.reference, first.reference]


def test_the_list_reads_a_fixed_number_of_queries(api, make_case, django_assert_max_num_queries):
    for _ in range(6):
        make_case()
    with django_assert_max_num_queries(6):
        assert len(api.get("/cases").json()["data"]) == 6


def test_status_moves_follow_the_workflow_and_refusals_say_why(api, own_case):
    case = own_case()
    moved = api.post(f"/cases/{case.reference}/status", {"state": "in_progress", "note": "On it"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "in_progress"
    event = CaseEvent.objects.filter(case=case, kind="status_changed").get()
    assert event.data["source"]["channel"] == "api"
    before = CaseEvent.objects.count()
    refused = api.post(f"/cases/{case.reference}/status", {"state": "new"})
    error = assert_error(refused, 409, "transition_refused")
    assert "cannot be moved" in error["message"]
    unknown = assert_error(
        api.post(f"/cases/{case.reference}/status", {"state": "teleported"}),
        422,
        "validation_failed",
    )
    assert unknown["details"][0]["field"] == "state"
    stale = api.post(
        f"/cases/{case.reference}/status",
        {"state": "closed", "resolution": "fixed", "expected_version": 1},
    )
    assert_error(stale, 409, "case_changed")
    assert CaseEvent.objects.count() == before
    closed = api.post(f"/cases/{case.reference}/status", {"state": "closed", "resolution": "fixed"})
    assert closed.json()["status"] == "closed" and closed.json()["resolution"] == "fixed"
    assert_error(api.post("/cases/XX-NOPE/status", {"state": "closed"}), 404, "not_found")


def test_notes_stay_internal_and_updates_are_public(api, own_case):
    case = own_case()
    note = api.post(f"/cases/{case.reference}/notes", {"text": "Checked the round sheet"})
    update = api.post(f"/cases/{case.reference}/updates", {"text": "A crew will call tomorrow"})
    assert note.status_code == update.status_code == 201
    assert note.json()["public"] is False and update.json()["public"] is True
    kinds = [e["kind"] for e in api.get(f"/cases/{case.reference}/events").json()]
    assert kinds == ["created", "note", "public_update"]
    blank = api.post(f"/cases/{case.reference}/notes", {"text": "   "})
    assert_error(blank, 422, "validation_failed")


def test_personal_answers_need_residents_read_and_each_read_is_audited(
    client, make_key, catalogue, gazetteer
):
    from borough.cases.create import case_create
    from borough.core.channels import Channel

    service = catalogue["request-new-bin"]
    form = service.form
    answers = {
        "address": 100021500001,
        "bin_type": form.by_id["bin_type"].options[0].value,
        "reason": form.by_id["reason"].options[0].value,
        "email": "resident@example.com",
    }
    case = case_create(actor=ResidentActor(), service=service, answers=answers, channel=Channel.WEB)
    cases_only = make_key(Scope.CASES_READ)
    both = make_key(Scope.CASES_READ, Scope.RESIDENTS_READ)
    url = f"/api/v1/cases/{case.reference}"
    plain = client.get(url, headers={"Authorization": f"Bearer {cases_only}"}).json()
    assert "email" not in plain["answers"] and plain["resident_id"] is None
    assert not AuditEvent.objects.filter(object_type="case").exists()
    full = client.get(url, headers={"Authorization": f"Bearer {both}"}).json()
    assert full["answers"]["email"] == "resident@example.com"
    audit = AuditEvent.objects.get(object_type="case", object_id=str(case.pk))
    assert audit.action == "viewed" and "API client" in audit.summary
