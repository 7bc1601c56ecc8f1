"""schemathesis against the committed OpenAPI file: generated requests to every operation,
valid and invalid, sent with a key holding every scope, never get a server error, and every
response fits the file (status code, content type and body schema).

Bounded for CI: one test (one database set-up), a few examples per operation and mode, no
shrinking, derandomised so a run is repeatable.
"""

from __future__ import annotations

from pathlib import Path

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"
EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_generated_requests_get_no_server_error_and_fit_the_schema(
    catalogue, gazetteer, make_case, make_key
):
    case_ = make_case()
    key = make_key(name="Fuzzer", rate_limit="100000/m")
    app = WSGIHandler()
    # As Django's test client does: the requests share the test's connection and transaction,
    # so the end of a request must not close it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        sent = _fuzz(app, key, case_.reference)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert sent >= 12 * 2


def _fuzz(app, key: str, reference: str) -> int:
    schema = schemathesis.openapi.from_path(OPENAPI)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    sent = 0
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                suppress_health_check=list(hypothesis.HealthCheck),
            )
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                nonlocal sent
                # Some requests name the case that exists, so reads and writes of a real case
                # are exercised as well as the not-found answers.
                if case.path_parameters and "reference" in case.path_parameters and sent % 2:
                    case.path_parameters["reference"] = reference
                case.call_and_validate(
                    app=app,
                    base_url="http://testserver",
                    headers={"Authorization": f"Bearer {key}"},
                    checks=CHECKS,
                )
                sent += 1

            call()
    return sent
