"""Schemas shared by every resource: the error envelope and a page of results."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class ErrorDetail(Schema):
    field: str = Field(description="Where the problem is: a dotted path into the request")
    message: str


class ErrorBody(Schema):
    code: str = Field(description="Stable: branch on it (see docs/how-to/api.md)")
    message: str = Field(description="For people; may be reworded")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorOut(Schema):
    error: ErrorBody


ERRORS = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429)
# The error responses every operation may give, for the OpenAPI file.
ERROR_RESPONSES: dict[int, Any] = {code: ErrorOut for code in ERRORS}


def with_errors(responses: dict[int, Any]) -> dict[int, Any]:
    return {**ERROR_RESPONSES, **responses}
