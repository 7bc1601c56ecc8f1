"""Issue 16, holes 1, 2, 4 and 5 of the API review: a hostile client over HTTP, each refusal
checked together with what was (not) written.

1. An API client changes only the cases it sent; status changes need their own scope; the
   resident is never emailed another system's words.
2. Public (keyless) Open311 feeds leave out residents' words, the text of updates and every
   case of a private service.
4. Control characters are refused everywhere and never reach XML.
5. Malformed answers are 400s in each API's own error document (``test_api_holes_answers.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from urllib.parse import urlencode
from xml.etree import ElementTree as ET  # noqa: S405 (parsing our own responses)

import pytest
from django.core import mail

from borough.cases.create import case_create
from borough.cases.models import Case, CaseEvent
from borough.cases.resident import case_add_resident_update
from borough.cases.workflow import case_add_note
from borough.clients.models import Scope
from borough.core.actors import ResidentActor, StaffActor
from borough.core.channels import Channel
from borough.integrations.models import Handoff
from borough.integrations.services import connector_create

pytestmark = pytest.mark.django_db

O311 = "/open311/v2/"
REST = "/api/v1"


def post_form(client, url, fields):
    return client.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded")


def rest(client, key, path, body):
    return client.post(
        REST + path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def written():
    """Everything an update could write: cases as they stand, timeline events, emails."""
    cases = sorted(Case.objects.values_list("pk", "state", "status", "version"))
    return cases, CaseEvent.objects.count(), len(mail.outbox)


def new_bin_answers(catalogue, email="resident@example.com"):
    return {
        "address": 100021500001,
        "bin_type": "general_waste",
        "reason": "damaged",
        "email": email,
    }


@pytest.fixture
def portal_case(catalogue, gazetteer):
    """A request a resident made in the portal, with their email address."""
    return case_create(
        actor=ResidentActor(),
        service=catalogue["request-new-bin"],
        channel=Channel.WEB,
        answers=new_bin_answers(catalogue),
    )


@pytest.fixture
def hostile(new_api_client):
    """Any Open311 client's key (it sent none of the cases)."""
    return new_api_client(Scope.OPEN311_POST, name="Hostile").raw_key


# ------------------------------------------------------------------------------ hole 1


def test_an_open311_key_cannot_change_a_case_it_did_not_send(
    client, catalogue, gazetteer, portal_case, hostile, new_api_client
):
    other = new_api_client(Scope.CASES_WRITE, name="Back office").raw_key
    made = rest(
        client,
        other,
        "/cases",
        {"service": "request-new-bin", "answers": new_bin_answers(catalogue)},
    )
    assert made.status_code == 201, made.content
    rest_case = Case.objects.get(reference=made.json()["reference"])
    mail.outbox.clear()
    before = written()
    missing = post_form(
        client,
        f"{O311}servicerequestupdates.json",
        {"api_key": hostile, "service_request_id": "NOPE-NOPE", "status": "CLOSED"},
    )
    assert missing.status_code == 404
    for case in (rest_case, portal_case):
        for fields in (
            {"status": "CLOSED"},
            {"status": "OPEN", "description": "Pay the fine at https://evil.example"},
        ):
            response = post_form(
                client,
                f"{O311}servicerequestupdates.json",
                {"api_key": hostile, "service_request_id": case.reference, **fields},
            )
            assert response.status_code == 404
            # The same answer as for a reference that does not exist.
            assert json.loads(response.content)[0]["description"] == json.loads(missing.content)[0][
                "description"
            ].replace("NOPE-NOPE", case.reference)
    assert written() == before
    # Both creations record the client that sent the case.
    assert Case.objects.get(pk=rest_case.pk).api_client.name == "Back office"


def test_a_rest_key_cannot_change_a_case_it_did_not_create(client, portal_case, new_api_client):
    key = new_api_client(*Scope.values, name="Every scope").raw_key
    mail.outbox.clear()
    before = written()
    for path, body in (
        ("status", {"state": "closed", "resolution": "fixed"}),
        ("notes", {"text": "Closed by us"}),
        ("updates", {"text": "Pay at https://evil.example"}),
    ):
        response = rest(client, key, f"/cases/{portal_case.reference}/{path}", body)
        assert response.status_code == 404, response.content
        assert response.json()["error"]["code"] == "not_found"
    assert written() == before


