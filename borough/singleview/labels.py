"""What the single view's pages call the engine's things: source systems, fields and values in
the words a data officer reads ("Council tax CT00001348", "Date of birth", "7 November 2001")
rather than the engine's names (``council_tax:CT00001348``, ``dob``, ``2001-11-07``).

Every single-view page and message uses these (through the ``singleview`` template filters),
so a system or field is named the same way everywhere. The CSV downloads keep the engine's
names: they are read by programs and go back to the engine.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import dateformat

from borough.linkage.schema import DATE_FIELDS

from .models import BOROUGH_RESIDENTS_SOURCE

#: Names of the source systems the linkage engine's mappings use. A council names its own in
#: the ``SINGLEVIEW_SOURCE_NAMES`` setting; any other is named from its slug.
SOURCE_NAMES = {
    "council_tax": "Council tax",
    "housing": "Housing",
    "waste": "Waste",
    "parking": "Parking",
    "adult_social_care": "Adult social care",
    "electoral_register": "Electoral register",
    "benefits": "Benefits",
    BOROUGH_RESIDENTS_SOURCE: "Borough residents (MyAccount)",
}

#: Labels of every field a record, golden record, review pair or data-quality report names.
FIELD_LABELS = {
    "source_id": "Source id",
    "full_name": "Name as held",
    "first_name": "First name",
    "middle_names": "Middle names",
    "last_name": "Last name",
    "dob": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "household": "Other names at the address",
    "postcode": "Postcode",
    "uprn": "UPRN",
    "phone": "Phone",
    "email": "Email",
    "ni_number": "National Insurance number",
    "last_seen": "Last seen",
}

SEX_NAMES = {"m": "Male", "f": "Female"}
DATE_FORMAT = "j F Y"  # GOV.UK style: 7 November 2001
#: The engine's label for a comparison where one record or both have no value.
NULL_LEVEL = "null"


def _humanised(slug: str) -> str:
    """``some_system`` -> ``Some system``."""
    words = slug.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else slug


def source_name(slug: str) -> str:
    """A source system's name: ``council_tax`` -> ``Council tax``."""
    slug = str(slug or "")
    names = {**SOURCE_NAMES, **settings.SINGLEVIEW_SOURCE_NAMES}
    return names.get(slug) or _humanised(slug)


def record_name(record_id: str) -> str:
    """A record by its system's name and the system's own id: ``council_tax:CT00001348`` ->
    ``Council tax CT00001348``. (Source slugs never hold a colon; source ids may.)"""
    record_id = str(record_id or "")
    source, colon, source_id = record_id.partition(":")
    if not colon:
        return record_id
    return f"{source_name(source)} {source_id}"


def field_label(field: str) -> str:
    """A field's label: ``ni_number`` -> ``National Insurance number``."""
    field = str(field or "")
    return FIELD_LABELS.get(field) or _humanised(field)


def field_value(value, field: str = "") -> str:
    """A value as a person reads it: dates as ``7 November 2001``, sex as ``Male``/``Female``.
    Anything else, and any text that is not the date or code expected, is shown as held."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return dateformat.format(value, DATE_FORMAT)
    text = str(value)
    if field in DATE_FIELDS:
        try:
            return dateformat.format(dt.date.fromisoformat(text.strip()), DATE_FORMAT)
        except ValueError:
            return text
    if field == "sex":
        return SEX_NAMES.get(text.strip().casefold(), text)
    return text


def evidence_level(level: str) -> str:
    """The engine's comparison level, for people: its labels are written for people already
    ("same, first names agree"), except the one for a value missing on one side or both."""
    level = str(level or "")
    if level == NULL_LEVEL:
        return "missing from one or both"
    return level
