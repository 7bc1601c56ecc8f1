"""Open311 test helpers: an API client with a key, and the schemas to validate against."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET  # noqa: S405 (parsing our own responses)

import pytest
from jsonschema import Draft4Validator, Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from borough.cases.models import Case, CaseEvent
from borough.clients.models import Scope

SCHEMAS = Path(__file__).parent.parent / "data" / "open311"
LISTS = {
    "services",
    "attributes",
    "values",
    "groups",
    "service_requests",
    "service_request_updates",
    "errors",
    "endpoints",
    "formats",
}
NUMBERS = {"lat", "long", "order"}


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


_REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(_schema(name), default_specification=DRAFT7))
    for name in ("request.json", "service.json")
)
VALIDATORS = {
    name: Draft7Validator(_schema(name), registry=_REGISTRY)
    for name in ("services.json", "service-definition.json", "requests.json")
}
# What POST requests and GET tokens answer is described only in the Swagger file.
_SWAGGER_DEFINITIONS = _schema("swagger.json")["definitions"]
for _name, _definition in (("post", "RequestResponse"), ("token", "TokenResponse")):
    VALIDATORS[f"swagger:{_name}"] = Draft4Validator(
        {
            "type": "array",
            "items": {"$ref": f"#/definitions/{_definition}"},
            "definitions": _SWAGGER_DEFINITIONS,
        }
    )


def xml_to_spark(element: ET.Element):
    """The JSON the Spark convention makes of an Open311 XML element."""
    if element.tag in LISTS:
        return [xml_to_spark(child) for child in element]
    if len(element):
        return {child.tag: xml_to_spark(child) for child in element}
    text = element.text
    if text is None:
        return None
    if text in {"true", "false"}:
        return text == "true"
    if element.tag in NUMBERS:
        return float(text) if "." in text else int(text)
    return text


def assert_valid(schema: str, document) -> None:
    errors = sorted(VALIDATORS[schema].iter_errors(document), key=str)
    assert not errors, [e.message for e in errors]


def parse_xml(response, root: str) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    element = ET.fromstring(response.content)  # noqa: S314
    assert element.tag == root
    return element


def parse_json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


@pytest.fixture
def fms_key(new_api_client):
    """The key of a FixMyStreet-like client that may post requests and updates, status changes
    included."""
    return new_api_client(Scope.OPEN311_POST, Scope.OPEN311_STATUS, name="FixMyStreet").raw_key


@pytest.fixture
def reader_key(new_api_client):
    return new_api_client(Scope.CASES_READ, name="Back office").raw_key


@pytest.fixture
def counts():
    """The numbers of cases and timeline events, to show a refused call wrote nothing."""
    return lambda: (Case.objects.count(), CaseEvent.objects.count())


def form_post(client, url: str, fields: dict | list, **extra):
    """POST form-encoded, as the specification says and FixMyStreet does."""
    from urllib.parse import urlencode

    return client.post(
        url,
        urlencode(fields, doseq=True),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


POTHOLE = {
    "service_code": "report-pothole",
    "lat": "51.545210",
    "long": "-0.478810",
    "description": "A deep pothole by the bus stop",
    "email": "pat.reporter@example.com",
    "first_name": "Pat",
    "last_name": "Reporter",
    "attribute[where_on_street]": "road",
    "attribute[size]": "small",
}


@pytest.fixture
def pothole_fields(catalogue, gazetteer, fms_key):
    """A valid pothole report at Acacia Avenue, as a client would post it."""
    size = catalogue["report-pothole"].form.by_id["size"].options[0].value
    return {**POTHOLE, "attribute[size]": size, "api_key": fms_key}
