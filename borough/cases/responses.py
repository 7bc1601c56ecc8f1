"""Response templates: the placeholders a template may use and how a case fills them."""

from __future__ import annotations

import string

from django.conf import settings

# Placeholder -> what it means (shown to team leads on the template form).
PLACEHOLDERS: dict[str, str] = {
    "reference": "the case reference, for example 7K2P-QX4M",
    "service": "the name of the service",
    "address": "the address or location of the request",
    "due_date": "the date we aim to deal with it by",
    "status": "the status of the case",
    "resident_first_name": "the resident's first name, or 'there' if we do not know it",
    "team": "the name of the team dealing with it",
    "council": "the council's name",
}


def placeholder_problems(text: str) -> list[str]:
    """Why ``text`` cannot be used as a template: unknown or malformed placeholders."""
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        return [
            "A placeholder is not closed. Put each placeholder in curly brackets, like "
            "{reference}, and write {{ or }} for a curly bracket on its own"
        ]
    problems = []
    for name, spec, conversion in fields:
        if name == "":
            problems.append("Put the name of a placeholder inside the curly brackets")
        elif name not in PLACEHOLDERS or spec or conversion:
            known = ", ".join("{" + key + "}" for key in PLACEHOLDERS)
            problems.append(f"{{{name}}} is not a placeholder you can use. You can use: {known}")
    return list(dict.fromkeys(problems))


def case_values(case) -> dict[str, str]:
    """The value of every placeholder for ``case``."""
    if case.property_id:
        address = case.property.single_line
    elif case.street_id:
        address = ", ".join(filter(None, [case.location_description, str(case.street)]))
    else:
        address = case.location_description or "the location you gave"
    resident = case.resident
    return {
        "reference": case.reference,
        "service": case.service.name,
        "address": address,
        "due_date": f"{case.due_date.day} {case.due_date:%B %Y}",
        "status": case.get_status_display().lower(),
        "resident_first_name": (resident.first_name if resident and resident.first_name else "")
        or "there",
        "team": case.team.name,
        "council": settings.COUNCIL_NAME,
    }


def fill(text: str, case) -> str:
    """``text`` with its placeholders replaced by the case's values."""
    return text.format_map(case_values(case))
