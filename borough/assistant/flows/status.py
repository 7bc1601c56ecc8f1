"""A request's status, told only to its owner: a request made in this chat, the signed-in
resident's own, or one opened with its tracking link. Any other reference, existing or not,
gets the same reply, so a reference reveals nothing."""

from __future__ import annotations

import re

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from borough.assistant.state import Mode
from borough.assistant.turns import Exchange
from borough.cases.references import normalise_reference
from borough.cases.selectors import case_by_reference
from borough.cases.tracking import case_follow_path, tracking_token_valid

from .handover import failed

TRACK_LINK = re.compile(r"/track/([A-Za-z0-9-]{6,20})/([A-Za-z0-9_:-]{10,200})/?")


def reference_in(text: str) -> str | None:
    """A word of the message that is a case reference as Borough writes them."""
    for word in re.findall(r"\b[A-Za-z0-9]{4}[\s-]?[A-Za-z0-9]{4}\b", text):
        reference = normalise_reference(word)
        if reference is not None and any(ch.isdigit() for ch in reference):
            return reference
    return None


def names_a_request(x: Exchange) -> bool:
    """Does the message give a reference or a tracking link (so the status can be told now)?"""
    return bool(x.u.entities.references or TRACK_LINK.search(x.text) or reference_in(x.text))


def ask_reference(x: Exchange) -> None:
    x.state.mode = Mode.STATUS
    x.say(
        _(
            "What is the reference of your request? It looks like ABCD-EFGH and is in "
            "your confirmation email. You can also paste the tracking link from that "
            "email."
        )
    )


def status_turn(x: Exchange) -> None:
    """Tell the status of the request the message names, if it is the resident's."""
    x.state.mode = Mode.ANYTHING
    text = x.text
    link = TRACK_LINK.search(text)
    token = ""
    if link:
        reference, token = link.group(1), link.group(2)
    elif x.u.entities.references:
        reference = x.u.entities.references[0]
    else:
        reference = reference_in(text) or text.strip()
    case = case_by_reference(reference)
    user_id = x.conversation.user_id
    allowed = case is not None and (
        case.reference in x.state.own_cases
        or (user_id is not None and case.resident is not None and case.resident.user_id == user_id)
        or (token and tracking_token_valid(case.reference, token))
    )
    if case is None or not allowed:
        x.say(
            _(
                "I cannot show you a request with that reference. If it is yours, sign in and "
                "ask again, or paste the tracking link from your confirmation email. Check the "
                "reference looks like ABCD-EFGH."
            )
        )
        failed(x)
        return
    x.state.failures = 0
    flow = case.service.flow
    reply = _("Request %(reference)s (%(service)s): %(status)s.") % {
        "reference": case.reference,
        "service": case.service.local_name,
        "status": flow.public_label(case.state) if case.state else case.get_status_display(),
    }
    if case.is_open and case.due_date:
        reply += " " + _("We aim to deal with it by %(date)s.") % {
            "date": date_format(case.due_date, "j F Y")
        }
    x.say(
        reply,
        links=[{"url": case_follow_path(case, user_id=user_id), "text": _("See the request")}],
    )
