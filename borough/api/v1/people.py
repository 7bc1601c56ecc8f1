"""Residents (residents.read; every read of personal data is audited) and properties
(properties.read: the gazetteer, no personal data)."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from borough.clients.models import Scope
from borough.core.errors import ApiError, ErrorCode
from borough.core.models import AuditEvent
from borough.core.services import audit_record
from borough.people.export import resident_data
from borough.people.selectors import resident_get
from borough.places.selectors import properties_at_postcode, property_get

from .schemas import with_errors
from .security import ApiKey, client_of

router = Router()


class PropertyOut(Schema):
    uprn: int
    usrn: int
    street: str
    address: str = Field(description="The address on one line")
    lines: list[str]
    postcode: str
    ward: str | None
    latitude: float
    longitude: float
    classification: str
    is_current: bool


class HouseholdOut(Schema):
    id: int
    uprn: int | None


class ResidentOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: dt.date | None
    email: str
    phone: str
    preferred_language: str
    email_updates: bool
    household: HouseholdOut | None
    needs: list[str] = Field(description="Needs and vulnerabilities recorded with consent")


def property_out(prop) -> dict:
    return {
        "uprn": prop.uprn,
        "usrn": prop.usrn_id,
        "street": prop.usrn.name,
        "address": prop.single_line,
        "lines": prop.lines,
        "postcode": prop.postcode,
        "ward": prop.ward.code if prop.ward_id else None,
        "latitude": float(prop.latitude),
        "longitude": float(prop.longitude),
        "classification": prop.classification,
        "is_current": prop.is_current,
    }


@router.get(
    "/residents/{resident_id}",
    auth=ApiKey(Scope.RESIDENTS_READ),
    response=with_errors({200: ResidentOut}),
    summary="A resident",
    tags=["residents"],
)
def resident_detail(request, resident_id: int):
    """Personal data: each read is written to the audit log with the client's name."""
    resident = resident_get(resident_id) if 0 < resident_id < 2**63 else None
    if resident is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"There is no resident {resident_id}")
    client = client_of(request)
    audit_record(
        actor=client.as_actor(),
        action=AuditEvent.Action.VIEWED,
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        summary=f"API client {client.pk} ({client.name})",
    )
    household = resident.household
    return {
        "id": resident.pk,
        **resident_data(resident),
        "household": (
            {"id": household.pk, "uprn": household.property_id} if household is not None else None
        ),
        # current_needs: the Prefetch to_attr of people.selectors
        "needs": [need.need for need in resident.current_needs],  # type: ignore[attr-defined]
    }


class PropertySearch(Schema):
    postcode: str = Field(min_length=1, max_length=10, description="A postcode, like UB8 1QA")


@router.get(
    "/properties",
    auth=ApiKey(Scope.PROPERTIES_READ),
    response=with_errors({200: list[PropertyOut]}),
    summary="Properties at a postcode",
    tags=["properties"],
)
def property_list(request, search: Query[PropertySearch]):
    """Current properties at the postcode, in address order (empty for an unknown postcode)."""
    return [property_out(p) for p in properties_at_postcode(search.postcode)]


@router.get(
    "/properties/{uprn}",
    auth=ApiKey(Scope.PROPERTIES_READ),
    response=with_errors({200: PropertyOut}),
    summary="A property by UPRN",
    tags=["properties"],
)
def property_detail(request, uprn: int):
    prop = property_get(uprn) if 0 < uprn < 2**63 else None
    if prop is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"There is no property with UPRN {uprn}")
    return property_out(prop)
