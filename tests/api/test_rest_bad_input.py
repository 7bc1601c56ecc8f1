"""REST API v1 bad input: each gets its status, the one error envelope, and writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from borough.clients.models import ApiClient, IdempotentResponse, Scope
from borough.clients.services import api_client_deactivate
from borough.core.actors import StaffActor

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def _malformed_json(api, rows, missed_bin_body):
    before = rows()
    body = json.dumps(missed_bin_body)[:-3]
    error = assert_error(api.post("/cases", raw=body), 400, "malformed_json")
    assert "not well-formed JSON" in error["message"]
    assert rows() == before


def _unknown_service(api, rows, missed_bin_body):
    before = rows()
    error = assert_error(
        api.post("/cases", {**missed_bin_body, "service": "report-dragon"}),
        422,
        "validation_failed",
    )
    assert error["details"] == [
        {"field": "service", "message": "There is no service 'report-dragon'"}
    ]
    assert rows() == before


def _missing_answers(api, rows, missed_bin_body):
    before = rows()
    answers = dict(missed_bin_body["answers"])
    del answers["bin_out"]
    error = assert_error(
        api.post("/cases", {**missed_bin_body, "answers": answers}), 422, "validation_failed"
    )
    assert [d["field"] for d in error["details"]] == ["answers.bin_out"]
    missing_body = assert_error(api.post("/cases", {"answers": {}}), 422, "validation_failed")
    assert "service" in {d["field"] for d in missing_body["details"]}
    assert rows() == before


def _wrong_datatypes(api, rows, missed_bin_body):
    before = rows()
    for body, field in (
        ({**missed_bin_body, "answers": ["not", "a", "mapping"]}, "answers"),
        ({**missed_bin_body, "latitude": "north", "longitude": 1}, "latitude"),
        (
            {**missed_bin_body, "answers": {**missed_bin_body["answers"], "address": "the corner"}},
            "answers.address",
        ),
        ([1, 2, 3], "body"),
    ):
        error = assert_error(api.post("/cases", body), 422, "validation_failed")
        assert field in {d["field"] for d in error["details"]}, error
    assert rows() == before


def _out_of_range_dates(api, rows, missed_bin_body):
    before = rows()
    for day in (dt.date.today() + dt.timedelta(days=3), dt.date.today() - dt.timedelta(days=60)):
        answers = {**missed_bin_body["answers"], "collection_date": day.isoformat()}
        error = assert_error(
            api.post("/cases", {**missed_bin_body, "answers": answers}), 422, "validation_failed"
        )
        assert error["details"][0]["field"] == "answers.collection_date"
    bad_date = {**missed_bin_body["answers"], "collection_date": "2026-02-30"}
    assert_error(
        api.post("/cases", {**missed_bin_body, "answers": bad_date}), 422, "validation_failed"
    )
    assert_error(
        api.post("/cases", {**missed_bin_body, "latitude": 91, "longitude": 0}),
        422,
        "validation_failed",
    )
    assert_error(api.get("/cases", {"updated_since": "yesterday"}), 422, "validation_failed")
    assert_error(
        api.get("/cases", {"updated_since": "2026-11-25T09:00:00"}), 422, "validation_failed"
    )
    assert rows() == before


def _ten_megabytes(api, rows, missed_bin_body):
    before = rows()
    huge = json.dumps({**missed_bin_body, "padding": "x" * (10 * 1024 * 1024)})
    error = assert_error(
        api.post("/cases", raw=huge, idempotency_key="big-1"), 413, "payload_too_large"
    )
    assert "bytes" in error["message"]
    assert rows() == before


def _not_json(api, rows):
    before = rows()
    response = api.post(
        "/cases", raw="service=report-missed-bin", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415, "unsupported_media_type")
    assert rows() == before


def _unknown_addresses_and_methods(api):
    assert_error(api.get("/nothing-here"), 404, "not_found")
    assert_error(api.get("/cases/NOPE-0000"), 404, "not_found")
    response = api.client.delete("/api/v1/cases", headers={"Authorization": f"Bearer {api.key}"})
    assert_error(response, 405, "method_not_allowed")


def test_missing_wrong_expired_and_revoked_keys(client, make_key, admin, rows, missed_bin_body):
    from .conftest import Api

    before = rows()
    expired = make_key(Scope.CASES_WRITE, expires_on=dt.date.today() + dt.timedelta(days=1))
    ApiClient.objects.filter(key_prefix=expired[:12]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    revoked = make_key(Scope.CASES_WRITE)
    api_client_deactivate(
        client=ApiClient.objects.get(key_prefix=revoked[:12]), actor=StaffActor(admin)
    )
    anonymous = client.post(
        "/api/v1/cases", json.dumps(missed_bin_body), content_type="application/json"
    )
    assert_error(anonymous, 401, "authentication_failed")
    assert anonymous["WWW-Authenticate"] == "Bearer"
    for key, words in ((expired, "expired"), (revoked, "deactivated"), ("brgh_wrong", "not valid")):
        error = assert_error(
            Api(client, key).post("/cases", missed_bin_body), 401, "authentication_failed"
        )
        assert words in error["message"]
    assert rows() == before


def _a_key_without_the_scope_is_forbidden(client, make_key, rows, missed_bin_body):
    from .conftest import Api

    before = rows()
    reader = Api(client, make_key(Scope.CASES_READ))
    error = assert_error(reader.post("/cases", missed_bin_body), 403, "scope_missing")
    assert "cases.write" in error["message"]
    assert_error(reader.get("/residents/1"), 403, "scope_missing")
    assert_error(reader.get("/contacts"), 403, "scope_missing")
    assert reader.get("/cases").status_code == 200
    assert rows() == before


def _each_client_has_its_own_rate_limit(client, make_key):
    from .conftest import Api

    slow = Api(client, make_key(Scope.CASES_READ, rate_limit="2/m"))
    other = Api(client, make_key(Scope.CASES_READ))
    assert [slow.get("/services").status_code for _ in range(2)] == [200, 200]
    limited = slow.get("/services")
    assert_error(limited, 429, "rate_limited")
    assert 0 < int(limited["Retry-After"]) <= 60
    assert other.get("/services").status_code == 200


def test_a_replayed_idempotency_key_with_a_different_body_is_refused(api, rows, missed_bin_body):
    first = api.post("/cases", missed_bin_body, idempotency_key="order-7")
    assert first.status_code == 201
    before = rows()
    changed = {**missed_bin_body, "answers": {**missed_bin_body["answers"], "details": "Again"}}
    error = assert_error(
        api.post("/cases", changed, idempotency_key="order-7"), 422, "idempotency_key_reused"
    )
    assert "different request" in error["message"]
    assert rows() == before
    assert IdempotentResponse.objects.count() == 1


def test_bodies_that_cannot_be_read_are_refused_before_anything_is_parsed(
    api, rows, missed_bin_body
):
    """Malformed JSON (400), 10 MB (413), not JSON at all (415): nothing written."""
    _malformed_json(api, rows, missed_bin_body)
    _ten_megabytes(api, rows, missed_bin_body)
    _not_json(api, rows)


def test_answers_that_do_not_fit_the_form_are_listed_by_field(api, rows, missed_bin_body):
    """Unknown service, missing answers, wrong datatypes, out-of-range dates (422)."""
    _unknown_service(api, rows, missed_bin_body)
    _missing_answers(api, rows, missed_bin_body)
    _wrong_datatypes(api, rows, missed_bin_body)
    _out_of_range_dates(api, rows, missed_bin_body)


def test_scopes_rate_limits_and_unknown_addresses_answer_in_the_envelope(
    client, api, make_key, rows, missed_bin_body
):
    """403 without the scope, 429 with Retry-After over the client's own rate, 404 and 405."""
    _a_key_without_the_scope_is_forbidden(client, make_key, rows, missed_bin_body)
    _each_client_has_its_own_rate_limit(client, make_key)
    _unknown_addresses_and_methods(api)
