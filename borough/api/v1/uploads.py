"""Uploads: the only way a file reaches a case through the REST API (issue 16).

A client sends the file here first (multipart, field ``file``) and answers the file question
of ``POST /cases`` with the id it gets back. Borough checks the file exactly as the portal
does (its real type from its bytes, photos saved again without metadata, PDFs parsed for
active content) and decides its type and name; the id can be used once, by this client only,
within a day.
"""

from __future__ import annotations

import datetime as dt
import logging

from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from borough.catalogue.answers import AnswerError
from borough.catalogue.definitions import FILE_TYPES, Question
from borough.catalogue.inputs import store_upload
from borough.catalogue.uploads import UNUSED_UPLOAD_HOURS
from borough.clients.auth import bearer_key
from borough.clients.models import ApiClient, Scope
from borough.core.errors import ApiError, ErrorCode
from borough.core.ratelimit import rate_limit_hit

from .schemas import with_errors
from .security import ApiKey, client_of

log = logging.getLogger(__name__)

router = Router(tags=["uploads"])

# The largest file any question takes (a service's max_size_mb is at most 20), plus the form.
MAX_FILE_MB = 20
MAX_UPLOAD_BODY = MAX_FILE_MB * 1024 * 1024 + 64 * 1024
# Every type and size a question may take: each question checks its own when the id is used.
ANY_FILE = Question(
    id="file", type="file", label="File", accept=FILE_TYPES, max_size_mb=MAX_FILE_MB
)


class UploadKey(ApiKey):
    """An API key with the scope for creating cases, on a multipart body of one file: the
    size and type of the body are checked before it is read, and the key before that."""

    def __call__(self, request) -> ApiClient:
        raw_key = bearer_key(request)
        if not raw_key:
            raise ApiError(
                ErrorCode.AUTHENTICATION_FAILED,
                "Send your API key in the Authorization header: Bearer <key>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        client = self.authenticate(request, raw_key)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise ApiError(ErrorCode.BAD_REQUEST, "Content-Length is not a number") from None
        if declared > MAX_UPLOAD_BODY:
            raise ApiError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                f"The file is too large: the most accepted is {MAX_FILE_MB}MB",
            )
        if not (request.content_type or "").lower().startswith("multipart/form-data"):
            raise ApiError(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "Send the file as multipart/form-data, in a field called file",
            )
        return client


class UploadOut(Schema):
    id: str = Field(description="Give this as the answer to a file question of POST /cases")
    name: str = Field(description="The name Borough gave the file")
    content_type: str = Field(
        description="What the file really is: image/jpeg, image/png or application/pdf"
    )
    size: int = Field(description="Bytes, as kept (photos are saved again, smaller)")
    expires_at: dt.datetime = Field(description="Unused by then, the file is deleted")


@router.post(
    "/uploads",
    auth=UploadKey(Scope.CASES_WRITE),
    response=with_errors({201: UploadOut}),
    summary="Upload a file for a case's answer",
)
def upload_create(request, file: File[UploadedFile]):
    """A JPEG, PNG or PDF of at most 20MB (a question may take less), as ``multipart/form-data``
    in a field called ``file``. Photos are saved again without their metadata; PDFs with
    scripts, launch actions, embedded files, rich media, XFA forms or a password are refused.
    Answer a file question of ``POST /cases`` with the ``id``: it can be used once, by this
    client only, and is deleted if unused after a day."""
    client = client_of(request)
    wait = rate_limit_hit(request, "upload", who=f"api-client:{client.pk}")
    if wait:
        raise ApiError(
            ErrorCode.RATE_LIMITED,
            f"Too many uploads: try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )
    try:
        answer = store_upload(ANY_FILE, file, actor=client.as_actor())
    except AnswerError as problem:
        raise ApiError(
            ErrorCode.VALIDATION_FAILED,
            "The file cannot be used: see details",
            details=[{"field": "file", "message": str(problem)}],
        ) from None
    log.info("api upload kept", extra={"api_client": client.pk})
    return 201, {
        "id": answer["upload"],
        "name": answer["name"],
        "content_type": answer["content_type"],
        "size": answer["size"],
        "expires_at": _expiry(),
    }


def _expiry() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=UNUSED_UPLOAD_HOURS)
