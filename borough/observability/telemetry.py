"""OpenTelemetry traces and metrics for Borough (issue 24; ADR "observability").

- Requests: opentelemetry-instrumentation-django, a span per request named by its URL
  pattern and the ``http.server.request.duration`` histogram by route, method and status.
  Paths, query strings, client addresses and user agents are taken off spans (they can name
  residents); the route says which page it was.
- Database queries: every query is timed into ``borough.db.query.duration`` (by operation)
  and, inside a recorded trace, is a span with its SQL (parameters are never recorded).
- Borough's own gauges (task queue, payments, messages, chats): ``gauges.py``.

Metrics are read by Prometheus at ``/metrics`` (``views.py``); traces go where
``BOROUGH_TRACES_EXPORTER`` says: ``none`` (the default: trace ids still join each request's
log lines), ``console`` (JSON on stderr) or ``otlp`` (an OpenTelemetry collector, with the
``otlp`` extra installed).
"""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.signals import connection_created
from opentelemetry import metrics, trace
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, TraceIdRatioBased

SERVICE_NAME = "borough"
# Request attributes that may name a resident: the path (references, tokens), the query
# (postcodes, search words), the client's address and user agent.
REDACTED_ATTRIBUTES = (
    "http.target",
    "http.url",
    "url.full",
    "url.path",
    "url.query",
    "net.peer.ip",
    "net.sock.peer.addr",
    "client.address",
    "http.client_ip",
    "http.user_agent",
    "user_agent.original",
)
SQL_OPERATIONS = {"SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "SAVEPOINT"}

_state: dict[str, object] = {}


def tracer() -> trace.Tracer:
    return trace.get_tracer("borough")


def meter() -> metrics.Meter:
    return metrics.get_meter("borough")


def _span_exporter(name: str) -> SpanExporter | None:
    if name == "none":
        return None
    if name == "console":
        return ConsoleSpanExporter()
    if name == "otlp":
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
                OTLPSpanExporter,
            )
        except ImportError:
            raise ImproperlyConfigured(
                "BOROUGH_TRACES_EXPORTER=otlp needs the OTLP exporter: "
                "pip install 'borough[otlp]' (opentelemetry-exporter-otlp-proto-http)"
            ) from None
        # Where to: OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS), as every OTLP exporter reads.
        return OTLPSpanExporter()
    raise ImproperlyConfigured(
        f"BOROUGH_TRACES_EXPORTER must be none, console or otlp, not {name!r}"
    )


def _request_hook(span, request) -> None:
    _redact(span)


def _response_hook(span, request, response) -> None:
    _redact(span)
    match = getattr(request, "resolver_match", None)
    if match is not None and span.is_recording():
        span.set_attribute("http.route", match.route or "")


def _redact(span) -> None:
    if not span.is_recording():
        return
    attributes = getattr(span, "attributes", None) or {}
    for name in REDACTED_ATTRIBUTES:
        if name in attributes:
            span.set_attribute(name, "[redacted]")


def _operation(sql: str) -> str:
    word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return word if word in SQL_OPERATIONS else "OTHER"


class QueryTimer:
    """A Django execute wrapper: times every query, and traces it inside a recorded trace."""

    def __init__(self) -> None:
        self.duration = meter().create_histogram(
            "borough.db.query.duration",
            unit="s",
            description="Time each database query took, by SQL operation",
        )

    def __call__(self, execute, sql, params, many, context):
        operation = _operation(sql)
        attributes = {"db.operation": operation}
        started = time.perf_counter()
        if trace.get_current_span().is_recording():
            vendor = context["connection"].vendor
            with tracer().start_as_current_span(
                f"db {operation}",
                kind=trace.SpanKind.CLIENT,
                attributes={"db.system": vendor, "db.statement": sql[:2000], **attributes},
            ):
                result = execute(sql, params, many, context)
        else:
            result = execute(sql, params, many, context)
        self.duration.record(time.perf_counter() - started, attributes)
        return result


def _time_queries(sender, connection, **kwargs) -> None:
    timer = _state.get("query_timer")
    if timer is not None and timer not in connection.execute_wrappers:
        connection.execute_wrappers.append(timer)


def telemetry_start() -> None:
    """Set up metrics, traces and the request and query instrumentation, once per process."""
    if _state or not settings.BOROUGH_TELEMETRY:
        return
    resource = Resource.create(
        {
            "service.name": SERVICE_NAME,
            "service.instance.id": f"{os.uname().nodename}:{os.getpid()}",
        }
    )
    reader = PrometheusMetricReader()
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[reader]))
    exporter = _span_exporter(settings.BOROUGH_TRACES_EXPORTER)
    # Without an exporter spans are not recorded, but each request still has a trace id (the
    # logs carry it), at almost no cost.
    sampler = (
        ParentBased(TraceIdRatioBased(settings.BOROUGH_TRACES_SAMPLE_RATIO))
        if exporter is not None
        else ALWAYS_OFF
    )
    provider = TracerProvider(resource=resource, sampler=sampler)
    if exporter is not None:
        processor = (
            SimpleSpanProcessor(exporter)
            if isinstance(exporter, ConsoleSpanExporter)
            else BatchSpanProcessor(exporter)
        )
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    # The stable HTTP conventions: the duration histogram carries the route (not the path).
    os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
    os.environ.setdefault("OTEL_PYTHON_DJANGO_EXCLUDED_URLS", "healthz,readyz,metrics,static/")
    DjangoInstrumentor().instrument(
        tracer_provider=provider,
        meter_provider=metrics.get_meter_provider(),
        request_hook=_request_hook,
        response_hook=_response_hook,
    )
    _state["query_timer"] = QueryTimer()
    _state["tracer_provider"] = provider
    connection_created.connect(_time_queries, dispatch_uid="borough-query-timer")
    from .gauges import gauges_register  # noqa: PLC0415 - needs the meter provider set

    gauges_register(meter())
