"""Open311 GeoReport v2 at /open311/v2/, with the mySociety extensions FixMyStreet uses.

Thin views: read the request, call the catalogue's and cases' services and selectors, write
the document. Every failure answers with the specification's error document in the format
asked for, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from borough.api.auth import client_rate_wait
from borough.api.models import Scope
from borough.api.services import AuthenticationFailed, api_client_authenticate
from borough.cases.create import case_create
from borough.cases.errors import CaseChanged, CaseInvalid, TransitionRefused
from borough.cases.selectors import case_by_reference
from borough.cases.workflow import case_add_note, case_transition_event
from borough.catalogue.answers import validate_answers
from borough.catalogue.selectors import service_get, services_online
from borough.core.channels import Channel
from borough.core.ratelimit import rate_limit_hit
from borough.places.selectors import Gazetteer, property_nearest

from . import mapping, selectors
from .formats import FORMATS, BadInput, error, parse_body, parse_moment, respond

log = logging.getLogger(__name__)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_BODY_BYTES = 1024 * 1024
DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000
MAX_UPDATE_LENGTH = 2000
TOKEN_SALT = "borough.open311.token"  # noqa: S105 (a signing salt, not a secret)
# How far from the reported point to look for the street a problem is on.
STREET_SEARCH_METRES = 500


class _Refusal(Exception):
    def __init__(self, status: int, *descriptions: str, headers: dict | None = None):
        self.status = status
        self.descriptions = descriptions
        self.headers = headers or {}


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
            jurisdiction = request.GET.get("jurisdiction_id", "").strip()
            if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
                return error(fmt, 404, f"jurisdiction_id {jurisdiction} was not found")
            if request.method == "GET":
                wait = rate_limit_hit(request, "open311-read")
                if wait:
                    return _too_many(fmt, wait)
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except _Refusal as refusal:
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


def _read_post(request) -> dict:
    """The POST's fields, refusing a body over 1 MB (413) or one that cannot be read (400)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise _Refusal(400, "Content-Length is not a number") from None
    if declared > MAX_BODY_BYTES:
        raise _Refusal(413, "The request body is larger than 1 MB")
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise _Refusal(413, "The request body is larger than 1 MB")
    try:
        fields = parse_body(request.content_type or "", raw)
    except BadInput as problem:
        raise _Refusal(400, str(problem)) from None
    jurisdiction = fields.get("jurisdiction_id", "").strip()
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
        raise _Refusal(404, f"jurisdiction_id {jurisdiction} was not found")
    return fields


def _client(raw_key: str | None, scope: str):
    try:
        return api_client_authenticate(raw_key, scope)
    except AuthenticationFailed as refusal:
        raise _Refusal(403, str(refusal)) from None


