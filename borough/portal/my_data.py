"""The parts of "download my data" beyond the resident record and requests (issue 23): needs
recorded with their consent, chats, and the files given with requests. What staff wrote about
the resident (a need's note, internal notes, a contact's notes) is not the resident's to
download here; a subject access request gathers it for an officer to review."""

from __future__ import annotations

from typing import Any

from borough.assistant.selectors import chats_of
from borough.catalogue.selectors import uploads_of_cases
from borough.people.selectors import needs_of, objections_of


def needs_data(resident) -> list[dict[str, Any]]:
    return [
        {
            "need": need.get_need_display(),
            "recorded_because": need.get_consent_basis_display(),
            "recorded_at": need.consent_recorded_at,
            "withdrawn_at": need.withdrawn_at,
        }
        for need in needs_of(resident)
    ]


def objections_data(resident) -> list[dict[str, Any]]:
    """What the resident has objected to and the council stopped doing (Article 21)."""
    return [
        {"stopped": o.get_activity_display(), "since": o.upheld_at, "request": o.reference}
        for o in objections_of(resident)
    ]


def chats_data(resident, user) -> list[dict[str, Any]]:
    return [
        {
            "started_at": chat.started_at,
            "messages": [
                {"at": m.at, "from": m.get_sender_display(), "text": m.text}
                for m in sorted(chat.messages.all(), key=lambda m: m.seq)
            ],
        }
        for chat in chats_of(resident, user)
    ]


def files_data(cases) -> list[dict[str, Any]]:
    """The photos and files given with each request, or added to it later: name, type and
    size (the files themselves are on the request's page)."""
    references = {case.pk: case.reference for case in cases}
    return [
        {
            "request": references[upload.case_id],
            "name": upload.name,
            "content_type": upload.content_type,
            "size": upload.size,
            "added_at": upload.attached_at,
        }
        for upload in uploads_of_cases(references)
    ]
