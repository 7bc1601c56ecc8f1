"""Uploads: files Borough checked and issued an id for, kept until a case keeps them (issue 16).

A file enters Borough only through ``upload_keep`` (called by ``inputs.store_upload`` for the
portal, the hub and chat, and by the REST API's upload endpoint). A file question's answer names
an upload by its id; the name, type and size a case shows are always the ones Borough stored.
``uploads_attach`` hands the uploads of a new case to it, once: an upload already used, one
another API client sent, or one unknown is refused. ``uploads_purge`` (a nightly task) deletes
the files no case keeps.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.policies import may_upload_file, may_use_upload
from borough.core.actors import Actor, ApiClientActor, ResidentActor, StaffActor

from .definitions import ServiceForm
from .models import Upload

log = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# How long an upload no case keeps (and no saved form holds) is kept.
UNUSED_UPLOAD_HOURS = 24
_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()-]+")


class UploadRefused(PermissionError):
    """The actor may not hand Borough a file."""


def safe_name(original: str, kind: str) -> str:
    """The name Borough gives a file: the sender's name without its folders, only plain
    letters, digits and a few marks, and the extension of what the file really is."""
    base = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("-", stem).strip(" .-")[:80] or "file"
    return f"{stem}.{EXTENSIONS[kind]}"


def _uploader(actor: Actor) -> dict[str, Any]:
    match actor:
        case ApiClientActor(client_id=client_id):
            return {"uploader": Upload.Uploader.API_CLIENT, "api_client_id": client_id}
        case StaffActor(user=user):
            return {"uploader": Upload.Uploader.STAFF, "user": user}
        case ResidentActor(user=user):
            return {"uploader": Upload.Uploader.RESIDENT, "user": user}
    raise UploadRefused("Borough itself does not upload files")


def upload_keep(*, content: bytes, kind: str, original_name: str, actor: Actor) -> Upload:
    """Store a file already checked (``inputs.store_upload``) under a random name and record
    it. ``kind`` is its real type, read from its bytes."""
    if not may_upload_file(actor):
        raise UploadRefused("This actor may not upload files")
    upload = Upload(
        content_type=kind,
        name=safe_name(original_name, kind),
        size=len(content),
        **_uploader(actor),
    )
    upload.path = default_storage.save(
        f"uploads/{upload.id}.{EXTENSIONS[kind]}", ContentFile(content)
    )
    try:
        upload.save(force_insert=True)
    except Exception:
        default_storage.delete(upload.path)  # no file without its record: nothing to purge
        raise
    return upload


def _live() -> Q:
    """Uploads that are still to be used: unattached, and young or held by a saved form."""
    young = Q(created_at__gte=timezone.now() - dt.timedelta(hours=UNUSED_UPLOAD_HOURS))
    return Q(attached_at__isnull=True) & (young | Q(held_until__gte=timezone.now()))


def upload_id_of(raw: Any) -> str:
    """The upload id a raw file answer gives: the id itself, or ``{"upload": id, ...}``."""
    value = raw.get("upload") if isinstance(raw, dict) else raw
    return value.strip() if isinstance(value, str) else ""


def upload_available(raw: Any) -> Upload | None:
    """The upload a raw answer names, if it exists and no case has used it."""
    upload_id = upload_id_of(raw)
    if not upload_id or len(upload_id) > 32:
        return None
    return Upload.objects.filter(_live(), pk=upload_id).first()


def _file_answers(form: ServiceForm, answers: dict[str, Any]) -> dict[str, str]:
    return {
        q.id: upload_id_of(answers[q.id])
        for q in form.questions
        if q.type == "file" and isinstance(answers.get(q.id), dict)
    }


def uploads_refused(form: ServiceForm, answers: dict[str, Any], actor: Actor) -> dict[str, str]:
    """Errors by question id for file answers ``actor`` may not use (another client's)."""
    errors = {}
    found = Upload.objects.in_bulk(list(_file_answers(form, answers).values()))
    for question_id, upload_id in _file_answers(form, answers).items():
        upload = found.get(upload_id)
        if upload is None or not may_use_upload(actor, upload):
            errors[question_id] = _("Upload the file first, and give the id Borough returned")
    return errors


def uploads_attach(*, case_id: int, form: ServiceForm, answers: dict[str, Any]) -> dict[str, str]:
    """Give a new case the uploads its answers name; errors by question id for any another
    request took first (the caller rolls back). Call inside the case's transaction."""
    errors = {}
    now = timezone.now()
    for question_id, upload_id in _file_answers(form, answers).items():
        taken = Upload.objects.filter(_live(), pk=upload_id).update(
            case_id=case_id, answer=question_id, attached_at=now
        )
        if not taken:
            errors[question_id] = _("Select the file again")
    return errors


def upload_attach_to_update(*, upload_id: str, case_id: int, event_id: int) -> None:
    """Give a case the file a resident added to it later (a timeline event's attachment)."""
    Upload.objects.filter(_live(), pk=upload_id).update(
        case_id=case_id, answer=f"update:{event_id}", attached_at=timezone.now()
    )


def uploads_hold(answers: dict[str, Any], *, until: dt.datetime) -> None:
    """Keep the uploads a saved form's answers name until the saved form expires."""
    ids = [upload_id_of(v) for v in answers.values() if isinstance(v, dict) and "upload" in v]
    if ids:
        Upload.objects.filter(pk__in=ids, attached_at__isnull=True).update(held_until=until)


def upload_of_case(case_id: int, upload_id: Any) -> Upload | None:
    """The upload a case keeps with this id (what the hub serves)."""
    if not isinstance(upload_id, str) or not upload_id:
        return None
    return Upload.objects.filter(pk=upload_id, case_id=case_id).first()


def uploads_purge(now: dt.datetime | None = None) -> int:
    """Delete the files, and records, of uploads no case keeps: never used within a day (or
    after the saved form holding them expired), or whose case was deleted. Returns how many."""
    now = now or timezone.now()
    stale = Q(
        attached_at__isnull=True,
        created_at__lt=now - dt.timedelta(hours=UNUSED_UPLOAD_HOURS),
    ) & (Q(held_until__isnull=True) | Q(held_until__lt=now))
    orphaned = Q(attached_at__isnull=False, case__isnull=True)
    purged = 0
    for upload in Upload.objects.filter(stale | orphaned).iterator():
        default_storage.delete(upload.path)
        upload.delete()
        purged += 1
    if purged:
        log.info("uploads purged", extra={"count": purged})
    return purged
