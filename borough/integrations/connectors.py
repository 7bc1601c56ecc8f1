"""Connectors: new cases of a routed service are sent on to a back-office system (Open311, JSON
over HTTP, or email), with retries. The system's status updates come back through
``inbound.py``; the Huey tasks that drive both are in ``tasks.py``.

Notes on the timeline go through ``cases.workflow.case_add_note``, one event each.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from borough.cases.errors import CaseChanged, TransitionRefused
from borough.cases.models import Case
from borough.cases.workflow import case_add_note
from borough.core.actors import SystemActor
from borough.notify.services import send_email

from . import http
from .models import Connector, Handoff, ServiceRoute
from .webhooks import SIGNATURE_HEADER, backoff, case_document, sign, standard_headers

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
GIVE_UP_AFTER = dt.timedelta(hours=24)
LEASE = dt.timedelta(seconds=60)
# Question types Open311 answers with its own fields rather than attribute[...].
_STANDARD = {"email", "name", "phone"}

# ------------------------------------------------------------------------------ routing


def handoff_start(*, case_id: int, now: dt.datetime | None = None) -> Handoff | None:
    """Make the handoff of a new case whose service is routed to an active connector.

    Returns the handoff made, for the caller to send (``tasks.handoff_send_task``, on commit);
    ``None`` when the service is not routed or the case was handed off before: a case is
    handed off once."""
    now = now or timezone.now()
    case = Case.objects.filter(pk=case_id).only("pk", "service_id").first()
    if case is None:
        return None
    route = (
        ServiceRoute.objects.select_related("connector")
        .filter(service_id=case.service_id, connector__is_active=True)
        .first()
    )
    if route is None:
        return None
    try:
        with transaction.atomic():
            handoff, created = Handoff.objects.get_or_create(
                case_id=case.pk,
                defaults={"connector": route.connector, "created_at": now, "next_attempt_at": now},
            )
    except IntegrityError:
        return None  # another worker made it at the same moment
    return handoff if created else None


class SendFailed(Exception):
    """The other system did not take the case; ``str()`` says why."""


def _claim(handoff_id: int, now: dt.datetime) -> Handoff | None:
    with transaction.atomic():
        row = (
            Handoff.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("connector", "case__service")
            .filter(pk=handoff_id, status=Handoff.Status.PENDING, connector__is_active=True)
            .first()
        )
        if row is None:
            return None
        taken = (
            Handoff.objects.filter(pk=handoff_id, status=Handoff.Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + LEASE)
        )
        return row if taken else None


def handoff_send(*, handoff_id: int, now: dt.datetime | None = None) -> bool:
    """Try to send a pending handoff if it is due. Returns whether it is now sent.

    Success and giving up are written on the case's timeline as internal notes, and so is the
    first failure (later retries are in the hub's connector page, not on the timeline).
    """
    now = now or timezone.now()
    handoff = _claim(handoff_id, now)
    if handoff is None:
        return False
    connector, case = handoff.connector, handoff.case
    route = ServiceRoute.objects.filter(service_id=case.service_id).first()
    try:
        external_id = SENDERS[connector.kind](connector, case, route)
    except SendFailed as failure:
        error = str(failure)[:300]
        attempts = handoff.attempts + 1
        retry_at = now + backoff(attempts)
        give_up = attempts >= MAX_ATTEMPTS or retry_at - handoff.created_at > GIVE_UP_AFTER
        next_at = None if give_up else retry_at
        Handoff.objects.filter(pk=handoff.pk).update(
            attempts=attempts,
            last_error=error,
            claimed_until=None,
            next_attempt_at=next_at,
            status=Handoff.Status.FAILED if give_up else Handoff.Status.PENDING,
        )
        if give_up:
            _note(
                case,
                f"Could not send this case to {connector.name}; gave up after "
                f"{attempts} tries. Last error: {error}",
                connector,
            )
        elif attempts == 1:
            _note(
                case,
                f"Could not send this case to {connector.name} ({error}). "
                "Trying again automatically.",
                connector,
            )
        log.warning("handoff failed", extra={"handoff_id": handoff.pk, "attempts": attempts})
        return False
    try:
        with transaction.atomic():
            Handoff.objects.filter(pk=handoff.pk).update(
                status=Handoff.Status.SENT,
                external_id=external_id,
                attempts=handoff.attempts + 1,
                sent_at=now,
                claimed_until=None,
                next_attempt_at=None,
                last_error="",
            )
    except IntegrityError:
        # Another case already has this id at the same system: keep it failed and visible.
        Handoff.objects.filter(pk=handoff.pk).update(
            status=Handoff.Status.FAILED,
            claimed_until=None,
            last_error=f"{connector.name} answered with id {external_id}, already used",
        )
        _note(
            case,
            f"{connector.name} answered with an id ({external_id}) that another case "
            "already has; not linked",
            connector,
        )
        return False
    _note(case, f"Sent to {connector.name} (their reference {external_id})", connector)
    return True


def handoffs_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Retry the handoffs that are due (the periodic task). Returns how many went."""
    now = now or timezone.now()
    due = Handoff.objects.filter(
        status=Handoff.Status.PENDING, next_attempt_at__lte=now, connector__is_active=True
    ).values_list("pk", flat=True)[:limit]
    return sum(handoff_send(handoff_id=pk, now=now) for pk in list(due))


def _note(case: Case, text: str, connector: Connector) -> None:
    try:
        case_add_note(
            case=case,
            text=text,
            actor=SystemActor(f"connector:{connector.slug}"),
            public=False,
            source={"connector": connector.slug},
        )
    except (CaseChanged, TransitionRefused):  # never expected without a version
        log.exception("could not note a handoff on the timeline")


# ------------------------------------------------------------------------------ senders


def answer_json(answer: http.Answer, what: str):
    """The JSON document ``what`` answered with; ``SendFailed`` for a failure or not JSON."""
    if not answer.ok:
        raise SendFailed(answer.error or f"HTTP {answer.status}")
    try:
        return json.loads(answer.body or b"null")
    except ValueError:
        raise SendFailed(f"{what} answered with something that is not JSON") from None


def open311_fields(connector: Connector, case: Case, route: ServiceRoute | None) -> list:
    """The form fields of a GeoReport v2 POST requests for a case: attribute[...] from the
    answers, the standard fields for location, email, name and phone."""
    form = case.service.form
    fields: list[tuple[str, str]] = [
        ("api_key", connector.credential),
        ("service_code", (route.remote_service_code if route else "") or case.service.slug),
    ]
    if case.latitude is not None and case.longitude is not None:
        fields += [("lat", str(case.latitude)), ("long", str(case.longitude))]
    if case.property_id:
        fields.append(("address_id", str(case.property_id)))
    if case.location_description:
        fields.append(("address_string", case.location_description))
    attributes: dict[str, str] = {}
    description = ""
    for question in form.questions:
        value = case.answers.get(question.id)
        if value in (None, "", []) or question.case_location or question.type == "file":
            continue
        if question.type == "email":
            fields.append(("email", str(value)))
        elif question.type == "phone":
            fields.append(("phone", str(value)))
        elif question.type == "name":
            first, _, last = str(value).partition(" ")
            fields += [("first_name", first), ("last_name", last or "-")]
        else:
            attributes[question.id] = ",".join(value) if isinstance(value, list) else str(value)
            if question.type == "text" and not description:
                description = str(value)
    if route:
        attributes.update({k: str(v) for k, v in (route.fixed_attributes or {}).items()})
    fields += [(f"attribute[{code}]", value) for code, value in attributes.items()]
    fields.append(("description", description or f"{case.service.name} ({case.reference})"))
    return fields


def send_open311(connector: Connector, case: Case, route: ServiceRoute | None) -> str:
    body = urlencode(open311_fields(connector, case, route)).encode()
    answer = http.request(
        connector.endpoint.rstrip("/") + "/requests.json",
        method="POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            # The other system makes one request however often this is retried.
            "Idempotency-Key": f"borough-{case.reference}",
        },
    )
    document = answer_json(answer, connector.name)
    try:
        external_id = str(document[0]["service_request_id"]).strip()
    except (IndexError, KeyError, TypeError):
        raise SendFailed(f"{connector.name} did not answer with a service_request_id") from None
    if not external_id or external_id == "None":
        raise SendFailed(f"{connector.name} did not answer with a service_request_id")
    return external_id[:100]


