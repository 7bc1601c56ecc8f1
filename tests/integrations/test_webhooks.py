"""Webhooks out: signed, in order per case, exactly once, retried with backoff, dead-lettered,
replayable. Time is passed in (``now``), never slept."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from borough.cases.models import Status
from borough.cases.workflow import case_add_note, case_assign, case_transition
from borough.core.actors import ResidentActor, StaffActor
from borough.integrations.models import Delivery, DeliveryAttempt, EventType
from borough.integrations.services import delivery_replay, subscription_create
from borough.integrations.webhooks import deliver_due, verify

ALL = list(EventType.values)


def _subscribe(admin, client, url, events=ALL):
    return subscription_create(
        client=client, target_url=url, event_types=events, actor=StaffActor(admin)
    )


def _sequence(bodies, reference):
    return [(b["sequence"], b["type"]) for b in bodies if b["case"]["reference"] == reference]


def test_events_are_signed_and_carry_public_fields_only(
    make_case, admin, api_client, receiver, waste_officer, committed
):
    new = _subscribe(admin, api_client, receiver.url + "/hook")
    with committed():
        case = make_case()
    with committed():
        case_transition(case=case, to_status=Status.IN_PROGRESS, actor=StaffActor(waste_officer))

    assert len(receiver.requests) == 2
    first = receiver.requests[0]
    header = first["headers"]["Borough-Signature"]
    timestamp = int(header.split(",")[0][2:])
    assert verify(new.secret, first["body"], header, now=timestamp)
    assert not verify("whsec_wrong", first["body"], header, now=timestamp)
    assert not verify(new.secret, first["body"] + b" ", header, now=timestamp)
    assert not verify(new.secret, first["body"], header, now=timestamp + 3600)  # stale
    created, moved = receiver.json_bodies()
    assert created["type"] == "case.created" and created["sequence"] == 1
    assert moved["type"] == "case.status_changed" and moved["sequence"] == 2
    assert moved["change"]["to_status"] == "in_progress"
    assert moved["case"]["status"] == "in_progress"
    assert created["case"]["reference"] == case.reference
    assert set(created) == {"id", "type", "occurred_at", "sequence", "case", "change"}
    # cases.read gives the place; no residents.read, so no personal answers (none asked here).
    assert created["case"]["location"]["uprn"] == case.property_id
    assert first["headers"]["Borough-Event-Id"] == created["id"]

    # Delivered is final: the periodic task never sends either again.
    Delivery.objects.update(next_attempt_at=timezone.now())
    deliver_due(now=timezone.now() + dt.timedelta(hours=1))
    assert len(receiver.requests) == 2


def test_personal_answers_and_place_need_scopes(
    catalogue, gazetteer, admin, new_api_client, receiver, committed
):
    from borough.cases.create import case_create
    from borough.core.channels import Channel

    public = new_api_client("open311.post", name="Public").client
    _subscribe(admin, public, receiver.url)
    service = catalogue["request-new-bin"]
    form = service.form
    with committed():
        case_create(
            actor=ResidentActor(),
            service=service,
            channel=Channel.WEB,
            answers={
                "address": 100021500001,
                "bin_type": form.by_id["bin_type"].options[0].value,
                "reason": form.by_id["reason"].options[0].value,
                "email": "sam@example.com",
            },
        )
    body = receiver.json_bodies()[0]
    assert "location" not in body["case"]
    assert "email" not in body["case"]["answers"]
    assert "sam@example.com" not in receiver.requests[0]["body"].decode()


def test_receiver_down_then_back_gets_every_event_once_in_order(
    make_case, admin, api_client, receiver, waste_officer, committed
):
    subscription = _subscribe(admin, api_client, receiver.url).subscription
    # Down: 503 for a while, then the connection is refused.
    receiver.answers = [(503, "down")] * 3
    with committed():
        first = make_case()
    with committed():
        second = make_case(uprn=100021500002)
    port = receiver.server.server_address[1]
    receiver.close()
    with committed():
        case_transition(case=first, to_status=Status.IN_PROGRESS, actor=StaffActor(waste_officer))
    with committed():
        case_assign(case=first, assignee=waste_officer, actor=StaffActor(waste_officer))
    with committed():
        case_transition(case=second, to_status=Status.IN_PROGRESS, actor=StaffActor(waste_officer))
    with committed():
        case_add_note(case=first, text="Crew sent", actor=StaffActor(waste_officer), public=True)
    statuses = dict(
        Delivery.objects.filter(subscription=subscription).values_list("status", "attempts")
    )
    assert set(statuses) == {"pending"}
    assert Delivery.objects.filter(subscription=subscription).count() == 6

    # The periodic task comes round while it is still down: retries back off, and the later
    # events of each case wait behind the first.
    now = timezone.now()
    for minutes in (2, 5, 11, 25):
        deliver_due(now=now + dt.timedelta(minutes=minutes))
    tried = Delivery.objects.filter(subscription=subscription, attempts__gt=0)
    assert {d.sequence for d in tried} == {1}  # only the head of each case was tried
    head = tried.get(case_id=first.pk)
    assert head.last_status_code is None and "No answer" in head.last_error
    assert head.next_attempt_at > now + dt.timedelta(minutes=25)

    # Back up, on the same port.
    revived = _receiver_on(port)
    try:
        deliver_due(now=now + dt.timedelta(hours=3))
        deliver_due(now=now + dt.timedelta(hours=3, minutes=1))  # nothing left to send twice
        bodies = revived.json_bodies()
    finally:
        revived.close()
    assert _sequence(bodies, first.reference) == [
        (1, "case.created"),
        (2, "case.status_changed"),
        (3, "case.updated"),
        (4, "case.updated"),
    ]
    assert _sequence(bodies, second.reference) == [(1, "case.created"), (2, "case.status_changed")]
    assert len({b["id"] for b in bodies}) == len(bodies) == 6
    assert set(
        Delivery.objects.filter(subscription=subscription).values_list("status", flat=True)
    ) == {"delivered"}


def _receiver_on(port: int):
    """A receiver listening on a port used before (the "same" system, back up)."""
    from http.server import ThreadingHTTPServer

    from .conftest import Receiver

    receiver = Receiver()
    handler = receiver.server.RequestHandlerClass
    receiver.close()
    receiver.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    import threading

    receiver.thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    receiver.thread.start()
    return receiver


def test_a_receiver_that_always_fails_ends_in_dead_letter_and_the_next_event_goes(
    make_case, admin, api_client, receiver, waste_officer, committed
):
    subscription = _subscribe(admin, api_client, receiver.url).subscription
    receiver.default = (500, "broken")
    with committed():
        case = make_case()
    with committed():
        case_transition(case=case, to_status=Status.IN_PROGRESS, actor=StaffActor(waste_officer))
    now = timezone.now()
    for hours in range(1, 27):
        deliver_due(now=now + dt.timedelta(hours=hours))
    head, follower = Delivery.objects.filter(subscription=subscription).order_by("sequence")
    assert head.status == Delivery.Status.DEAD
    assert head.attempts >= 2 and head.last_status_code == 500
    # Once the head is dead-lettered, the next event is no longer held back (it fails too).
    assert follower.attempts > 0
    assert follower.status in {Delivery.Status.PENDING, Delivery.Status.DEAD}

    # Replay after the receiver is fixed: delivered, recorded as a replay by the admin.
    receiver.default = (204, "")
    receiver.requests.clear()
    with committed():
        delivery_replay(delivery=head, actor=StaffActor(admin))
    head.refresh_from_db()
    assert head.status == Delivery.Status.DELIVERED
    assert receiver.requests[0]["headers"]["Borough-Replay"] == "1"
    assert json.loads(receiver.requests[0]["body"])["sequence"] == 1
    attempt = DeliveryAttempt.objects.filter(delivery=head, replay=True).get()
    assert attempt.actor == admin and attempt.status_code == 204


def test_a_claimed_delivery_is_left_alone_by_another_worker(
    make_case, admin, api_client, receiver, committed
):
    from borough.integrations.webhooks import _claim_head

    subscription = _subscribe(admin, api_client, receiver.url).subscription
    receiver.default = (503, "down")
    with committed():
        case = make_case()
    now = timezone.now() + dt.timedelta(minutes=5)
    claimed = _claim_head(subscription.pk, case.pk, now)
    assert claimed is not None
    assert _claim_head(subscription.pk, case.pk, now) is None  # a second worker gets nothing
    deliver_due(now=now)
    assert claimed.attempts == Delivery.objects.get(pk=claimed.pk).attempts


def test_paused_subscription_and_event_types(
    make_case, admin, api_client, receiver, waste_officer, committed
):
    from borough.integrations.services import subscription_set_active

    subscription = _subscribe(admin, api_client, receiver.url, events=[EventType.CASE_CLOSED])
    subscription = subscription.subscription
    subscription_set_active(subscription=subscription, active=False, actor=StaffActor(admin))
    with committed():
        paused = make_case()
    with committed():
        case_transition(case=paused, to_status=Status.IN_PROGRESS, actor=StaffActor(waste_officer))
    with committed():
        subscription_set_active(subscription=subscription, active=True, actor=StaffActor(admin))
    with committed():
        case = make_case(uprn=100021500002)
    with committed():
        case_transition(case=case, to_status=Status.IN_PROGRESS, actor=StaffActor(waste_officer))
    with committed():
        case_transition(
            case=case, to_status=Status.CLOSED, resolution="fixed", actor=StaffActor(waste_officer)
        )
    # Only the closing of the case made after the pause ended was sent.
    assert [(b["type"], b["case"]["reference"]) for b in receiver.json_bodies()] == [
        ("case.closed", case.reference)
    ]