def test_a_status_change_needs_the_status_scope(client, catalogue, gazetteer, new_api_client):
    poster = new_api_client(Scope.OPEN311_POST, name="Poster").raw_key
    fields = {
        "api_key": poster,
        "service_code": "report-pothole",
        "lat": "51.545210",
        "long": "-0.478810",
        "description": "A deep pothole",
        "attribute[where_on_street]": "road",
        "attribute[size]": "small",
    }
    reference = json.loads(post_form(client, f"{O311}requests.json", fields).content)[0][
        "service_request_id"
    ]
    before = written()
    update = {"api_key": poster, "service_request_id": reference}
    refused = post_form(client, f"{O311}servicerequestupdates.json", {**update, "status": "CLOSED"})
    assert refused.status_code == 403
    assert "open311.status" in json.loads(refused.content)[0]["description"]
    assert written() == before
    noted = post_form(
        client,
        f"{O311}servicerequestupdates.json",
        {**update, "status": "OPEN", "description": "Crew booked"},
    )
    assert noted.status_code == 200, noted.content

    writer = new_api_client(Scope.CASES_WRITE, name="Writer").raw_key
    made = rest(
        client,
        writer,
        "/cases",
        {"service": "request-new-bin", "answers": new_bin_answers(catalogue)},
    )
    before = written()
    moved = rest(client, writer, f"/cases/{made.json()['reference']}/status", {"state": "closed"})
    assert moved.status_code == 403 and moved.json()["error"]["code"] == "scope_missing"
    assert written() == before


def test_a_connector_s_system_may_update_the_cases_handed_off_to_it(
    client, portal_case, new_api_client, admin
):
    system = new_api_client(Scope.OPEN311_POST, Scope.OPEN311_STATUS, name="Repairs system")
    connector = connector_create(
        name="Repairs",
        kind="email",
        email="repairs@council.example",
        api_client=str(system.client.pk),
        actor=StaffActor(admin),
    ).connector
    update = {
        "api_key": system.raw_key,
        "service_request_id": portal_case.reference,
        "status": "IN_PROGRESS",
    }
    before = written()
    assert post_form(client, f"{O311}servicerequestupdates.json", update).status_code == 404
    assert written() == before
    Handoff.objects.create(case=portal_case, connector=connector, created_at=portal_case.created_at)
    response = post_form(client, f"{O311}servicerequestupdates.json", update)
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=portal_case.pk).status == "in_progress"


def test_the_resident_is_not_emailed_another_system_s_words(
    client, catalogue, gazetteer, new_api_client, django_capture_on_commit_callbacks
):
    sender = new_api_client(Scope.OPEN311_POST, Scope.CASES_WRITE, name="Sender").raw_key
    fields = {
        "api_key": sender,
        "service_code": "request-new-bin",
        "address_id": "100021500001",
        "email": "resident@example.com",
        "attribute[bin_type]": "general_waste",
        "attribute[reason]": "damaged",
    }
    reference = json.loads(post_form(client, f"{O311}requests.json", fields).content)[0][
        "service_request_id"
    ]
    case = Case.objects.get(reference=reference)
    assert case.api_client.name == "Sender"
    scam = "Your bin is ready: pay £20 at https://evil.example/pay"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(
            client,
            f"{O311}servicerequestupdates.json",
            {
                "api_key": sender,
                "service_request_id": reference,
                "status": "OPEN",
                "description": scam,
            },
        )
        assert response.status_code == 200, response.content
        rest_update = rest(client, sender, f"/cases/{reference}/updates", {"text": scam})
        assert rest_update.status_code == 201, rest_update.content
    assert [m.to for m in mail.outbox] == [["resident@example.com"]] * 2
    for message in mail.outbox:
        assert "evil.example" not in message.body and "£20" not in message.body
        assert "There is an update on your request" in message.body
        assert "/track/" in message.body
    # The words are on the request's page, as the council's timeline shows them.
    assert CaseEvent.objects.filter(case=case, text=scam).count() == 2


# ------------------------------------------------------------------------------ hole 2


