"""The committed OpenAPI file is the one the code generates, and it is a valid OpenAPI 3 file."""

from __future__ import annotations

import json

from django.core.management import call_command
from openapi_spec_validator import validate

from borough.api.management.commands.openapi import DEFAULT_PATH, openapi_document


def test_the_committed_file_matches_the_code_and_validates():
    committed = DEFAULT_PATH.read_text(encoding="utf-8")
    assert committed == openapi_document(), "run `make openapi` and commit docs/api/openapi.json"
    document = json.loads(committed)
    validate(document)
    assert document["openapi"].startswith("3.")
    create = document["paths"]["/api/v1/cases"]["post"]
    assert {"201", "413", "415", "422", "429"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    call_command("openapi", "--check")


def test_the_api_serves_its_openapi_file(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Borough API"
