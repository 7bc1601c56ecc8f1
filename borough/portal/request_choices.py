"""The choices made on check answers besides the answers themselves: how a signed-in resident
wants to hear about a request (issue 20), and, for a service for organisations, which of their
organisations it is for (issue 26)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from borough.accounts.organisations import organisations_of
from borough.cases.selectors import contact_choices
from borough.core.actors import ResidentActor
from borough.people.services import resident_for_account

#: The organisation choice's value for "for myself, not an organisation".
MYSELF = "myself"


def _requester(request):
    """Whom a request is for: a signed-in resident's own record (started now for a new
    account, so the request is theirs and acknowledged to the account's email), or nobody."""
    user = request.user
    if not user.is_authenticated or user.is_council_staff:
        return None
    return resident_for_account(user=user, actor=ResidentActor(user=user))


CHOICE_LABELS = {
    "email": gettext_lazy("By email"),
    "sms": gettext_lazy("By text message"),
    "letter": gettext_lazy("By letter to your home"),
}


def _contact_choices(request) -> list[tuple[str, object]]:
    """How a signed-in resident may hear about a request: offered only when there is a choice."""
    resident = _requester(request) if request.user.is_authenticated else None
    choices = contact_choices(resident)
    return [(choice, CHOICE_LABELS[choice]) for choice in choices] if len(choices) > 1 else []


def _usual_choice(request) -> str:
    resident = _requester(request) if request.user.is_authenticated else None
    choices = contact_choices(resident)
    if resident is not None and resident.contact_by in choices:
        return resident.contact_by
    return choices[0] if choices else ""


class ChoiceMissing(ValueError):
    """The resident has a choice to make on check answers and made none (how to hear back;
    which organisation the request is for). ``field`` is the form field."""

    def __init__(self, message: str, field: str = "contact_by"):
        super().__init__(message)
        self.field = field


def _chosen_contact(request) -> str:
    """How the resident chose to hear about the request ("" when they have one way only).
    Raises ``ChoiceMissing`` when they have a choice and made none."""
    choices = contact_choices(_requester(request) if request.user.is_authenticated else None)
    contact_by = request.POST.get("contact_by", "")
    if len(choices) > 1 and contact_by not in choices:
        raise ChoiceMissing(_("Select how you want to hear about this request"))
    return contact_by if len(choices) > 1 else ""


def organisation_choices(request, service) -> list[tuple[str, str]]:
    """For a service for organisations, the signed-in person's organisations and "myself"; an
    empty list (no question) for other services and people in no organisation."""
    if service.audience != "organisations" or not request.user.is_authenticated:
        return []
    members = organisations_of(request.user)
    if not members:
        return []
    return [(str(m.organisation_id), m.organisation.name) for m in members] + [
        (MYSELF, _("Myself, not an organisation"))
    ]


def chosen_organisation(request, service):
    """The organisation chosen on check answers, or None for "myself" and when there was no
    choice. Raises ``ChoiceMissing`` when there was a choice and none (or another's) was made:
    only the person's own organisations are taken."""
    choices = organisation_choices(request, service)
    if not choices:
        return None
    chosen = request.POST.get("organisation", "")
    if chosen == MYSELF:
        return None
    for member in organisations_of(request.user):
        if str(member.organisation_id) == chosen:
            return member.organisation
    raise ChoiceMissing(_("Select who this request is for"), field="organisation")
