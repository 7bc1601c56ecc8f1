"""Idempotency-Key on every POST: replayed, refused when reused for another request, per
client, and forgotten after 24 hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.cases.models import Case, CaseEvent
from borough.clients.models import IdempotentResponse, Scope
from borough.clients.services import idempotent_responses_purge

from .conftest import Api, assert_error

pytestmark = pytest.mark.django_db


def test_the_same_key_and_body_replays_the_first_response_without_a_second_case(
    api, rows, missed_bin_body
):
    first = api.post("/cases", missed_bin_body, idempotency_key="3f1c-retry")
    after_first = rows()
    again = api.post("/cases", missed_bin_body, idempotency_key="3f1c-retry")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert rows() == after_first
    assert Case.objects.count() == 1


def test_notes_and_moves_are_idempotent_too(api, own_case):
    case = own_case()
    for _ in range(2):
        api.post(f"/cases/{case.reference}/notes", {"text": "Once"}, idempotency_key="note-1")
        api.post(
            f"/cases/{case.reference}/status", {"state": "in_progress"}, idempotency_key="move-1"
        )
    assert CaseEvent.objects.filter(case=case, kind="note").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="status_changed").count() == 1


def _keys_belong_to_one_client(client, make_key, missed_bin_body):
    one = Api(client, make_key(Scope.CASES_WRITE))
    two = Api(client, make_key(Scope.CASES_WRITE))
    a = one.post("/cases", missed_bin_body, idempotency_key="shared")
    b = two.post("/cases", missed_bin_body, idempotency_key="shared")
    assert a.status_code == b.status_code == 201
    assert a.json()["reference"] != b.json()["reference"]


def _a_refused_request_is_not_kept(api, missed_bin_body):
    bad = {**missed_bin_body, "answers": {**missed_bin_body["answers"], "bin_out": "maybe"}}
    assert_error(api.post("/cases", bad, idempotency_key="fix-me"), 422, "validation_failed")
    assert not IdempotentResponse.objects.exists()
    assert api.post("/cases", missed_bin_body, idempotency_key="fix-me").status_code == 201


def test_keys_are_forgotten_after_24_hours(api, missed_bin_body):
    api.post("/cases", missed_bin_body, idempotency_key="old")
    IdempotentResponse.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    again = api.post("/cases", missed_bin_body, idempotency_key="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Case.objects.count() == 2
    IdempotentResponse.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert idempotent_responses_purge() == 1


def _a_key_that_cannot_be_a_key_is_refused(api, rows, missed_bin_body):
    before = rows()
    assert_error(
        api.post("/cases", missed_bin_body, idempotency_key="x" * 256),
        400,
        "idempotency_key_invalid",
    )
    assert rows() == before


def test_keys_are_per_client_checked_and_only_kept_for_successes(
    client, make_key, api, rows, missed_bin_body
):
    _a_key_that_cannot_be_a_key_is_refused(api, rows, missed_bin_body)
    _a_refused_request_is_not_kept(api, missed_bin_body)
    _keys_belong_to_one_client(client, make_key, missed_bin_body)
