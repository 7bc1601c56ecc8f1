"""Turning what a browser posts for one question into the raw answer the form engine checks."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from borough.catalogue.answers import AnswerError
from borough.catalogue.definitions import Question

# The first bytes of each file type we accept: what a file is, not what its name claims.
_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
_NAMES = {"image/jpeg": "JPG", "image/png": "PNG", "application/pdf": "PDF"}


def raw_answer(question: Question, post, files) -> Any:
    """The raw answer to ``question`` from a POST (and its files)."""
    name = question.id
    if question.type == "date":
        return {part: post.get(f"{name}-{part}", "") for part in ("day", "month", "year")}
    if question.type == "selection" and question.multiple:
        return post.getlist(name)
    if question.type == "location":
        choice = post.get(name, "")
        kind, _, ident = choice.partition(":")
        return {
            "uprn": ident if kind == "uprn" else "",
            "usrn": ident if kind == "usrn" else "",
            "description": post.get(f"{name}-description", ""),
        }
    if question.type == "file":
        upload = files.get(name)
        return store_upload(question, upload) if upload else None
    return post.get(name, "")


def store_upload(question: Question, upload: UploadedFile) -> dict:
    """Check an uploaded file's real type and size, then keep it under a random name.

    The type is read from the file's first bytes, so a program renamed ``photo.jpg`` is refused.
    """
    allowed = " or ".join(_NAMES[kind] for kind in question.accept)
    if upload.size == 0:
        raise AnswerError("The selected file is empty")
    if upload.size > question.max_size_mb * 1024 * 1024:
        raise AnswerError(f"The selected file must be smaller than {question.max_size_mb}MB")
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k in question.accept if head.startswith(_SIGNATURES[k])), None)
    if kind is None:
        raise AnswerError(f"The selected file must be a {allowed}")
    path = default_storage.save(f"uploads/{uuid.uuid4().hex}.{_EXTENSIONS[kind]}", upload)
    original = (upload.name or "file").rsplit("/", 1)[-1][:100]
    return {"name": original, "path": path, "content_type": kind, "size": upload.size}
