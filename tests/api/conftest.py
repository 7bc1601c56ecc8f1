"""Shared fixtures for the REST API v1 tests: clients with keys, and calls with a key."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from borough.cases.models import Case, CaseEvent
from borough.clients.models import IdempotentResponse, Scope
from borough.contacts.models import Contact

BASE = "/api/v1"
ALL_SCOPES = list(Scope.values)


@pytest.fixture
def make_key(new_api_client):
    """``make_key(*scopes, **options)``: a new client's raw key (every scope when none)."""
    return lambda *scopes, **options: new_api_client(*scopes, **options).raw_key


@pytest.fixture
def key(make_key):
    """A key with every scope."""
    return make_key(*ALL_SCOPES, name="Back office")


class Api:
    def __init__(self, client, key: str):
        self.client = client
        self.key = key

    def _headers(self, key, idempotency_key, extra):
        headers = dict(extra)
        if key or self.key:
            headers["Authorization"] = f"Bearer {key or self.key}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def get(self, path: str, params=None, *, key: str = "", **extra):
        return self.client.get(BASE + path, params or {}, headers=self._headers(key, "", extra))

    def post(
        self,
        path: str,
        body=None,
        *,
        key: str = "",
        idempotency_key: str = "",
        raw=None,
        content_type: str = "application/json",
        **extra,
    ):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(
            BASE + path,
            data,
            content_type=content_type,
            headers=self._headers(key, idempotency_key, extra),
        )


@pytest.fixture
def api(client, key):
    return Api(client, key)


@pytest.fixture
def missed_bin_body(missed_bin, gazetteer):
    return {
        "service": "report-missed-bin",
        "answers": {
            "address": 100021500001,
            "bin_type": missed_bin.form.by_id["bin_type"].options[0].value,
            "bin_out": "yes",
            "collection_date": dt.date.today().isoformat(),
        },
    }


@pytest.fixture
def own_case(api, missed_bin_body):
    """``own_case()``: a case the ``api`` client created (the only cases it may change)."""

    def make() -> Case:
        response = api.post("/cases", missed_bin_body)
        assert response.status_code == 201, response.content
        return Case.objects.get(reference=response.json()["reference"])

    return make


@pytest.fixture
def rows():
    """Counts of every table an API write touches, to show a refused call wrote nothing."""
    return lambda: (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Contact.objects.count(),
        IdempotentResponse.objects.count(),
    )


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]
