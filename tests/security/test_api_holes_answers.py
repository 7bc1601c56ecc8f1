"""Issue 16, hole 5: an answer of the wrong kind of value (an object for an option, a list for
text, a number for a name, nested junk) is a 400 in each API's own error document, for every
question of every service in the catalogue, and nothing is written. Before, a selection answered
with a JSON object was a 500."""

from __future__ import annotations

import json

import pytest

from borough.cases.models import Case, CaseEvent
from borough.catalogue.models import Service
from borough.clients.models import IdempotentResponse, Scope
from borough.contacts.models import Contact

pytestmark = pytest.mark.django_db

# Values no question takes, whatever its kind.
JUNK = [
    {"value": {"nested": ["junk"]}},
    [["a", "b"]],
    [{"value": "yes"}],
    {"uprn": {"$gt": 0}},
]
# Values only some kinds take: a number or true where text or an option is asked for, a list
# where one option is, an object where text is.
WRONG_FOR = {
    "text": [42, True, ["text"], {"text": "x"}],
    "email": [42, ["a@example.com"]],
    "phone": [7700900123, ["07700 900123"]],
    "name": [7, ["Ann"]],
    "selection": [1, True, {"key": "yes"}],
    "number": [True, ["3"], {"n": 3}],
    "date": [20261105, ["2026-11-05"], {"day": ["1"], "month": "1", "year": "2026"}],
    "address": [True, [100021500001], {"postcode": "X"}],
    "location": [True, ["uprn"], {"usrn": [1], "description": "x"}],
}


def _rows():
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Contact.objects.count(),
        IdempotentResponse.objects.count(),
    )


def _cases(catalogue):
    for service in Service.objects.filter(is_online=True).order_by("slug"):
        for question in service.form.questions:
            if question.type == "file":
                continue  # uploads are another helper's (holes 3 and 9)
            for value in [*JUNK, *WRONG_FOR[question.type]]:
                if question.type == "selection" and question.multiple and isinstance(value, list):
                    continue  # a list is right for a multiple choice; its items are checked
                yield service, question, value


def test_malformed_answers_are_400s_over_rest(client, catalogue, gazetteer, new_api_client):
    key = new_api_client(Scope.CASES_WRITE, name="Fuzzer", rate_limit="100000/m").raw_key
    before = _rows()
    tried = 0
    for service, question, value in _cases(catalogue):
        response = client.post(
            "/api/v1/cases",
            json.dumps({"service": service.slug, "answers": {question.id: value}}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )
        where = f"{service.slug}.{question.id} = {value!r}"
        assert response.status_code == 400, (where, response.content)
        error = response.json()["error"]
        assert error["code"] == "bad_request", where
        assert error["details"] == [
            {"field": f"answers.{question.id}", "message": error["details"][0]["message"]}
        ], where
        tried += 1
    assert tried > 300
    assert _rows() == before


def test_malformed_answers_are_400s_over_open311(client, catalogue, gazetteer, new_api_client):
    key = new_api_client(Scope.OPEN311_POST, name="Fuzzer", rate_limit="100000/m").raw_key
    before = _rows()
    tried = 0
    for service, question, value in _cases(catalogue):
        if question.case_location or question.type in {"email", "name", "phone"}:
            continue  # sent as Open311's own fields, which are text by construction
        body = {
            "api_key": key,
            "service_code": service.slug,
            "address_id": "100021500001",
            "lat": "51.545210",
            "long": "-0.478810",
            "attribute": {question.id: value},
        }
        response = client.post(
            "/open311/v2/requests.json", json.dumps(body), content_type="application/json"
        )
        where = f"{service.slug}.{question.id} = {value!r}"
        if response.status_code == 404:  # a service Open311 does not offer (a required upload)
            continue
        assert response.status_code == 400, (where, response.content)
        document = json.loads(response.content)
        assert document[0]["code"] == 400 and document[0]["description"], where
        tried += 1
    assert tried > 100
    assert _rows() == before
