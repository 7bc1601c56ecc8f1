"""Hub writes: saved views of the work queue. Each takes the member of staff acting
(``StaffActor``) and asks ``accounts.policies`` itself. Bulk actions on cases are the cases
app's own (``cases.bulk``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from borough.accounts.models import Team
from borough.accounts.policies import can_change_saved_view, can_share_view, can_use_hub
from borough.core.actors import StaffActor

from .models import SavedView

NAME_MAX = 80


class SavedViewInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _is_staff(actor: StaffActor) -> bool:
    return isinstance(actor, StaffActor) and can_use_hub(actor.user)


def _check_view(*, owner, name: str, team: Team | None, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the view"
    elif len(name) > NAME_MAX:
        errors["name"] = f"Name must be {NAME_MAX} characters or fewer"
    elif (
        SavedView.objects.filter(owner=owner, name__iexact=name)
        .exclude(Q() if exclude is None else Q(pk=exclude))
        .exists()
    ):
        errors["name"] = "You already have a view with this name"
    if team is not None and not can_share_view(owner, team):
        errors["team"] = "You can only share views with a team you lead"
    if errors:
        raise SavedViewInvalid(errors)
    return name


def saved_view_create(
    *, actor: StaffActor, name: str, query: str, team: Team | None = None
) -> SavedView:
    """Save the queue's current filters under a name; a team lead may share it with a team."""
    _refuse_unless(_is_staff(actor))
    name = _check_view(owner=actor.user, name=name, team=team)
    now = timezone.now()
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=actor.user,
                name=name,
                query=query[:1000],
                team=team,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # the same name saved twice at once (a double click)
        raise SavedViewInvalid({"name": "You already have a view with this name"}) from None


def saved_view_update(
    *, actor: StaffActor, view: SavedView, name: str, team: Team | None
) -> SavedView:
    """Rename a saved view, and share it with a team or stop sharing it. Its owner only."""
    _refuse_unless(isinstance(actor, StaffActor) and can_change_saved_view(actor.user, view))
    view.name = _check_view(owner=actor.user, name=name, team=team, exclude=view.pk)
    view.team = team
    view.updated_at = timezone.now()
    view.save(update_fields=["name", "team", "updated_at"])
    return view


def saved_view_delete(*, actor: StaffActor, view: SavedView) -> None:
    """Delete a saved view. Its owner only."""
    _refuse_unless(isinstance(actor, StaffActor) and can_change_saved_view(actor.user, view))
    view.delete()
