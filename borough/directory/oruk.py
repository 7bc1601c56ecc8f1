"""The directory as Open Referral UK (HSDS 3.0 UK profile) JSON documents.

Field names are the standard's; the schema files copied in ``schema/`` are what the tests
validate these documents against. Nothing here reads a request: ``borough.api.openreferral``
does, and calls these.
"""

from __future__ import annotations

import math
import uuid

from .models import Location, Service, TaxonomyTerm

#: The council's own taxonomy of needs: one taxonomy, with a stable identifier.
TAXONOMY_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://borough.example/directory/needs"))
TAXONOMY_NAME = "Borough needs"
TAXONOMY_DESCRIPTION = "The needs residents search the council's community directory by."
PER_PAGE = 50
MOST_PER_PAGE = 200


def _stamp(service: Service) -> str:
    return service.last_modified.strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{service.last_modified.microsecond // 1000:03d}Z"
    )


def organisation_document(service: Service) -> dict:
    org = service.organisation
    document = {"id": str(org.pk), "name": org.name, "description": org.description}
    if org.email:
        document["email"] = org.email
    if org.website:
        document["website"] = org.website
    return document


def service_summary(service: Service) -> dict:
    """A service's one-to-one fields: an item of ``GET /services``."""
    document: dict = {
        "id": str(service.pk),
        "organization_id": str(service.organisation_id),
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "status": service.status,
        "last_modified": _stamp(service),
        "organization": organisation_document(service),
    }
    if service.email:
        document["email"] = service.email
    for name in ("minimum_age", "maximum_age"):
        if getattr(service, name) is not None:
            document[name] = getattr(service, name)
    if service.assured_date:
        document["assured_date"] = service.assured_date.isoformat()
    return document


def term_document(term: TaxonomyTerm) -> dict:
    return {
        "id": str(term.pk),
        "term": term.name,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": TAXONOMY_ID,
    }


def taxonomy_document(terms: list[TaxonomyTerm]) -> dict:
    return {
        "id": TAXONOMY_ID,
        "name": TAXONOMY_NAME,
        "description": TAXONOMY_DESCRIPTION,
        "taxonomy_terms": [term_document(term) for term in terms],
    }


def _location(location: Location) -> dict:
    return {
        "id": str(location.pk),
        "location_type": "physical",
        "name": location.name,
        "latitude": float(location.latitude),
        "longitude": float(location.longitude),
        "addresses": [
            {
                "id": str(uuid.uuid5(location.pk, "address")),
                "location_id": str(location.pk),
                "address_1": location.address_1,
                "city": location.city,
                "state_province": "",
                "postal_code": location.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ],
    }


def service_document(service: Service) -> dict:
    """The fully nested service of ``GET /services/{id}``."""
    document = service_summary(service)
    if service.eligibility:
        document["eligibility_description"] = service.eligibility
    document["phones"] = (
        [
            {
                "id": str(uuid.uuid5(service.pk, "phone")),
                "service_id": str(service.pk),
                "number": service.phone,
            }
        ]
        if service.phone
        else []
    )
    document["schedules"] = [
        {
            "id": str(s.pk),
            "service_id": str(service.pk),
            "freq": s.freq,
            "byday": s.byday,
            "opens_at": s.opens_at.strftime("%H:%M"),
            "closes_at": s.closes_at.strftime("%H:%M"),
            **({"description": s.description} if s.description else {}),
        }
        for s in service.schedules.all()
    ]
    document["cost_options"] = [
        {
            "id": str(c.pk),
            "service_id": str(service.pk),
            "amount_description": c.amount_description,
            **({"amount": float(c.amount), "currency": "GBP"} if c.amount is not None else {}),
            **({"option": c.option} if c.option else {}),
        }
        for c in service.cost_options.all()
    ]
    terms = list(service.taxonomy_terms.all())
    document["taxonomy_terms"] = [term_document(t) for t in terms]
    # HSDS 3.0 links a service to its terms through attributes (the compiled service.json
    # nests the term in each): one for each need the service meets (issue 26).
    document["attributes"] = [
        {
            "id": str(uuid.uuid5(service.pk, f"attribute:{t.pk}")),
            "link_id": str(service.pk),
            "link_entity": "service",
            "taxonomy_term_id": str(t.pk),
            "taxonomy_term": term_document(t),
        }
        for t in terms
    ]
    document["service_at_locations"] = [
        {
            "id": str(uuid.uuid5(location.pk, str(service.pk))),
            "service_id": str(service.pk),
            "location_id": str(location.pk),
            "location": _location(location),
        }
        for location in service.locations.all()
    ]
    return document


def page(items: list, *, total: int, number: int, per_page: int) -> dict:
    """The standard's paginated wrapper (``Page`` in its OpenAPI file) around ``items``."""
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not items,
        "contents": items,
    }
