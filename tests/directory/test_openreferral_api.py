"""The Open Referral UK API at /openreferral/: every response validated against the standard's
published JSON Schema (borough/directory/schema, copied with its licence)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from borough.core.actors import ResidentActor
from borough.directory import oruk
from borough.directory.services import proposal_create

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[2] / "borough" / "directory" / "schema"


def _schema(name: str) -> dict:
    return json.loads((SCHEMA / name).read_text(encoding="utf-8"))


REGISTRY = Registry().with_resources(
    (name, Resource(contents=_schema(name), specification=DRAFT202012))
    for name in ("taxonomy_term.json", "taxonomy.json", "service_list.json", "service.json")
)


def valid(document: dict, name: str) -> None:
    validator = Draft202012Validator(
        _schema(name), registry=REGISTRY, format_checker=FormatChecker()
    )
    problems = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not problems, problems


def valid_page(document: dict, item_schema: str) -> None:
    valid(document, "page.json")
    assert set(document) >= {
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    }
    for item in document["contents"]:
        valid(item, item_schema)


def test_services_pages_and_each_service_validate(directory, client):
    listing = client.get("/openreferral/services", {"per_page": 2}).json()
    valid_page(listing, "service_list.json")
    assert listing["total_items"] == 3 and listing["total_pages"] == 2 and listing["size"] == 2
    second = client.get("/openreferral/services", {"per_page": 2, "page": 2}).json()
    assert second["last_page"] and not second["first_page"] and second["size"] == 1
    full = client.get(f"/openreferral/services/{directory.parcels.pk}").json()
    valid(full, "service_list.json")
    # The whole nested service against the profile's compiled service.json (issue 26).
    valid(full, "service.json")
    for term in full["taxonomy_terms"]:
        valid(term, "taxonomy_term.json")
    assert full["schedules"][0]["byday"] == "MO,WE"
    assert full["cost_options"][0]["amount"] == 0
    assert full["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "UB8 1QB"
    with pytest.raises(AssertionError):  # the schema is really checked: a service needs a url
        valid({**full, "url": None, "status": "open"}, "service_list.json")


def test_every_service_validates_against_the_nested_schema(directory, client):
    """Every published service, with its schedules, cost options, locations and addresses,
    organisation and needs (as attributes), is a valid ``service.json`` document; and the
    nested parts are really checked: a schedule with an unknown frequency is refused."""
    for listed in client.get("/openreferral/services", {"per_page": 50}).json()["contents"]:
        full = client.get(f"/openreferral/services/{listed['id']}").json()
        valid(full, "service.json")
    full = client.get(f"/openreferral/services/{directory.parcels.pk}").json()
    assert full["attributes"] and full["attributes"][0]["taxonomy_term"]["taxonomy"]
    broken = json.loads(json.dumps(full))
    broken["schedules"][0]["freq"] = "FORTNIGHTLY"
    with pytest.raises(AssertionError):
        valid(broken, "service.json")
    del broken["schedules"]
    broken["service_at_locations"][0]["location"]["addresses"][0].pop("country")
    with pytest.raises(AssertionError):
        valid(broken, "service.json")


def test_search_and_need_filter(directory, client):
    found = client.get("/openreferral/services", {"search": "debt"}).json()
    assert [s["name"] for s in found["contents"]] == ["Debt advice"]
    by_term = client.get(
        "/openreferral/services", {"taxonomy_term_id": str(directory.food.pk)}
    ).json()
    assert {s["name"] for s in by_term["contents"]} == {
        "Emergency food parcels",
        "Community pantry",
    }


def test_taxonomies_and_terms_validate(directory, client):
    valid_page(client.get("/openreferral/taxonomies").json(), "taxonomy.json")
    valid(client.get(f"/openreferral/taxonomies/{oruk.TAXONOMY_ID}").json(), "taxonomy.json")
    terms = client.get("/openreferral/taxonomy_terms").json()
    valid_page(terms, "taxonomy_term.json")
    assert terms["total_items"] == 2
    valid(
        client.get(f"/openreferral/taxonomy_terms/{directory.food.pk}").json(), "taxonomy_term.json"
    )


def test_unapproved_changes_never_reach_the_api(directory, proposed, client):
    proposal_create(ResidentActor(user=directory.rep), directory.bank, proposed)
    names = [s["name"] for s in client.get("/openreferral/services").json()["contents"]]
    assert "Baby bank" not in names


def test_bad_requests_get_clear_errors(directory, client):
    assert client.get("/openreferral/services", {"page": "two"}).status_code == 400
    assert client.get("/openreferral/services", {"per_page": "0"}).status_code == 400
    missing = client.get("/openreferral/services/not-a-service")
    assert missing.status_code == 404 and "not-a-service" in missing.json()["message"]
    assert client.post("/openreferral/services").status_code == 405


@override_settings(BOROUGH_RATE_LIMITS={"openreferral-read": "2/m"})
def test_public_reads_are_rate_limited(directory, client):
    for _ in range(2):
        assert client.get("/openreferral/taxonomy_terms").status_code == 200
    refused = client.get("/openreferral/taxonomy_terms")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
