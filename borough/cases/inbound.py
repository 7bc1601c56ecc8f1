"""Text messages residents send back to the council's GOV.UK Notify number (issue 20).

``notify`` keeps every received text and hands it here (``notify.callbacks.text_handlers``,
set in ``cases.apps``): the sender is found by their phone number, the text is added to their
latest open request (else their latest request) as information from the resident, exactly as
"add information" on the request page does, the team is told, and the text is recorded as a
contact by text message. A text from a number Borough does not know stays in the hub's outbox
for staff (``notify.ReceivedText`` with no case).
"""

from __future__ import annotations

import logging
import re

from borough.contacts.models import Contact
from borough.contacts.services import contact_record
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.people.models import Resident

from .errors import TransitionRefused
from .models import Case, Status
from .resident import RESIDENT_TEXT_LIMIT, case_add_resident_update

log = logging.getLogger(__name__)


def national_digits(number: str) -> str:
    """A UK number's last ten digits, however it was written: 447700900982, +44 7700 900982
    and 07700 900982 are the same phone."""
    return re.sub(r"\D", "", number or "")[-10:]


def resident_by_phone(number: str) -> Resident | None:
    """The resident whose phone is ``number`` (most recently updated, if several share it)."""
    digits = national_digits(number)
    if len(digits) < 10:
        return None
    candidates = Resident.objects.filter(phone__endswith=digits[-3:]).order_by("-updated_at")
    return next((r for r in candidates if national_digits(r.phone) == digits), None)


def case_text_received(text) -> None:
    """Put a received text on the sender's request; sets ``text.case`` and ``text.resident``."""
    resident = resident_by_phone(text.source_number)
    if resident is None:
        log.info("text from an unknown number kept for staff", extra={"text_id": text.pk})
        return
    text.resident = resident
    requests = Case.objects.filter(resident=resident).select_related("service")
    case = (
        requests.exclude(status=Status.CLOSED).order_by("-created_at").first()
        or requests.order_by("-created_at").first()
    )
    if case is None:
        return
    words = text.message.strip()[:RESIDENT_TEXT_LIMIT]
    try:
        case_add_resident_update(
            case=case,
            text=words,
            actor=ResidentActor(resident=resident, user=resident.user),
        )
    except TransitionRefused:
        return  # an empty text: kept in the outbox, nothing to add
    text.case = case
    contact_record(
        channel=Channel.SMS,
        resident=resident,
        case=case,
        service=case.service,
        reason="Text message about a request",
        outcome=Contact.Outcome.UPDATE_GIVEN,
        started_at=text.received_at,
    )