def send_json(connector: Connector, case: Case, route: ServiceRoute | None) -> str:
    body = json.dumps(
        {
            "reference": case.reference,
            "case": case_document(case, scopes=["cases.read", "residents.read"]),
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": f"borough-{case.reference}",
    }
    if connector.credential:
        headers["Authorization"] = f"Bearer {connector.credential}"
    if connector.signing_secret:
        timestamp = int(timezone.now().timestamp())
        headers.update(
            standard_headers(connector.signing_secret, f"borough-{case.reference}", body, timestamp)
        )
        headers[SIGNATURE_HEADER] = sign(connector.signing_secret, body, timestamp)  # deprecated
    answer = http.request(connector.endpoint, method="POST", body=body, headers=headers)
    document = answer_json(answer, connector.name)
    external_id = ""
    if isinstance(document, dict):
        external_id = str(document.get("external_id") or document.get("id") or "").strip()
    if not external_id:
        raise SendFailed(f'{connector.name} did not answer with an id (JSON "id")')
    return external_id[:100]


def send_email_connector(connector: Connector, case: Case, route: ServiceRoute | None) -> str:
    form = case.service.form
    lines = [f"Reference: {case.reference}", f"Service: {case.service.name}"]
    if case.location_description:
        lines.append(f"Place: {case.location_description}")
    if case.property_id:
        lines.append(f"UPRN: {case.property_id}")
    for question in form.questions:
        value = case.answers.get(question.id)
        if value in (None, "", []) or question.case_location or question.type == "file":
            continue
        shown = (
            ", ".join(question.option_label(v) for v in value)
            if isinstance(value, list)
            else (question.option_label(value) if question.type == "selection" else value)
        )
        lines.append(f"{question.label}: {shown}")
    try:
        send_email(
            to=connector.email,
            template_key="case_handoff",
            context={
                "subject": f"New {case.service.name} request {case.reference}",
                "body": "\n".join(lines)
                + f"\n\nSend updates to Borough quoting reference {case.reference}.",
            },
            case=case,
        )
    except Exception as failure:  # noqa: BLE001 (any mail failure is a failed send, retried)
        raise SendFailed(f"The email could not be sent ({type(failure).__name__})") from None
    return case.reference


SENDERS: dict[str, Callable[[Connector, Case, ServiceRoute | None], str]] = {
    Connector.Kind.OPEN311: send_open311,
    Connector.Kind.JSON: send_json,
    Connector.Kind.EMAIL: send_email_connector,
}