def _client_rate(request, client) -> None:
    wait = client_rate_wait(request, client)
    if wait:
        raise _Refusal(
            429,
            f"Too many requests: try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )


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


def _service(code: str):
    service = service_get(code)
    if service is None or not mapping.is_offered(service.form):
        raise _Refusal(404, f"service_code {code} was not found")
    return service


@open311_view("GET")
def service_definition(request, code: str, *, fmt: str):
    return respond(fmt, "service_definition", mapping.service_definition(_service(code)))


# ------------------------------------------------------------------------------ requests


def _window(params) -> tuple[dt.datetime, dt.datetime]:
    try:
        start = parse_moment("start_date", params.get("start_date", ""))
        end = parse_moment("end_date", params.get("end_date", ""))
    except BadInput as problem:
        raise _Refusal(400, str(problem)) from None
    now = timezone.now()
    if start and end and start > end:
        raise _Refusal(400, "start_date must be before end_date")
    end = end or (start + DEFAULT_WINDOW if start else now)
    start = start or end - DEFAULT_WINDOW
    return start, end


def _read_access(request) -> bool:
    """Whether the caller may see addresses in full: a key with cases.read. A key that is
    given must be right."""
    raw_key = request.GET.get("api_key", "").strip()
    if not raw_key:
        return False
    _client(raw_key, Scope.CASES_READ)
    return True


def _yes(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes"}


@open311_view("GET", "POST")
def requests(request, *, fmt: str):
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    full = _read_access(request)
    extended = _yes(params.get("extended_statuses", ""))
    local_tz = timezone.get_current_timezone()
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        if len(ids) > MAX_RESULTS:
            raise _Refusal(400, f"Ask for at most {MAX_RESULTS} service_request_id values")
        cases = selectors.requests_by_reference(ids)
    else:
        start, end = _window(params)
        if end - start > DEFAULT_WINDOW:
            raise _Refusal(400, "start_date and end_date may not be more than 90 days apart")
        statuses = sorted(
            {s.strip().lower() for s in params.get("status", "").split(",") if s.strip()}
        )
        if any(s not in {"open", "closed"} for s in statuses):
            raise _Refusal(400, "status must be open or closed")
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        cases = selectors.requests_search(
            start=start,
            end=end,
            service_codes=codes,
            statuses=statuses if len(statuses) == 1 else [],
            limit=MAX_RESULTS,
        )
    body = [
        mapping.request_entry(case, full=full, extended=extended, local_tz=local_tz)
        for case in cases
    ]
    return respond(fmt, "service_requests", body)


@open311_view("GET")
def request_detail(request, request_id: str, *, fmt: str):
    full = _read_access(request)
    cases = selectors.requests_by_reference([request_id])
    if not cases:
        raise _Refusal(404, f"service_request_id {request_id} was not found")
    extended = _yes(request.GET.get("extended_statuses", ""))
    body = [
        mapping.request_entry(
            cases[0], full=full, extended=extended, local_tz=timezone.get_current_timezone()
        )
    ]
    return respond(fmt, "service_requests", body)


@open311_view("GET")
def token_detail(request, token: str, *, fmt: str):
    try:
        reference = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise _Refusal(404, f"token {token} was not found") from None
    return respond(fmt, "service_requests", [{"service_request_id": reference, "token": token}])


def _coordinate(fields: dict, name: str, limit: float) -> float | None:
    raw = fields.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _Refusal(400, f"{name} must be a number in WGS84 degrees") from None
    if not -limit <= value <= limit or value != value:
        raise _Refusal(400, f"{name} must be between -{limit:g} and {limit:g}")
    return value


def _location_answer(service, fields: dict) -> tuple[object, float | None, float | None]:
    """The answer to the service's location question from Open311's location fields, and the
    reported point (if the problem is not at a property)."""
    question = service.form.location_question
    lat = _coordinate(fields, "lat", 90)
    lon = _coordinate(fields, "long", 180)
    if (lat is None) != (lon is None):
        raise _Refusal(400, "Send both lat and long, or neither")
    if question is None:
        return None, lat, lon
    address_string = fields.get("address_string", "").strip()[:500]
    uprn = str(fields["attribute"].pop("uprn", "") or "").strip()
    if uprn and not uprn.isdigit():
        raise _Refusal(400, "attribute[uprn] must be a UPRN (a number)")
    # address_id is the council's own address identifier, a UPRN here; other values (such as
    # FixMyStreet's #NOTPINPOINTED#) are not addresses and are ignored.
    address_id = fields.get("address_id", "").strip()
    uprn = uprn or (address_id if address_id.isdigit() else "")
    how = "Send lat and long, address_id (a UPRN) or attribute[uprn]"
    if uprn:
        if question.type == "address":
            return int(uprn), None, None
        return {"uprn": int(uprn), "description": address_string}, lat, lon
    if lat is None:
        if address_string:
            raise _Refusal(400, f"address_string alone cannot be placed on the map. {how}")
        raise _Refusal(400, f"A location is required. {how}")
    if question.type == "address":
        prop = property_nearest(lat, lon, within_metres=settings.OPEN311_SNAP_METRES)
        if prop is None:
            raise _Refusal(
                400,
                f"No address is within {settings.OPEN311_SNAP_METRES} metres of lat and long: "
                "send address_id or attribute[uprn]",
            )
        return prop.uprn, None, None
    nearby = property_nearest(lat, lon, within_metres=STREET_SEARCH_METRES)
    if nearby is None:
        raise _Refusal(400, "lat and long are outside the council's area")
    # Where the service asks no free-text question, the report's description is kept as the
    # description of the place (it is what a crew reads on site).
    text = fields.get("description", "").strip()
    if mapping.description_question(service.form) is not None:
        text = ""
    description = address_string or text[:500] or f"Map point {lat:.6f}, {lon:.6f}"
    return {"usrn": nearby.usrn_id, "description": description}, lat, lon


def _answers(service, fields: dict) -> tuple[dict, float | None, float | None]:
    form = service.form
    attributes = dict(fields["attribute"])
    location, lat, lon = _location_answer(service, {**fields, "attribute": attributes})
    answers: dict = {}
    by_id = form.by_id
    for code, value in attributes.items():
        question = by_id.get(code)
        # Attributes Borough does not ask (FixMyStreet sends its own, such as
        # fixmystreet_id or easting) are ignored, as the specification allows.
        if question is None or question.case_location or question.type == "file":
            continue
        if question.type == "date" and isinstance(value, str) and "T" in value:
            try:
                moment = parse_moment(code, value)
            except BadInput as problem:
                raise _Refusal(400, str(problem)) from None
            value = timezone.localtime(moment).date().isoformat()
        if question.type == "selection" and question.multiple and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        answers[code] = value
    location_q = form.location_question
    if location_q is not None:
        answers[location_q.id] = location
    name = " ".join(
        part
        for part in (fields.get("first_name", "").strip(), fields.get("last_name", "").strip())
        if part and part != "-"
    )
    standard = {"email": fields.get("email", ""), "name": name, "phone": fields.get("phone", "")}
    for question in form.questions:
        if question.type in standard and question.id not in answers and standard[question.type]:
            answers[question.id] = standard[question.type]
    description_q = mapping.description_question(form)
    description = fields.get("description", "").strip()
    if description_q is not None and description and not answers.get(description_q.id):
        answers[description_q.id] = description[: description_q.max_length]
    return answers, lat, lon


def _case_errors(service, errors: dict[str, str]) -> list[str]:
    form = service.form
    out = []
    for code, message in errors.items():
        question = form.by_id.get(code)
        if question is not None and question.case_location:
            out.append(f"location: {message}")
        elif question is not None and question.type in mapping.STANDARD_FIELD_TYPES:
            field = {"email": "email", "name": "first_name and last_name", "phone": "phone"}
            out.append(f"{field[question.type]}: {message}")
        else:
            out.append(f"attribute[{code}]: {message}")
    return out


def _refuse_a_different_replay(key: str, service, answers: dict) -> None:
    """A retried request must be the same request: the same service and the same answers."""
    existing = selectors.case_by_idempotency_key(key)
    if existing is None:
        return
    cleaned, errors = validate_answers(
        service.form, answers, places=Gazetteer(), on=timezone.localdate(existing.created_at)
    )
    if existing.service_id != service.pk or errors or cleaned != existing.answers:
        raise _Refusal(
            422,
            "This Idempotency-Key (or fixmystreet_id) was used for a different request: "
            "send a new key for a new request",
        )


def _request_create(request, fmt: str):
    fields = _read_post(request)
    client = _client(fields.get("api_key") or request.GET.get("api_key"), Scope.OPEN311_POST)
    _client_rate(request, client)
    code = fields.get("service_code", "").strip()
    if not code:
        raise _Refusal(400, "service_code is required")
    service = _service(code)
    answers, lat, lon = _answers(service, fields)
    key = request.headers.get("Idempotency-Key", "").strip()
    fms_id = str(fields["attribute"].get("fixmystreet_id", "")).strip()
    idempotency_key = None
    if key:
        idempotency_key = f"open311:{client.pk}:{key}"[:80]
    elif fms_id:
        idempotency_key = f"open311:{client.pk}:fms:{fms_id}"[:80]
    if idempotency_key:
        _refuse_a_different_replay(idempotency_key, service, answers)
    try:
        case = case_create(
            service=service,
            answers=answers,
            channel=Channel.API,
            actor=client.as_actor(),
            idempotency_key=idempotency_key,
            contact_reason=f"Open311 request from {client.name}"[:200],
            latitude=lat,
            longitude=lon,
        )
    except CaseInvalid as invalid:
        raise _Refusal(400, *_case_errors(service, invalid.errors)) from None
    log.info("open311 request created", extra={"case_id": case.pk, "api_client": client.pk})
    body = [
        {
            "service_request_id": case.reference,
            "token": signing.dumps(case.reference, salt=TOKEN_SALT),
            "service_notice": service.what_happens_next,
        }
    ]
    return respond(fmt, "service_requests", body)


# ------------------------------------------------------------------------------ updates


@open311_view("GET", "POST")
def service_request_updates(request, *, fmt: str):
    if request.method == "POST":
        return _update_create(request, fmt)
    start, end = _window(request.GET)
    events = selectors.updates_between(start=start, end=end, limit=MAX_RESULTS)
    body = [mapping.update_entry(event, case=event.case) for event in events]
    return respond(fmt, "service_request_updates", body)


def _update_create(request, fmt: str):
    fields = _read_post(request)
    client = _client(fields.get("api_key") or request.GET.get("api_key"), Scope.OPEN311_POST)
    _client_rate(request, client)
    reference = fields.get("service_request_id", "").strip()
    if not reference:
        raise _Refusal(400, "service_request_id is required")
    raw_status = fields.get("status", "").strip()
    if not raw_status:
        raise _Refusal(400, "status is required")
    status = raw_status.upper().replace(" ", "_")
    if status not in mapping.EXTENDED_STATUSES:
        raise _Refusal(400, f"status must be one of {', '.join(mapping.EXTENDED_STATUSES)}")
    try:
        parse_moment("updated_datetime", fields.get("updated_datetime", ""))
    except BadInput as problem:
        raise _Refusal(400, str(problem)) from None
    description = fields.get("description", "").strip()
    if len(description) > MAX_UPDATE_LENGTH:
        raise _Refusal(400, f"description must be {MAX_UPDATE_LENGTH:,} characters or less")
    media_url = fields.get("media_url", "").strip()
    if media_url and not media_url.lower().startswith(("https://", "http://")):
        raise _Refusal(400, "media_url must be an http or https URL")
    case = case_by_reference(reference)
    if case is None:
        raise _Refusal(404, f"service_request_id {reference} was not found")
    update_id = fields.get("update_id", "").strip()[:80]
    if update_id:
        existing = selectors.update_by_source(case=case, client_id=client.pk, update_id=update_id)
        if existing is not None:
            return respond(fmt, "service_request_updates", [{"update_id": str(existing.pk)}])
    flow = case.service.flow
    try:
        target = mapping.target_for(flow, case.current_state.key, case.status, status)
    except LookupError:
        raise _Refusal(
            400,
            f"A case that is {case.current_state.label.lower()} cannot be moved to "
            f"{status}: the service's workflow does not allow it",
        ) from None
    if target is None and not description:
        raise _Refusal(400, "The update changes nothing: send a description or a new status")
    source = {
        "api_client": client.pk,
        "channel": "open311",
        "update_id": update_id,
        "status": status,
        **({"media_url": media_url} if media_url else {}),
    }
    resolution = mapping._STATUS_FALLBACK[status][1]
    try:
        with transaction.atomic():
            if target is None:
                event = case_add_note(
                    case=case,
                    text=description,
                    actor=client.as_actor(),
                    public=True,
                    source=source,
                )
            else:
                event = case_transition_event(
                    case=case,
                    to_state=target.key,
                    actor=client.as_actor(),
                    resolution=target.resolution or resolution or "fixed",
                    note=description,
                    source=source,
                )
    except (TransitionRefused, CaseChanged) as refused:
        raise _Refusal(400, str(refused)) from None
    return respond(fmt, "service_request_updates", [{"update_id": str(event.pk)}])
