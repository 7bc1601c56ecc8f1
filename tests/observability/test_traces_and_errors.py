"""Traces and error reports carry no personal data (issue 24): a request's span is named by
its URL pattern, its path, query and client address are taken off, queries are spans with
their SQL but never their parameters; log lines carry the trace id; Sentry is off without a
DSN and scrubs what it sends."""

from __future__ import annotations

import logging

import pytest
from opentelemetry.instrumentation.django.middleware.otel_middleware import _DjangoMiddleware
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from borough.observability import errors, telemetry
from borough.observability.logging import TraceContextFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def spans(monkeypatch):
    """Every span a request makes, recorded (production samples; the tests record none)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    monkeypatch.setattr(_DjangoMiddleware, "_tracer", tracer)
    monkeypatch.setattr(telemetry, "tracer", lambda: tracer)
    return exporter


def test_a_request_is_a_trace_without_its_path_or_address(client, catalogue, spans):
    response = client.get(
        "/open311/v2/requests.json?service_request_id=BO-SECRET1", REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 200
    finished = spans.get_finished_spans()
    request = next(s for s in finished if s.kind.name == "SERVER")
    assert request.attributes["http.route"] == "open311/v2/requests.<str:fmt>"
    text = repr(dict(request.attributes)) + request.name
    assert "BO-SECRET1" not in text
    assert "198.51.100.7" not in text
    queries = [s for s in finished if s.name.startswith("db ")]
    assert queries, "the queries are spans of the request"
    assert all(q.parent.span_id == request.context.span_id for q in queries)
    assert any("cases_case" in q.attributes["db.statement"] for q in queries)
    # The SQL is parameterised: the reference asked for is never in a span.
    assert not any("BO-SECRET1" in q.attributes["db.statement"] for q in queries)


def test_log_lines_carry_the_trace_id(spans):
    record = logging.LogRecord("borough", logging.INFO, __file__, 1, "hello", None, None)
    with telemetry.tracer().start_as_current_span("work") as span:
        TraceContextFilter().filter(record)
    assert record.trace_id == format(span.get_span_context().trace_id, "032x")
    outside = logging.LogRecord("borough", logging.INFO, __file__, 1, "hello", None, None)
    TraceContextFilter().filter(outside)
    assert outside.trace_id == ""


def test_sentry_is_off_without_a_dsn(settings, monkeypatch):
    started = []
    monkeypatch.setattr(errors.sentry_sdk, "init", lambda **options: started.append(options))
    settings.SENTRY_DSN = ""
    assert errors.sentry_start() is False
    settings.SENTRY_DSN = "https://key@errors.council.example/3"
    assert errors.sentry_start() is True
    (options,) = started
    collected = options["data_collection"]
    assert collected["user_info"] is False
    assert collected["stack_frame_variables"] is False
    assert collected["http_bodies"] == []
    assert collected["cookies"] == {"mode": "off"}
    assert options["before_send"] is errors.scrub_event


def test_sentry_events_are_scrubbed_of_personal_data():
    event = {
        "request": {
            "method": "POST",
            "url": "https://council.example/track/BO-ABC123/token/",
            "query_string": "postcode=UB8+1AA",
            "data": {"email": "pat@example.com"},
            "cookies": {"borough_session": "s3cret"},
            "headers": {"Authorization": "Bearer k", "Content-Type": "text/html"},
            "env": {"REMOTE_ADDR": "198.51.100.7"},
        },
        "user": {"id": "42", "email": "pat@example.com", "ip_address": "198.51.100.7"},
        "extra": {"answers": {"details": "my neighbour at 3 Elm Road"}},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "No resident pat@example.com at UB8 1AA, phone 07700 900123",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"email": "x@y.z"}}]},
                }
            ]
        },
        "logentry": {"message": "Sent to %s", "params": ["pat@example.com"]},
        "breadcrumbs": {"values": [{"message": "to pat@example.com", "data": {"to": "p"}}]},
    }
    scrubbed = repr(errors.scrub_event(event, {}))
    for personal in ("pat@example.com", "UB8 1AA", "07700 900123", "s3cret", "Bearer k"):
        assert personal not in scrubbed
    for personal in ("198.51.100.7", "BO-ABC123", "Elm Road", "x@y.z"):
        assert personal not in scrubbed
    assert event["user"] == {"id": "42"}
    assert event["request"]["method"] == "POST"
    assert "ValueError" in scrubbed and "[email]" in scrubbed and "[postcode]" in scrubbed
