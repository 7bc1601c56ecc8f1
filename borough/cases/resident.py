"""What a resident does to their own request (signed in, or holding its tracking link): add
information to it, and say that a closed request is not fixed. Each tells the team by email
after the commit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from borough.accounts.policies import may_change_case
from borough.catalogue.uploads import upload_attach_to_update
from borough.core.actors import Actor
from borough.people.models import Resident

from .errors import TransitionRefused, refuse_unless
from .events import lock, record
from .models import Case, CaseEvent
from .selectors import case_contact_email, case_not_fixed_refusal, case_reopen_state
from .side_effects import acknowledge_on_commit, tell_team_on_commit
from .workflow import transition

RESIDENT_TEXT_LIMIT = 2000
# The same text from the resident within this time is one message sent twice.
RESIDENT_REPEAT_MINUTES = 10


def _resident_text(text: str, *, field: str, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionRefused(empty, field=field)
    if len(text) > RESIDENT_TEXT_LIMIT:
        raise TransitionRefused(
            gettext("Your message must be %(limit)s characters or fewer")
            % {"limit": f"{RESIDENT_TEXT_LIMIT:,}"},
            field=field,
        )
    return text


@transaction.atomic
def case_add_resident_update(
    *, case: Case, text: str, actor: Actor, attachment: dict | None = None
) -> CaseEvent:
    """The resident adds information to their request (signed in, or by their tracking link).

    ``attachment`` is a file already checked and kept by ``catalogue.inputs.store_upload``.
    Writes one public timeline event (marked as from the resident) and tells the team by
    email. ``actor`` is the resident (signed in, or holding the request's tracking link).
    """
    refuse_unless(may_change_case(actor, case, "add_information"))
    text = _resident_text(
        text, field="text", empty=gettext("Enter the information you want to add")
    )
    case = lock(case, None)
    latest = case.events.order_by("-at", "-id").first()
    if (
        latest is not None
        and latest.data.get("from_resident")
        and latest.kind == CaseEvent.Kind.PUBLIC_UPDATE
        and latest.text == text
        and timezone.now() - latest.at < dt.timedelta(minutes=RESIDENT_REPEAT_MINUTES)
    ):
        return latest  # the same message sent twice (a double click): kept once
    data: dict = {"from_resident": True}
    if attachment:
        data["attachment"] = attachment
    event = record(
        case, kind=CaseEvent.Kind.PUBLIC_UPDATE, actor=actor, text=text, public=True, data=data
    )
    if attachment and attachment.get("upload"):
        upload_attach_to_update(upload_id=attachment["upload"], case_id=case.pk, event_id=event.pk)
    tell_team_on_commit(event.pk, "team_resident_update")
    return event


@transaction.atomic
def case_not_fixed(
    *, case: Case, reason: str, actor: Actor, now: dt.datetime | None = None
) -> Case:
    """The resident says a closed request is not fixed: reopen it through the workflow.

    Allowed within ``BOROUGH_NOT_FIXED_DAYS`` of closing, for requests not closed as
    duplicates, where the service's workflow lets a closed request be reopened
    (``selectors.case_not_fixed_refusal``). Moves the case as ``case_transition`` does (one
    timeline event, carrying the resident's reason) and tells the team by email.
    """
    refuse_unless(may_change_case(actor, case, "not_fixed"))
    reason = _resident_text(reason, field="reason", empty=gettext("Enter what is still wrong"))
    refusal = case_not_fixed_refusal(case, now=now or timezone.now())
    if refusal:
        raise TransitionRefused(refusal)
    target = case_reopen_state(case)
    event = transition(
        case=case,
        to_state=target.key,
        to_status="",
        actor=actor,
        resolution="",
        text=reason,
        data={"from_resident": True, "not_fixed": True},
        expected_version=None,
        email_resident=False,
    )
    tell_team_on_commit(event.pk, "team_not_fixed")
    return event.case


@transaction.atomic
def case_add_contact_email(*, case: Case, email: str, actor: Actor) -> Case:
    """A resident who made a request without giving an email address gives one afterwards
    (on the confirmation page), to be sent the reference and told how it goes.

    The address is kept as a new resident record for the request (one with only an email: it
    becomes theirs if they make an account with it and confirm it). Refused if the request has
    a resident or an email address already. The acknowledgement goes after the commit.
    """
    refuse_unless(may_change_case(actor, case, "add_contact"))
    email = (email or "").strip()
    if not email:
        raise TransitionRefused(gettext("Enter your email address"), field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise TransitionRefused(
            gettext("Enter an email address in the correct format, like name@example.com"),
            field="email",
        ) from None
    case = lock(case, None)
    if case_contact_email(case) or case.resident_id is not None:
        # A resident record is changed only by that resident, never through a request.
        raise TransitionRefused(gettext("We already have your contact details for this request"))
    resident = Resident.objects.create(first_name="", last_name="", email=email)
    case.resident = resident
    case.save(update_fields=["resident", "updated_at"])
    acknowledge_on_commit(case.pk)
    return case
