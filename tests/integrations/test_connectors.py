"""Connectors: new cases of a routed service go on to another system (JSON, email, Open311),
with retries; that system's status updates come back onto the case's timeline."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from borough.cases.models import Case, CaseEvent
from borough.core.actors import ResidentActor, StaffActor
from borough.integrations.connectors import handoffs_due
from borough.integrations.inbound import inbound_apply
from borough.integrations.models import Connector, Handoff, InboundUpdate
from borough.integrations.services import connector_create, route_set
from borough.integrations.webhooks import verify


def _json_connector(admin, url, **extra):
    return connector_create(
        name="Street works",
        kind=Connector.Kind.JSON,
        endpoint=url,
        credential="token-for-them",
        signing_secret="shared-secret",
        status_map="in hand = in_progress\ndone = closed:fixed\nrejected = closed:not_possible",
        actor=StaffActor(admin),
        **extra,
    )


def _notes(case):
    return list(case.events.filter(kind=CaseEvent.Kind.NOTE).values_list("text", flat=True))


def test_json_connector_sends_new_cases_and_keeps_their_id(
    make_case, missed_bin, admin, receiver, committed
):
    receiver.default = (201, {"id": "SW-1001"})
    new = _json_connector(admin, receiver.url + "/cases")
    route_set(service=missed_bin, connector=new.connector, actor=StaffActor(admin))
    with committed():
        case = make_case()

    sent = receiver.requests[0]
    assert sent["path"] == "/cases"
    assert sent["headers"]["Authorization"] == "Bearer token-for-them"
    signature = sent["headers"]["Borough-Signature"]
    assert verify("shared-secret", sent["body"], signature, now=int(timezone.now().timestamp()))
    body = json.loads(sent["body"])
    assert body["reference"] == case.reference
    assert body["case"]["answers"]["bin_type"] == case.answers["bin_type"]
    handoff = Handoff.objects.get(case=case)
    assert (handoff.status, handoff.external_id) == (Handoff.Status.SENT, "SW-1001")
    assert _notes(case) == ["Sent to Street works (their reference SW-1001)"]


def test_json_connector_retries_until_the_system_takes_the_case(
    make_case, missed_bin, admin, receiver, committed
):
    receiver.answers = [(503, "busy"), (500, "oops")]
    receiver.default = (200, {"id": "SW-7"})
    route_set(
        service=missed_bin,
        connector=_json_connector(admin, receiver.url).connector,
        actor=StaffActor(admin),
    )
    with committed():
        case = make_case()
    handoff = Handoff.objects.get(case=case)
    assert handoff.status == Handoff.Status.PENDING and handoff.attempts == 1
    assert "HTTP 503" in handoff.last_error
    # Borough's words, not the system's answer body ("busy"), go on the timeline (issue 16).
    assert _notes(case) == [
        "Could not send this case to Street works (HTTP 503 (Service Unavailable): the receiver "
        "had an error). Trying again automatically."
    ]
    now = timezone.now()
    assert handoffs_due(now=now + dt.timedelta(seconds=20)) == 0  # not due yet: nothing sent
    assert len(receiver.requests) == 1
    with committed():
        handoffs_due(now=now + dt.timedelta(minutes=2))
        handoffs_due(now=now + dt.timedelta(minutes=10))
    handoff.refresh_from_db()
    assert (handoff.status, handoff.external_id, handoff.attempts) == ("sent", "SW-7", 3)
    assert len(receiver.requests) == 3
    assert _notes(case)[-1] == "Sent to Street works (their reference SW-7)"


def test_a_system_that_never_takes_the_case_is_failed_and_shown(
    make_case, missed_bin, admin, receiver, committed
):
    receiver.default = (200, {"no": "id"})
    route_set(
        service=missed_bin,
        connector=_json_connector(admin, receiver.url).connector,
        actor=StaffActor(admin),
    )
    with committed():
        case = make_case()
    now = timezone.now()
    with committed():
        for hours in range(1, 26):
            handoffs_due(now=now + dt.timedelta(hours=hours))
    handoff = Handoff.objects.get(case=case)
    assert handoff.status == Handoff.Status.FAILED
    assert "did not answer with an id" in handoff.last_error
    assert _notes(case)[-1].startswith("Could not send this case to Street works; gave up")


def test_email_connector_sends_the_case_to_the_mailbox(make_case, missed_bin, admin, committed):
    new = connector_create(
        name="Waste back office",
        kind="email",
        email="waste.bo@council.example",
        actor=StaffActor(admin),
    )
    route_set(service=missed_bin, connector=new.connector, actor=StaffActor(admin))
    with committed():
        case = make_case()
    to_mailbox = [m for m in mail.outbox if m.to == ["waste.bo@council.example"]]
    assert len(to_mailbox) == 1
    assert case.reference in to_mailbox[0].subject and "UPRN: 100021500001" in to_mailbox[0].body
    assert Handoff.objects.get(case=case).external_id == case.reference


@pytest.fixture
def sent_case(make_case, missed_bin, admin, receiver, committed):
    receiver.default = (200, {"id": "SW-42"})
    new = _json_connector(admin, receiver.url)
    route_set(service=missed_bin, connector=new.connector, actor=StaffActor(admin))
    with committed():
        case = make_case()
    return case, new


def _inbound(token, body, slug="street-works"):
    return Client().post(
        f"/integrations/inbound/{slug}/",
        json.dumps(body) if not isinstance(body, bytes) else body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_inbound_status_update_lands_on_the_timeline_once(sent_case, committed):
    case, new = sent_case
    update = {
        "external_id": "SW-42",
        "status": "in hand",
        "description": "A crew is on the way",
        "updated_at": "2026-11-26T09:30:00Z",
    }
    with committed():
        response = _inbound(new.inbound_token, update)
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "applied"
    case.refresh_from_db()
    assert case.status == "in_progress"
    event = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGED)
    assert event.text == "A crew is on the way"
    assert event.data["source"]["connector"] == "street-works"

    again = _inbound(new.inbound_token, update)
    assert again.json()["outcome"] == "duplicate"
    assert case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).count() == 1

    # Only the connector's own token, at its own address, and only POST.
    assert _inbound("bcin_wrong", {**update, "status": "done"}).status_code == 401
    assert _inbound(new.inbound_token, update, slug="someone-else").status_code == 401
    assert Client().get("/integrations/inbound/street-works/").status_code == 405

    with committed():
        done = _inbound(new.inbound_token, {**update, "status": "done", "updated_at": ""})
    assert done.json()["outcome"] == "applied"
    case.refresh_from_db()
    assert (case.status, case.resolution) == ("closed", "fixed")
    # A move the workflow does not allow is a conflict, and changes nothing.
    refused = _inbound(new.inbound_token, {"external_id": "SW-42", "status": "rejected"})
    assert refused.status_code == 409
    case.refresh_from_db()
    assert case.resolution == "fixed"


BAD_UPDATES = [
    ({"external_id": "NOPE", "status": "done"}, 404, "not a case sent"),
    ({"external_id": "SW-42", "status": "teleported"}, 400, "is not known"),
    ({"external_id": "SW-42"}, 400, "Send a status, a description"),
    ({"external_id": "SW-42", "status": "done", "updated_at": "yesterday"}, 400, "updated_at"),
    ({"external_id": "SW-42", "status": ["done"]}, 400, "status must be a string"),
    (b"{not json", 400, "must be JSON"),
    ([1, 2], 400, "JSON object"),
    ({"external_id": "SW-42", "status": "done", "description": "x\x1b"}, 400, "control char"),
]


def test_bad_inbound_updates_are_refused_and_write_nothing(sent_case):
    case, new = sent_case
    case.refresh_from_db()
    before = (CaseEvent.objects.count(), InboundUpdate.objects.count(), case.version)
    for body, status, words in BAD_UPDATES:
        response = _inbound(new.inbound_token, body)
        assert response.status_code == status, body
        assert words in response.json()["error"]["message"]
    big = {"external_id": "SW-42", "status": "done", "description": "x" * 70_000}
    assert _inbound(new.inbound_token, big).status_code == 413
    case.refresh_from_db()
    assert (CaseEvent.objects.count(), InboundUpdate.objects.count(), case.version) == before
    assert case.status == "new"


def test_control_characters_in_a_polled_update_are_taken_out(sent_case, committed):
    """Issue 16: what a polled system's feed holds is not refused (the update would be lost),
    but its control characters never reach the timeline."""
    case, new = sent_case
    with committed():
        inbound_apply(
            connector=new.connector,
            external_id="SW-42",
            status="in hand",
            description="Crew\x1b[31m sent\x00",
        )
    assert case.events.get(kind=CaseEvent.Kind.STATUS_CHANGED).text == "Crew[31m sent"


@pytest.mark.django_db(transaction=True)
def test_open311_round_trip_with_borough_as_the_other_system(
    live_server, catalogue, gazetteer, admin, new_api_client, waste_officer
):
    """Litter reports are sent on to another Open311 endpoint (here Borough's own, served by
    the live server) as damaged-pavement reports; that system's updates, read back from its
    servicerequestupdates, move the litter report along its own workflow."""
    from borough.accounts.models import Team
    from borough.cases.create import case_create
    from borough.cases.workflow import case_transition
    from borough.integrations.inbound import open311_poll

    # Reading the text of its updates back needs cases.read (issue 16).
    key = new_api_client("open311.post", "cases.read", name="Us, elsewhere").raw_key
    connector = connector_create(
        name="Highways",
        kind="open311",
        endpoint=live_server.url + "/open311/v2/",
        credential=key,
        actor=StaffActor(admin),
    ).connector
    litter, pavement = (
        catalogue["report-litter"],
        catalogue["report-pavement"] if False else (catalogue["report-damaged-pavement"]),
    )
    route_set(
        service=litter,
        connector=connector,
        actor=StaffActor(admin),
        remote_service_code=pavement.slug,
        fixed_attributes="problem = hole",
    )
    case = case_create(
        actor=ResidentActor(),
        service=litter,
        channel="web",
        answers={
            "location": {"uprn": 100021500001, "description": "By the postbox"},
            "problem": "litter",
            "details": "Bags of rubbish by the postbox",
        },
    )
    handoff = Handoff.objects.get(case=case)
    assert handoff.status == Handoff.Status.SENT, handoff.last_error
    remote = Case.objects.get(reference=handoff.external_id)
    assert remote.service == pavement and remote.answers["problem"] == "hole"
    assert remote.answers["details"] == "Bags of rubbish by the postbox"
    assert remote.property_id == 100021500001

    highways = Team.objects.get(pk=pavement.team_id)
    officer = waste_officer
    officer.memberships.create(team=highways, role="officer")
    start = timezone.now() - dt.timedelta(minutes=1)
    connector.polled_until = start
    connector.save(update_fields=["polled_until"])
    case_transition(
        case=remote, to_state="investigating", actor=StaffActor(officer), note="Inspector sent"
    )
    assert open311_poll(connector=connector, now=timezone.now() + dt.timedelta(seconds=1)) == 1
    case.refresh_from_db()
    assert (case.state, case.status) == ("action_scheduled", "in_progress")
    remote.refresh_from_db()
    case_transition(case=remote, to_state="action_scheduled", actor=StaffActor(officer))
    remote.refresh_from_db()
    case_transition(
        case=remote, to_state="fixed", actor=StaffActor(officer), note="Cleared and repaired"
    )
    open311_poll(connector=connector, now=timezone.now() + dt.timedelta(seconds=2))
    case.refresh_from_db()
    assert (case.state, case.status, case.resolution) == ("fixed", "closed", "fixed")
    closing = case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).last()
    assert closing.text == "Cleared and repaired"
    # Polling again changes nothing.
    events = case.events.count()
    connector.refresh_from_db()
    connector.polled_until = start
    connector.save(update_fields=["polled_until"])
    assert open311_poll(connector=connector, now=timezone.now() + dt.timedelta(seconds=3)) == 0
    assert case.events.count() == events


def test_open311_connector_without_service_request_updates_reads_requests(
    make_case, missed_bin, admin, receiver, committed
):
    """A plain GeoReport v2 server: the case is posted form-encoded with attribute[...], and
    its status is read back from requests.json when servicerequestupdates is not offered."""
    from urllib.parse import parse_qs

    from borough.integrations.inbound import open311_poll

    connector = connector_create(
        name="Waste contractor",
        kind="open311",
        endpoint=receiver.url + "/georeport/v2",
        credential="their-key",
        actor=StaffActor(admin),
    ).connector
    route_set(
        service=missed_bin, connector=connector, actor=StaffActor(admin), remote_service_code="MB1"
    )
    receiver.answers = [(200, [{"service_request_id": "WC-9", "service_notice": ""}])]
    with committed():
        case = make_case()
    posted = receiver.requests[0]
    assert posted["path"] == "/georeport/v2/requests.json"
    assert posted["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    fields = parse_qs(posted["body"].decode())
    assert fields["api_key"] == ["their-key"] and fields["service_code"] == ["MB1"]
    assert fields["attribute[bin_type]"] == [case.answers["bin_type"]]
    assert fields["address_id"] == ["100021500001"] and "lat" in fields
    assert Handoff.objects.get(case=case).external_id == "WC-9"

    receiver.answers = [
        (404, "no such resource"),
        (
            200,
            [
                {
                    "service_request_id": "WC-9",
                    "status": "open",
                    "updated_datetime": "2026-11-26T09:00:00Z",
                }
            ],
        ),
        (404, "no such resource"),
        (
            200,
            [
                {
                    "service_request_id": "WC-9",
                    "status": "closed",
                    "status_notes": "Collected",
                    "updated_datetime": "2026-11-26T10:00:00Z",
                }
            ],
        ),
        (404, "no such resource"),
    ]
    with committed():
        assert open311_poll(connector=connector) == 0  # still open: nothing to change
        assert open311_poll(connector=connector) == 1
        assert open311_poll(connector=connector) == 0  # closed here: no longer asked about
    paths = [r["path"].split("?")[0] for r in receiver.requests[1:]]
    assert paths == [
        "/georeport/v2/servicerequestupdates.json",
        "/georeport/v2/requests.json",
    ] * 2 + ["/georeport/v2/servicerequestupdates.json"]
    assert "service_request_id=WC-9" in receiver.requests[-2]["path"]
    case.refresh_from_db()
    assert (case.state, case.status) == ("fixed", "closed")
    assert case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).get().text == "Collected"
