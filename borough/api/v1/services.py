"""Services and their form definitions, read from the catalogue (never defined twice)."""

from typing import Any

from django.utils import translation
from ninja import Router, Schema

from borough.catalogue.selectors import service_get, services_online
from borough.core.errors import ApiError, ErrorCode

from .schemas import with_errors
from .security import ApiKey

router = Router(tags=["services"], auth=ApiKey())


class OptionOut(Schema):
    value: str
    label: str
    hint: str = ""


class QuestionOut(Schema):
    id: str
    type: str
    label: str
    hint: str
    required: bool
    personal_data: bool
    case_location: bool
    options: list[OptionOut]
    multiple: bool
    constraints: dict[str, Any]


class StateOut(Schema):
    key: str
    label: str
    public_label: str
    status: str
    resolution: str
    next: list[str]


class ServiceOut(Schema):
    slug: str
    name: str
    summary: str
    category: str
    team: str
    sla_working_days: int


class ServiceDetailOut(ServiceOut):
    description: str
    what_happens_next: str
    questions: list[QuestionOut]
    workflow: list[StateOut]
    initial_state: str


# The question fields that only matter for some types, shown when they apply.
_CONSTRAINTS = {
    "date": ("allow", "max_days_past", "max_days_ahead"),
    "number": ("min", "max", "integer", "unit"),
    "text": ("max_length", "min_length", "multiline"),
    "file": ("accept", "max_size_mb"),
}


def _question(question) -> dict:
    constraints = {
        name: getattr(question, name)
        for name in _CONSTRAINTS.get(question.type, ())
        if getattr(question, name) is not None
    }
    if "accept" in constraints:
        constraints["accept"] = list(constraints["accept"])
    return {
        "id": question.id,
        "type": question.type,
        "label": str(question.label),
        "hint": str(question.hint),
        "required": question.required,
        "personal_data": question.personal_data,
        "case_location": question.case_location,
        "options": [
            {"value": o.value, "label": str(o.label), "hint": str(o.hint)} for o in question.options
        ],
        "multiple": question.multiple,
        "constraints": constraints,
    }


def _summary(service) -> dict:
    return {
        "slug": service.slug,
        "name": service.name,
        "summary": service.summary,
        "category": service.category.slug,
        "team": service.team.slug,
        "sla_working_days": service.sla_working_days,
    }


@router.get("/services", response=with_errors({200: list[ServiceOut]}), summary="List services")
def service_list(request):
    """Every service offered online, in catalogue order."""
    return [_summary(s) for s in services_online().order_by("position", "name")]


@router.get(
    "/services/{slug}",
    response=with_errors({200: ServiceDetailOut}),
    summary="A service with its form definition and workflow",
)
def service_detail(request, slug: str):
    """The questions (the same definition the portal asks and case creation validates
    against) and the workflow's states with the moves allowed from each."""
    service = service_get(slug)
    if service is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"There is no service {slug!r}")
    with translation.override("en"):
        questions = [_question(q) for q in service.form.questions]
    flow = service.flow
    return {
        **_summary(service),
        "description": service.description,
        "what_happens_next": service.what_happens_next,
        "questions": questions,
        "workflow": [
            {
                "key": s.key,
                "label": s.label,
                "public_label": s.public_label,
                "status": s.status,
                "resolution": s.resolution,
                "next": [n.key for n in flow.next_states(s.key)],
            }
            for s in flow.states
        ],
        "initial_state": flow.initial,
    }
