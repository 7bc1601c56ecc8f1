"""Open311 GeoReport v2 at /open311/v2/, with the mySociety extensions FixMyStreet uses.

Thin views: read the request (``inputs.py``), call the catalogue's and cases' selectors or,
for what clients send, ``submissions.py``, and write the document (``formats.py``). Every
failure answers with the specification's error document in the format asked for, and writes
nothing.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from borough.catalogue.selectors import services_online
from borough.clients.models import Scope
from borough.core.ratelimit import rate_limit_hit
from borough.core.text import CONTROL_CHARACTER_MESSAGE, control_character_problem

from . import mapping, selectors
from .cache import cached_list
from .formats import CONTENT_TYPES, FORMATS, error, respond, respond_rows
from .inputs import (
    DEFAULT_WINDOW,
    Refusal,
    offered_service,
    read_access,
    reading_client,
    window,
)
from .submissions import TOKEN_SALT, request_create, update_create

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000


def open311_view(*methods: str):
    """Check the format, method and jurisdiction, rate-limit, and turn refusals into errors."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            if fmt not in FORMATS:
                return error("xml", 404, f"The format .{fmt} is not offered: use .xml or .json")
            if request.method not in methods:
                response = error(fmt, 405, f"Use {' or '.join(methods)} for this resource")
                response["Allow"] = ", ".join(methods)
                return response
            where = control_character_problem([dict(request.GET.lists()), kwargs])
            if where is not None:
                return error(fmt, 400, f"The address {CONTROL_CHARACTER_MESSAGE}")
            jurisdiction = request.GET.get("jurisdiction_id", "").strip()
            if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
                return error(fmt, 404, f"jurisdiction_id {jurisdiction} was not found")
            if request.method == "GET":
                wait = rate_limit_hit(request, "open311-read")
                if wait:
                    return _too_many(fmt, wait)
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Refusal as refusal:
                response = error(fmt, refusal.status, *refusal.descriptions)
                for name, value in refusal.headers.items():
                    response[name] = value
                return response

        return wrapper

    return decorate


def _too_many(fmt: str, wait: int):
    response = error(fmt, 429, f"Too many requests: try again in {wait} seconds")
    response["Retry-After"] = str(wait)
    return response


# ------------------------------------------------------------------------------ discovery


@open311_view("GET")
def discovery(request, *, fmt: str):
    base = request.build_absolute_uri("/open311/v2")
    changeset = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    body = {
        "changeset": changeset,
        "contact": f"{settings.COUNCIL_NAME}: {settings.FEEDBACK_EMAIL}",
        "key_service": (
            f"API keys are issued by {settings.COUNCIL_NAME} ({settings.FEEDBACK_EMAIL})"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", body)


# ------------------------------------------------------------------------------ services


@open311_view("GET")
def service_list(request, *, fmt: str):
    body = [
        mapping.service_entry(service, group=service.category.name)
        for service in services_online()
        if mapping.is_offered(service.form)
    ]
    return respond(fmt, "services", body)


@open311_view("GET")
def service_definition(request, code: str, *, fmt: str):
    return respond(fmt, "service_definition", mapping.service_definition(offered_service(code)))


# ------------------------------------------------------------------------------ requests


def _yes(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes"}


@open311_view("GET", "POST")
def requests(request, *, fmt: str):
    if request.method == "POST":
        return request_create(request, fmt)
    full = read_access(request)
    content = cached_list(
        fmt, request.GET, full=full, build=lambda: _search(request, fmt, full=full).content
    )
    return HttpResponse(content, content_type=CONTENT_TYPES[fmt])


def _search(request, fmt: str, *, full: bool):
    params = request.GET
    extended = _yes(params.get("extended_statuses", ""))
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        if len(ids) > MAX_RESULTS:
            raise Refusal(400, f"Ask for at most {MAX_RESULTS} service_request_id values")
        cases = selectors.requests_by_reference(ids, public=not full)
    else:
        start, end = window(params)
        if end - start > DEFAULT_WINDOW:
            raise Refusal(400, "start_date and end_date may not be more than 90 days apart")
        statuses = sorted(
            {s.strip().lower() for s in params.get("status", "").split(",") if s.strip()}
        )
        if any(s not in {"open", "closed"} for s in statuses):
            raise Refusal(400, "status must be open or closed")
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        cases = selectors.requests_search(
            start=start,
            end=end,
            service_codes=codes,
            statuses=statuses if len(statuses) == 1 else [],
            limit=MAX_RESULTS,
            public=not full,
        )
    return _request_list(fmt, cases, full=full, extended=extended)


def _request_list(fmt: str, rows: list, *, full: bool, extended: bool):
    entries = mapping.request_entries(
        rows,
        selectors.request_services(rows),
        full=full,
        extended=extended,
        local_tz=timezone.get_current_timezone(),
    )
    return respond_rows(fmt, "service_requests", entries)


@open311_view("GET")
def request_detail(request, request_id: str, *, fmt: str):
    full = read_access(request)
    # A request of a private service is not found without a key (issue 16).
    cases = selectors.requests_by_reference([request_id], public=not full)
    if not cases:
        raise Refusal(404, f"service_request_id {request_id} was not found")
    return _request_list(
        fmt, cases, full=full, extended=_yes(request.GET.get("extended_statuses", ""))
    )


@open311_view("GET")
def token_detail(request, token: str, *, fmt: str):
    try:
        reference = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise Refusal(404, f"token {token} was not found") from None
    return respond(fmt, "service_requests", [{"service_request_id": reference, "token": token}])


# ------------------------------------------------------------------------------ updates


@open311_view("GET", "POST")
def service_request_updates(request, *, fmt: str):
    if request.method == "POST":
        return update_create(request, fmt)
    # Systems that send updates (FixMyStreet) read this feed with their open311.post key: with
    # cases.read they read every update in full; else the public feed, and their own requests'
    # updates in full (issue 16).
    client = reading_client(request)
    full = client is not None and client.has_scope(Scope.CASES_READ)
    own = client.pk if client is not None else None
    start, end = window(request.GET)
    events = selectors.updates_between(
        start=start, end=end, limit=MAX_RESULTS, public=not full, client_id=own
    )
    body = [
        mapping.update_entry(
            event, case=event.case, full=full or own is not None and event.case.api_client_id == own
        )
        for event in events
    ]
    return respond(fmt, "service_request_updates", body)
