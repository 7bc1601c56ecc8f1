"""Cases that belong together: closing a case as a duplicate of another, and linking related
cases (both ways). Each change writes one timeline event on each case it touches."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from borough.accounts.policies import may_change_case, may_see_case
from borough.core.actors import Actor, acting_user

from .errors import TransitionRefused, refuse_unless
from .events import lock_pair, record
from .models import Case, CaseEvent, CaseLink, Resolution, Status
from .side_effects import email_resident_on_commit


def duplicate_root(case: Case) -> Case:
    """The original a chain of duplicates leads to (``case`` itself if it is no duplicate)."""
    seen = {case.pk}
    while case.duplicate_of_id is not None:
        case = Case.objects.select_related("service", "team").get(pk=case.duplicate_of_id)
        if case.pk in seen:  # never expected; stop rather than loop
            break
        seen.add(case.pk)
    return case


@transaction.atomic
def case_mark_duplicate(
    *, case: Case, original: Case, actor: Actor, expected_version: int | None = None
) -> Case:
    """Close ``case`` as a duplicate of ``original`` (or of the case ``original`` duplicates).

    Refused for the case itself, a case of another service, a case that is already closed,
    and a case that others are duplicates of. Writes one event on each case: a public update
    on the duplicate, pointing the resident to the original's reference (emailed), and an
    internal note on the original.
    """
    refuse_unless(may_change_case(actor, case, "mark_duplicate"))
    refuse_unless(may_see_case(actor, original))
    original = duplicate_root(original)
    if original.pk == case.pk:
        raise TransitionRefused("A case cannot be a duplicate of itself")
    case, original = lock_pair(case, original, expected_version)
    if case.duplicate_of is not None:
        raise TransitionRefused(
            f"This case is already closed as a duplicate of {case.duplicate_of.reference}"
        )
    if not case.is_open:
        raise TransitionRefused("This case is closed. Reopen it before marking it as a duplicate")
    if original.service_id != case.service_id:
        raise TransitionRefused(
            f"{original.reference} is a request for a different service "
            f"({original.service.name}). Link the cases instead"
        )
    if case.duplicates.exists():
        raise TransitionRefused(
            "Other cases are duplicates of this one. Mark the other case as a duplicate of "
            "this one instead"
        )
    from_status = case.status
    now = timezone.now()
    # The service's own closing state for duplicates (or its first closing state).
    case.state = case.service.flow.state_for_status(Status.CLOSED, Resolution.DUPLICATE).key
    case.status = Status.CLOSED
    case.resolution = Resolution.DUPLICATE
    case.closed_at = now
    case.duplicate_of = original
    event = record(
        case,
        kind=CaseEvent.Kind.MARKED_DUPLICATE,
        actor=actor,
        public=True,
        text=(
            f"Someone has already reported this and we are dealing with it under reference "
            f"{original.reference}. We have closed your request {case.reference} so that "
            f"the work is only done once. Use reference {original.reference} if you contact us "
            f"about it."
        ),
        data={
            "original": original.reference,
            "from": from_status,
            "to": Status.CLOSED,
            "resolution": Resolution.DUPLICATE,
        },
        fields=("state", "status", "resolution", "closed_at", "duplicate_of"),
    )
    record(
        original,
        kind=CaseEvent.Kind.DUPLICATE_ATTACHED,
        actor=actor,
        data={"duplicate": case.reference},
    )
    email_resident_on_commit(event.pk)
    return case


def _link_refusal(case: Case, other: Case) -> str | None:
    if other.pk == case.pk:
        return "A case cannot be linked to itself"
    first, second = sorted((case.pk, other.pk))
    if CaseLink.objects.filter(first_id=first, second_id=second).exists():
        return f"This case is already linked to {other.reference}"
    return None


@transaction.atomic
def case_link(
    *,
    case: Case,
    other: Case,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> CaseLink:
    """Link two related cases (both ways), with an optional reason. One event on each."""
    refuse_unless(may_change_case(actor, case, "link"))
    refuse_unless(may_see_case(actor, other))
    reason = reason.strip()
    if len(reason) > 500:
        raise TransitionRefused("The reason must be 500 characters or less", field="reason")
    if other.pk == case.pk:
        raise TransitionRefused("A case cannot be linked to itself")
    case, other = lock_pair(case, other, expected_version)
    refusal = _link_refusal(case, other)
    if refusal:
        raise TransitionRefused(refusal)
    first, second = sorted((case, other), key=lambda item: item.pk)
    link = CaseLink.objects.create(
        first=first,
        second=second,
        reason=reason,
        created_by=acting_user(actor),
        created_at=timezone.now(),
    )
    for this, that in ((case, other), (other, case)):
        record(
            this,
            kind=CaseEvent.Kind.LINKED,
            actor=actor,
            text=reason,
            data={"other": that.reference, "link": link.pk},
        )
    return link


@transaction.atomic
def case_unlink(
    *, case: Case, other: Case, actor: Actor, expected_version: int | None = None
) -> None:
    """Remove the link between two cases. One event on each."""
    refuse_unless(may_change_case(actor, case, "link"))
    case, other = lock_pair(case, other, expected_version)
    first, second = sorted((case.pk, other.pk))
    deleted, _ = CaseLink.objects.filter(first_id=first, second_id=second).delete()
    if not deleted:
        raise TransitionRefused(f"This case is not linked to {other.reference}")
    for this, that in ((case, other), (other, case)):
        record(this, kind=CaseEvent.Kind.UNLINKED, actor=actor, data={"other": that.reference})
