"""Borough's catalogue and cases in Open311 terms, and Open311 statuses in workflow terms.

Service definitions are built from each service's form definition (the one in the catalogue),
never written twice. Questions answered by the standard Open311 fields are not attributes:
the location question (``lat``/``long``, ``address_string``, ``address_id`` or
``attribute[uprn]``), email (``email``), name (``first_name``/``last_name``) and phone
(``phone``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from borough.catalogue.definitions import Question, ServiceForm
from borough.places.models import address_lines

from .formats import w3c

# Question types an Open311 client answers through an attribute, and their datatype.
STANDARD_FIELD_TYPES = {"email", "name", "phone"}
DESCRIPTION_IDS = ("details", "problem", "description", "item_list", "when_it_happens")


def datatype(question: Question) -> str:
    if question.type == "selection":
        return "multivaluelist" if question.multiple else "singlevaluelist"
    if question.type == "number":
        return "number"
    if question.type == "date":
        return "datetime"
    if question.type == "text" and question.multiline:
        return "text"
    return "string"


def datatype_description(question: Question) -> str | None:
    if question.type == "date":
        rules = {"past": "today or earlier", "future": "today or later"}.get(question.allow)
        text = "A date, like 2026-11-05"
        return f"{text} ({rules})" if rules else text
    if question.type == "number":
        parts = ["A whole number" if question.integer else "A number"]
        if question.min is not None:
            parts.append(f"at least {question.min:g}")
        if question.max is not None:
            parts.append(f"at most {question.max:g}")
        return ", ".join(parts) + (f" ({question.unit})" if question.unit else "")
    if question.type == "text":
        return f"Up to {question.max_length} characters"
    if question.type == "selection" and question.multiple:
        return "One or more of the keys listed"
    return None


def attribute_questions(form: ServiceForm) -> list[Question]:
    """The questions an Open311 client answers as ``attribute[code]``."""
    return [
        q
        for q in form.questions
        if not q.case_location and q.type not in STANDARD_FIELD_TYPES and q.type != "file"
    ]


def description_question(form: ServiceForm) -> Question | None:
    """The free-text question the Open311 ``description`` answers, if the service has one."""
    texts = [q for q in form.questions if q.type == "text"]
    by_id = {q.id: q for q in texts}
    return next((by_id[i] for i in DESCRIPTION_IDS if i in by_id), None)


def is_offered(form: ServiceForm) -> bool:
    """A service an Open311 client can complete: no required file upload (clients send a
    ``media_url``, never a file)."""
    return not any(q.type == "file" and q.required for q in form.questions)


def service_entry(service, *, group: str) -> dict[str, Any]:
    form = service.form
    return {
        "service_code": service.slug,
        "service_name": service.name,
        "description": service.summary,
        "metadata": bool(attribute_questions(form)),
        "type": "realtime",
        "keywords": ", ".join(service.keywords or []),
        "group": group,
        "groups": [group],
    }


def service_definition(service) -> dict[str, Any]:
    form = service.form
    description_q = description_question(form)
    attributes = []
    for order, question in enumerate(attribute_questions(form), start=1):
        attribute: dict[str, Any] = {
            "variable": True,
            "code": question.id,
            "datatype": datatype(question),
            # The description field answers this question when the attribute is not sent.
            "required": question.required and question is not description_q,
            "datatype_description": datatype_description(question),
            "order": order,
            "description": question.label,
        }
        if question.type == "selection":
            attribute["values"] = [{"key": o.value, "name": o.label} for o in question.options]
        attributes.append(attribute)
    return {"service_code": service.slug, "attributes": attributes}


# ------------------------------------------------------------------------------ statuses

# mySociety's extended statuses (FixMyStreet "Open311 FMS Additional states").
EXTENDED_STATUSES = (
    "OPEN",
    "CLOSED",
    "FIXED",
    "IN_PROGRESS",
    "ACTION_SCHEDULED",
    "INVESTIGATING",
    "DUPLICATE",
    "NOT_COUNCILS_RESPONSIBILITY",
    "NO_FURTHER_ACTION",
    "INTERNAL_REFERRAL",
    "REOPEN",
)
# Where a workflow has no state named after the status: the base status and resolution.
_STATUS_FALLBACK = {
    "OPEN": ("open", ""),
    "REOPEN": ("open", ""),
    "CLOSED": ("closed", ""),
    "FIXED": ("closed", "fixed"),
    "IN_PROGRESS": ("in_progress", ""),
    "ACTION_SCHEDULED": ("in_progress", ""),
    "INVESTIGATING": ("in_progress", ""),
    "INTERNAL_REFERRAL": ("in_progress", ""),
    "DUPLICATE": ("closed", "duplicate"),
    "NOT_COUNCILS_RESPONSIBILITY": ("closed", "referred"),
    "NO_FURTHER_ACTION": ("closed", "no_action"),
}
_RESOLUTION_STATUS = {
    "fixed": "FIXED",
    "duplicate": "DUPLICATE",
    "referred": "NOT_COUNCILS_RESPONSIBILITY",
    "no_action": "NO_FURTHER_ACTION",
    "not_possible": "NO_FURTHER_ACTION",
}


def extended_status(state_key: str, status: str, resolution: str) -> str:
    """A case's state as an extended status: the state's own name where it is one
    (``action_scheduled`` -> ``ACTION_SCHEDULED``), else from its base status and resolution."""
    if state_key.upper() in EXTENDED_STATUSES and state_key not in {"open", "closed"}:
        return state_key.upper()
    if status == "closed":
        return _RESOLUTION_STATUS.get(resolution, "CLOSED")
    if status == "in_progress":
        return "IN_PROGRESS"
    return "OPEN"


def simple_status(status: str) -> str:
    return "closed" if status == "closed" else "open"


def target_for(flow, current_key: str, current_status: str, incoming: str):
    """The workflow state an incoming Open311 status asks for, or ``None`` for no change.

    Raises ``LookupError`` when the workflow cannot get there from where the case is.
    """
    incoming = incoming.strip().upper().replace(" ", "_")
    if incoming not in EXTENDED_STATUSES:
        raise KeyError(incoming)
    base, resolution = _STATUS_FALLBACK[incoming]
    state = flow.state(incoming.lower())
    if state is not None:
        # The workflow names this status: that state, if the case can get there from here.
        if state.key == current_key:
            return None
        if state.key in {s.key for s in flow.next_states(current_key)}:
            return state
        raise LookupError(incoming)
    if base == "open":
        if current_status != "closed":
            return None
        allowed = [s for s in flow.next_states(current_key) if s.status != "closed"]
    else:
        if current_status == base and (base != "closed" or not resolution):
            return None
        allowed = [
            s
            for s in flow.next_states(current_key)
            if s.status == base and (not resolution or s.resolution in {resolution, ""})
        ]
    if not allowed:
        raise LookupError(incoming)
    return next((s for s in allowed if s.resolution == resolution), allowed[0])


# ------------------------------------------------------------------------------ requests


def _number(value: Decimal | None, places: int) -> float | None:
    return None if value is None else round(float(value), places)


class RequestService:
    """What a request entry needs of its service, worked out once per service of a page (its
    form is parsed once, not once per request)."""

    def __init__(self, service) -> None:
        form = service.form
        location_q = form.location_question
        description_q = description_question(form)
        self.name: str = service.name
        self.slug: str = service.slug
        self.home = location_q is not None and location_q.type == "address"
        self.has_description = description_q is not None
        # The answer that is the description, unless it is personal data.
        self.description_id = (
            description_q.id
            if description_q is not None and not description_q.personal_data
            else None
        )


def request_entries(
    rows: list[dict[str, Any]], services: dict, *, full: bool, extended: bool, local_tz
) -> list[dict[str, Any]]:
    """Cases (rows of ``selectors.REQUEST_FIELDS``) as Open311 requests, every value ready to
    write (dates and times already in the specification's form)."""
    by_service = {pk: RequestService(service) for pk, service in services.items()}
    due_times: dict[dt.date, str] = {}
    entries = []
    for row in rows:
        due = row["due_date"]
        if due not in due_times:
            due_times[due] = w3c(dt.datetime.combine(due, dt.time(17, 0), tzinfo=local_tz))
        entries.append(
            request_entry(
                row,
                by_service[row["service_id"]],
                full=full,
                extended=extended,
                due=due_times[due],
            )
        )
    return entries


def request_entry(
    row: dict[str, Any], service: RequestService, *, full: bool, extended: bool, due: str
) -> dict[str, Any]:
    """A case as an Open311 request. Without ``full`` (no key with cases.read), a home address
    is given only as its street and the point only to about 100 metres."""
    home = service.home
    shown = full or not home
    description = None
    if service.description_id is not None:
        description = row["answers"].get(service.description_id) or None
    elif not service.has_description and not home:
        description = row["location_description"] or None
    address = address_id = zipcode = None
    if row["property_id"] is not None and shown:
        address = ", ".join(
            address_lines(
                sao=row["property__sao"],
                pao=row["property__pao"],
                street=row["property__usrn__name"],
                locality=row["property__locality"],
                town=row["property__town"],
                postcode=row["property__postcode"],
            )
        )
        address_id, zipcode = str(row["property_id"]), row["property__postcode"]
    elif row["street__name"] is not None:
        parts = (row["street__name"].title(), row["street__town"].title())
        address = ", ".join(p for p in parts if p)
    location = row["location_description"]
    if location and shown:
        address = f"{location} ({address})" if address else location
    places = 6 if shown else 3
    status = (
        extended_status(row["state"], row["status"], row["resolution"]).lower()
        if extended
        else simple_status(row["status"])
    )
    return {
        "service_request_id": row["reference"],
        "status": status,
        # What staff or a system wrote with a status change is shown only with a key (issue 16).
        "status_notes": row.get("status_notes") if full else None,
        "service_name": service.name,
        "service_code": service.slug,
        "description": description,
        "agency_responsible": row["team__name"],
        "service_notice": None,
        "requested_datetime": w3c(row["created_at"]),
        "updated_datetime": w3c(row["updated_at"]),
        "expected_datetime": due,
        "address": address,
        "address_id": address_id,
        "zipcode": zipcode,
        "lat": _number(row["latitude"], places),
        "long": _number(row["longitude"], places),
        "media_url": None,
    }


def update_entry(event, *, case, full: bool) -> dict[str, Any]:
    """A public timeline event as a mySociety service request update. Its text only with
    ``full`` (a key with cases.read); without, what happened in Borough's own words."""
    data = event.data or {}
    state, status, resolution = getattr(
        event, "state_then", (case.state, case.status, case.resolution)
    )
    status = extended_status(state, status, resolution)
    source = data.get("source") or {}
    return {
        "update_id": str(event.pk),
        "service_request_id": case.reference,
        "status": status,
        "updated_datetime": event.at,
        "description": (event.text if full else "") or event.headline,
        "media_url": source.get("media_url") or None,
    }
