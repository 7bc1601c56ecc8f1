"""Open311 documents in XML and JSON, and reading what clients send.

The specification's XML has no schema or namespace; its JSON is the Spark convention's mapping
of the same XML: a root that is a list of elements becomes a JSON array, a list inside an
element (``attributes``, ``values``, ``groups``) an array under that key.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qsl
from xml.etree.ElementTree import Element, SubElement, tostring  # noqa: S405 (writing only)

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.http import HttpResponse
from django.utils.dateparse import parse_date, parse_datetime

from borough.core.text import CONTROL_CHARACTER_MESSAGE, control_character_problem, xml_safe

FORMATS = ("xml", "json")
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
# The element each item of a list is written as, by the list's own name.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "groups": "group",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


class BadInput(ValueError):
    """What the client sent cannot be read. ``str(error)`` says why, in the client's terms."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    # Text stored before control characters were refused must not break the document.
    return xml_safe(str(value))


def w3c(moment: dt.datetime) -> str:
    """A date and time as the specification writes them: ISO 8601 with the offset, no
    microseconds, ``Z`` for UTC."""
    text = moment.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _fill(parent: Element, key: str, value: Any) -> None:
    if isinstance(value, list):
        container = SubElement(parent, key)
        for item in value:
            _fill(container, ITEM_TAGS.get(key, "item"), item)
        return
    element = SubElement(parent, key)
    if isinstance(value, dict):
        for child_key, child in value.items():
            _fill(element, child_key, child)
    else:
        text = _text(value)
        if text is not None:
            element.text = text


def to_xml(root: str, body: list | dict) -> bytes:
    """``<root>`` holding each item of a list (as ``ITEM_TAGS[root]``) or each key of a dict."""
    element = Element(root)
    if isinstance(body, list):
        for item in body:
            _fill(element, ITEM_TAGS[root], item)
    else:
        for key, value in body.items():
            _fill(element, key, value)
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="unicode").encode()
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return w3c(value)
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def respond(fmt: str, root: str, body: list | dict, *, status: int = 200) -> HttpResponse:
    """The document in the format asked for, with the specification's content type."""
    if fmt == "json":
        content = json.dumps(_json_value(body), ensure_ascii=False).encode()
    else:
        content = to_xml(root, body)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def _escape(text: str) -> str:
    # What ElementTree escapes in text (tostring above), so both writers give the same bytes.
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _flat_xml(root: str, rows: list[dict[str, Any]]) -> bytes:
    """``to_xml`` for a list of flat entries (every value text, a number, true/false or
    nothing), written as strings: the same bytes, without a tree of 17,000 elements."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n']
    if not rows:
        parts.append(f"<{root} />")
        return "".join(parts).encode()
    item = ITEM_TAGS[root]
    parts.append(f"<{root}>")
    for row in rows:
        parts.append(f"<{item}>")
        for key, value in row.items():
            text = _text(value)
            parts.append(f"<{key}>{_escape(text)}</{key}>" if text else f"<{key} />")
        parts.append(f"</{item}>")
    parts.append(f"</{root}>")
    return "".join(parts).encode()


def respond_rows(fmt: str, root: str, rows: list[dict[str, Any]]) -> HttpResponse:
    """``respond`` for a list of flat entries whose values are already written (dates and
    times as ``w3c`` text): the same document, at a fraction of the cost for long lists."""
    if fmt == "json":
        content = json.dumps(rows, ensure_ascii=False).encode()
    else:
        content = _flat_xml(root, rows)
    return HttpResponse(content, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error document: ``<errors><error><code/><description/>``."""
    body = [{"code": status, "description": d} for d in descriptions]
    return respond(fmt if fmt in FORMATS else "xml", "errors", body, status=status)


# ------------------------------------------------------------------------------ reading


def parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """The fields of a POST: form-encoded (what the specification says and every client sends),
    or, for clients that send documents, a JSON object or an XML element of fields.

    Returns plain fields, with ``attribute[code]`` keys (or an ``attribute`` object) gathered
    into ``"attribute"``. Raises ``BadInput`` for a body that cannot be read.
    """
    kind = content_type.split(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("The request body must be encoded as UTF-8") from None
    if kind == "application/json":
        try:
            data = json.loads(text)
        except ValueError:
            raise BadInput("The request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise BadInput("The JSON body must be an object of fields")
        return _gather(data.items())
    if kind in {"text/xml", "application/xml"}:
        try:
            root = SafeElementTree.fromstring(text)
        except (SafeElementTree.ParseError, DefusedXmlException):
            raise BadInput("The request body is not well-formed XML") from None
        fields: list[tuple[str, Any]] = []
        for child in root:
            if child.tag in {"attribute", "attributes"}:
                fields.extend((f"attribute[{a.tag}]", (a.text or "").strip()) for a in child)
            elif len(child):
                raise BadInput(f"The XML element {child.tag} must hold text only")
            else:
                fields.append((child.tag, (child.text or "").strip()))
        return _gather(fields)
    if kind in {"application/x-www-form-urlencoded", ""}:
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
        except ValueError:
            raise BadInput("The form body is not valid application/x-www-form-urlencoded") from None
        return _gather(pairs)
    raise BadInput(
        "Send the request as application/x-www-form-urlencoded (or application/json, text/xml)"
    )


def _gather(pairs) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for key, value in pairs:
        key = str(key)
        if key == "attribute" and isinstance(value, dict):
            for code, item in value.items():
                attributes[str(code)] = item
        elif key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute[") : -1]
            # A multivaluelist comes as attribute[code][]=a&attribute[code][]=b.
            if code.endswith("]["):
                code = code[:-2]
            if code.endswith("[]"):
                code = code[:-2]
            if code in attributes:
                previous = attributes[code]
                attributes[code] = (
                    [*previous, value]
                    if isinstance(previous, list)
                    else [
                        previous,
                        value,
                    ]
                )
            else:
                attributes[code] = value
        elif isinstance(value, dict | list):
            raise BadInput(f"The field {key} must be text")
        else:
            fields[key] = "" if value is None else str(value)
    fields["attribute"] = attributes
    where = control_character_problem(fields)
    if where is not None:
        raise BadInput(f"{_field_name(where)} {CONTROL_CHARACTER_MESSAGE}")
    return fields


def _field_name(path: str) -> str:
    """A path from ``control_character_problem`` as the client named the field."""
    head, _, rest = path.partition(".")
    if head == "attribute" and rest:
        return f"attribute[{rest.split('[')[0]}]"
    return head.split("[")[0] or "A field name"


def parse_moment(name: str, raw: str) -> dt.datetime | None:
    """A date and time in the W3C profile of ISO 8601; ``None`` for a blank value.

    A date alone means its midnight in UTC; a time without an offset is refused, as the
    specification requires one.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    example = "like 2026-11-05T13:15:30Z"
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            if day is None:
                raise ValueError
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    except (ValueError, OverflowError):
        raise BadInput(f"{name} must be a date and time in ISO 8601 format, {example}") from None
    if moment.tzinfo is None:
        raise BadInput(f"{name} must include a time zone (Z or an offset), {example}")
    return moment