def _feed(client, **params):
    response = client.get(f"{O311}servicerequestupdates.json", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_the_public_updates_feed_has_no_resident_words_and_no_update_text(
    client, catalogue, gazetteer, new_api_client, waste_officer
):
    reader = new_api_client(Scope.CASES_READ, name="Reader").raw_key
    poster = new_api_client(Scope.OPEN311_POST, name="Poster").raw_key
    reference = json.loads(
        post_form(
            client,
            f"{O311}requests.json",
            {
                "api_key": poster,
                "service_code": "report-pothole",
                "lat": "51.545210",
                "long": "-0.478810",
                "description": "A deep pothole",
                "attribute[where_on_street]": "road",
                "attribute[size]": "small",
            },
        ).content
    )[0]["service_request_id"]
    case = Case.objects.get(reference=reference)
    resident_words = "I am at home on weekdays after 3pm, my number is 07700 900123"
    case_add_resident_update(
        case=case, text=resident_words, actor=ResidentActor(tracking_case_id=case.pk)
    )
    case_add_note(
        case=Case.objects.get(pk=case.pk),
        text="Crew booked for Tuesday",
        actor=StaffActor(_highways_officer(case)),
        public=True,
    )
    before = CaseEvent.objects.count()
    public = _feed(client)
    assert public, "the staff update is listed"
    for key in ({}, {"api_key": reader}, {"api_key": poster}):
        assert resident_words not in json.dumps(_feed(client, **key))
    assert "Crew booked for Tuesday" not in json.dumps(public)
    assert "Crew booked for Tuesday" in json.dumps(_feed(client, api_key=reader))
    assert CaseEvent.objects.count() == before


def _highways_officer(case):
    from tests.factories import StaffFactory

    return StaffFactory(membership__team=case.team, membership__role="officer")


def test_private_services_never_appear_in_public_listings(
    client, catalogue, gazetteer, new_api_client
):
    reader = new_api_client(Scope.CASES_READ, name="Reader").raw_key
    today = dt.date.today().isoformat()
    made = [
        case_create(
            actor=ResidentActor(),
            service=catalogue["apply-single-person-discount"],
            channel=Channel.WEB,
            answers={
                "address": 100021500001,
                "only_adult": "yes",
                "from_date": today,
                "name": "Ann Smith",
                "date_of_birth": "1970-01-01",
                "email": "ann@example.com",
            },
        ),
        case_create(
            actor=ResidentActor(),
            service=catalogue["request-new-bin"],
            channel=Channel.WEB,
            answers=new_bin_answers(catalogue),
        ),
    ]
    for case in made:
        case_add_note(
            case=case, text="We are on it", actor=StaffActor(_highways_officer(case)), public=True
        )
    references = {c.reference for c in made}
    for fmt in ("json", "xml"):
        listed = client.get(f"{O311}requests.{fmt}").content.decode()
        updates = client.get(f"{O311}servicerequestupdates.{fmt}").content.decode()
        by_id = client.get(f"{O311}requests.{fmt}", {"service_request_id": ",".join(references)})
        for reference in references:
            assert reference not in listed and reference not in updates
            assert reference not in by_id.content.decode()
            detail = client.get(f"{O311}requests/{reference}.{fmt}")
            assert detail.status_code == 404
    with_key = json.loads(client.get(f"{O311}requests.json", {"api_key": reader}).content)
    assert references <= {r["service_request_id"] for r in with_key}


# ------------------------------------------------------------------------------ hole 4

CONTROL = "Rubbish\x0b\x1b by the gate"


def test_control_characters_are_refused_by_open311_and_nothing_is_stored(
    client, catalogue, gazetteer, new_api_client
):
    poster = new_api_client(Scope.OPEN311_POST, Scope.OPEN311_STATUS, name="Poster").raw_key
    report = {
        "api_key": poster,
        "service_code": "report-pothole",
        "lat": "51.545210",
        "long": "-0.478810",
        "attribute[where_on_street]": "road",
        "attribute[size]": "small",
    }
    before = written()
    for bad in (
        {"description": CONTROL},
        {"description": "cut\x00short"},
        {"first_name": "Pat\x07"},
        {"attribute[size]": "small\x1f"},
    ):
        response = post_form(client, f"{O311}requests.xml", {**report, **bad})
        assert response.status_code == 400, response.content
        assert b"control characters" in response.content
        ET.fromstring(response.content)  # noqa: S314 (the error document is well-formed)
    assert written() == before
    made = post_form(client, f"{O311}requests.json", {**report, "description": "Fine\ttext\r\n"})
    reference = json.loads(made.content)[0]["service_request_id"]
    before = written()
    update = {"api_key": poster, "service_request_id": reference, "status": "OPEN"}
    refused = post_form(
        client, f"{O311}servicerequestupdates.json", {**update, "description": "x\x1b[31m"}
    )
    assert refused.status_code == 400
    for path in (f"{O311}requests/%00.json", f"{O311}requests.json?service_request_id=%00"):
        assert client.get(path).status_code == 400
    assert written() == before


def test_control_characters_are_refused_by_the_rest_api(
    client, catalogue, gazetteer, new_api_client
):
    key = new_api_client(*Scope.values, name="Every scope").raw_key
    answers = {**new_bin_answers(catalogue), "details": "cut\x00short"}
    before = written()
    response = rest(client, key, "/cases", {"service": "request-new-bin", "answers": answers})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert error["details"][0]["field"] == "answers.details"
    assert "control characters" in error["details"][0]["message"]
    got = client.get(f"{REST}/cases/%00", headers={"Authorization": f"Bearer {key}"})
    assert got.status_code == 400 and got.json()["error"]["code"] == "bad_request"
    assert written() == before


def test_control_characters_are_refused_by_portal_hub_and_chat_forms(
    client, catalogue, gazetteer, portal_case, waste_officer, staff_login
):
    from borough.assistant.models import ChatMessage

    before = written()
    page = client.post(
        "/services/report-missed-bin/questions/details/", {"details": CONTROL}, follow=False
    )
    assert page.status_code == 400
    assert "control characters" in page.content.decode()
    assert client.get("/search/", {"q": "bin\x00"}).status_code == 400
    assert client.get("/track/%00/token/").status_code == 400
    chat = client.post(
        f"/chat/api/conversations/{uuid.uuid4()}/messages/",
        json.dumps({"text": "hello\x1b"}),
        content_type="application/json",
    )
    assert chat.status_code == 400 and chat.json()["error"]["code"] == "bad_request"
    staff_login(client, waste_officer)
    note = client.post(
        f"/hub/cases/{portal_case.reference}/note/",
        {"text": CONTROL, "visibility": "internal", "version": portal_case.version},
    )
    assert note.status_code == 400
    assert written() == before
    assert not ChatMessage.objects.exists()


def test_text_stored_with_control_characters_does_not_break_the_xml_feeds(
    client, catalogue, gazetteer, new_api_client
):
    poster = new_api_client(Scope.OPEN311_POST, name="Poster").raw_key
    made = post_form(
        client,
        f"{O311}requests.json",
        {
            "api_key": poster,
            "service_code": "report-pothole",
            "lat": "51.545210",
            "long": "-0.478810",
            "description": "A pothole",
            "attribute[where_on_street]": "road",
            "attribute[size]": "small",
        },
    )
    case = Case.objects.get(reference=json.loads(made.content)[0]["service_request_id"])
    # As stored before control characters were refused.
    Case.objects.filter(pk=case.pk).update(
        answers={**case.answers, "location": {**case.answers["location"], "description": CONTROL}},
        location_description=CONTROL,
    )
    event = case_add_note(
        case=case, text="Crew sent", actor=StaffActor(_highways_officer(case)), public=True
    )
    CaseEvent.objects.filter(pk=event.pk).update(text="Crew\x1b sent")
    reader = new_api_client(Scope.CASES_READ, name="Reader").raw_key
    for params in ({}, {"api_key": reader}):
        listed = client.get(f"{O311}requests.xml", params)
        assert listed.status_code == 200
        text = ET.tostring(ET.fromstring(listed.content), encoding="unicode")  # noqa: S314
        assert "Rubbish by the gate" in text
        updates = client.get(f"{O311}servicerequestupdates.xml", params)
        assert updates.status_code == 200
        ET.fromstring(updates.content)  # noqa: S314 (well-formed, or it raises)
    with_text = client.get(f"{O311}servicerequestupdates.xml", {"api_key": reader})
    assert "Crew sent" in with_text.content.decode()
