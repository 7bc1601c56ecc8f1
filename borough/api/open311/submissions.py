"""What Open311 clients send: new requests (``POST requests``) and updates
(``POST servicerequestupdates``), each through the ``cases`` actions on the API channel, as the
client's actor. Every problem is a ``Refusal`` and nothing is written.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from borough.accounts.policies import api_client_may_update
from borough.cases.create import case_create
from borough.cases.errors import CaseChanged, CaseInvalid, TransitionRefused
from borough.cases.selectors import case_by_reference
from borough.cases.workflow import case_add_note, case_transition_event
from borough.catalogue.answers import validate_answers
from borough.clients.models import Scope
from borough.core.channels import Channel
from borough.places.selectors import Gazetteer, property_nearest

from . import mapping, selectors
from .formats import BadInput, parse_moment, respond
from .inputs import Refusal, client_for, client_rate, offered_service, read_post

log = logging.getLogger(__name__)

MAX_UPDATE_LENGTH = 2000
TOKEN_SALT = "borough.open311.token"  # noqa: S105 (a signing salt, not a secret)
# How far from the reported point to look for the street a problem is on.
STREET_SEARCH_METRES = 500


def _coordinate(fields: dict, name: str, limit: float) -> float | None:
    raw = fields.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Refusal(400, f"{name} must be a number in WGS84 degrees") from None
    if not -limit <= value <= limit or value != value:
        raise Refusal(400, f"{name} must be between -{limit:g} and {limit:g}")
    return value


def _location_answer(service, fields: dict) -> tuple[object, float | None, float | None]:
    """The answer to the service's location question from Open311's location fields, and the
    reported point (if the problem is not at a property)."""
    question = service.form.location_question
    lat = _coordinate(fields, "lat", 90)
    lon = _coordinate(fields, "long", 180)
    if (lat is None) != (lon is None):
        raise Refusal(400, "Send both lat and long, or neither")
    if question is None:
        return None, lat, lon
    address_string = fields.get("address_string", "").strip()[:500]
    uprn = str(fields["attribute"].pop("uprn", "") or "").strip()
    if uprn and not uprn.isdigit():
        raise Refusal(400, "attribute[uprn] must be a UPRN (a number)")
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
            raise Refusal(400, f"address_string alone cannot be placed on the map. {how}")
        raise Refusal(400, f"A location is required. {how}")
    assert lon is not None  # lat and long come together (checked above)
    if question.type == "address":
        prop = property_nearest(lat, lon, within_metres=settings.OPEN311_SNAP_METRES)
        if prop is None:
            raise Refusal(
                400,
                f"No address is within {settings.OPEN311_SNAP_METRES} metres of lat and long: "
                "send address_id or attribute[uprn]",
            )
        return prop.uprn, None, None
    nearby = property_nearest(lat, lon, within_metres=STREET_SEARCH_METRES)
    if nearby is None:
        raise Refusal(400, "lat and long are outside the council's area")
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
                raise Refusal(400, str(problem)) from None
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
        raise Refusal(
            422,
            "This Idempotency-Key (or fixmystreet_id) was used for a different request: "
            "send a new key for a new request",
        )


def request_create(request, fmt: str):
    fields = read_post(request)
    client = client_for(fields.get("api_key") or request.GET.get("api_key"), Scope.OPEN311_POST)
    client_rate(request, client)
    code = fields.get("service_code", "").strip()
    if not code:
        raise Refusal(400, "service_code is required")
    service = offered_service(code)
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
        raise Refusal(400, *_case_errors(service, invalid.errors)) from None
    log.info("open311 request created", extra={"case_id": case.pk, "api_client": client.pk})
    body = [
        {
            "service_request_id": case.reference,
            "token": signing.dumps(case.reference, salt=TOKEN_SALT),
            "service_notice": service.what_happens_next,
        }
    ]
    return respond(fmt, "service_requests", body)


def update_create(request, fmt: str):
    fields = read_post(request)
    client = client_for(fields.get("api_key") or request.GET.get("api_key"), Scope.OPEN311_POST)
    client_rate(request, client)
    reference = fields.get("service_request_id", "").strip()
    if not reference:
        raise Refusal(400, "service_request_id is required")
    raw_status = fields.get("status", "").strip()
    if not raw_status:
        raise Refusal(400, "status is required")
    status = raw_status.upper().replace(" ", "_")
    if status not in mapping.EXTENDED_STATUSES:
        raise Refusal(400, f"status must be one of {', '.join(mapping.EXTENDED_STATUSES)}")
    try:
        parse_moment("updated_datetime", fields.get("updated_datetime", ""))
    except BadInput as problem:
        raise Refusal(400, str(problem)) from None
    description = fields.get("description", "").strip()
    if len(description) > MAX_UPDATE_LENGTH:
        raise Refusal(400, f"description must be {MAX_UPDATE_LENGTH:,} characters or less")
    media_url = fields.get("media_url", "").strip()
    if media_url and not media_url.lower().startswith(("https://", "http://")):
        raise Refusal(400, "media_url must be an http or https URL")
    case = case_by_reference(reference)
    if case is None or not api_client_may_update(client.pk, case):
        # A case the client did not send is answered as one that does not exist.
        raise Refusal(404, f"service_request_id {reference} was not found")
    update_id = fields.get("update_id", "").strip()[:80]
    if update_id:
        existing = selectors.update_by_source(case=case, client_id=client.pk, update_id=update_id)
        if existing is not None:
            return respond(fmt, "service_request_updates", [{"update_id": str(existing.pk)}])
    flow = case.service.flow
    try:
        target = mapping.target_for(flow, case.current_state.key, case.status, status)
    except LookupError:
        raise Refusal(
            400,
            f"A case that is {case.current_state.label.lower()} cannot be moved to "
            f"{status}: the service's workflow does not allow it",
        ) from None
    if target is None and not description:
        raise Refusal(400, "The update changes nothing: send a description or a new status")
    if target is not None and not client.has_scope(Scope.OPEN311_STATUS):
        raise Refusal(
            403,
            f"This api_key may not change a request's status: it needs the "
            f"{Scope.OPEN311_STATUS} scope (send the update without a new status)",
        )
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
        raise Refusal(400, str(refused)) from None
    return respond(fmt, "service_request_updates", [{"update_id": str(event.pk)}])
