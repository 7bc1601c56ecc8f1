"""Changing the directory: representatives propose, the directory team decides (ADR 0023).

Nothing a representative writes reaches residents or the API until a member of the directory
team approves it; approval publishes the change and both steps are audited.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.directory_policies import (
    may_propose_for_organisation,
    may_review_directory,
)
from borough.accounts.models import Organisation as AccountOrganisation
from borough.accounts.models import OrganisationMember, OrganisationRole
from borough.core.actors import Actor, acting_user
from borough.core.models import AuditEvent
from borough.core.services import audit_record

from .models import CostOption, Location, Organisation, Proposal, Schedule, Service, TaxonomyTerm

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
#: The fields a representative may propose, in the order the diff shows them.
EDITABLE = [
    "name",
    "description",
    "url",
    "email",
    "phone",
    "eligibility",
    "minimum_age",
    "maximum_age",
    "cost",
    "days",
    "opens_at",
    "closes_at",
    "location",
    "needs",
]
INVITE_SALT = "directory-representative-invite"
INVITE_DAYS = 14
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ProposalInvalid(ValueError):
    """The proposal's problems, by field, in words a representative can act on."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def snapshot(service: Service | None) -> dict:
    """The service's published values in the proposal's shape (empty for a new service)."""
    if service is None:
        return {}
    schedule = service.schedules.first()
    cost = service.cost_options.first()
    location = service.locations.first()
    return {
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "phone": service.phone,
        "eligibility": service.eligibility,
        "minimum_age": "" if service.minimum_age is None else str(service.minimum_age),
        "maximum_age": "" if service.maximum_age is None else str(service.maximum_age),
        "cost": cost.amount_description if cost else "",
        "days": schedule.byday.split(",") if schedule else [],
        "opens_at": schedule.opens_at.strftime("%H:%M") if schedule else "",
        "closes_at": schedule.closes_at.strftime("%H:%M") if schedule else "",
        "location": str(location.pk) if location else "",
        "needs": sorted(service.taxonomy_terms.values_list("code", flat=True)),
    }


def clean(organisation: Organisation, raw: dict) -> dict:
    """The proposal's data checked and normalised; ``ProposalInvalid`` says what is wrong."""
    data = {name: raw.get(name, [] if name in ("days", "needs") else "") for name in EDITABLE}
    for name in EDITABLE:
        if isinstance(data[name], str):
            data[name] = data[name].strip()
    errors: dict[str, str] = {}
    if not data["name"]:
        errors["name"] = _("Enter the name of the service")
    if not data["description"]:
        errors["description"] = _("Enter what the service does")
    try:
        URLValidator(schemes=["http", "https"])(data["url"])
    except ValidationError:
        errors["url"] = _("Enter the service's web address, like https://example.org/help")
    if data["email"]:
        try:
            EmailValidator()(data["email"])
        except ValidationError:
            errors["email"] = _(
                "Enter an email address in the correct format, like name@example.org"
            )
    for name in ("minimum_age", "maximum_age"):
        if data[name] and not (data[name].isdigit() and int(data[name]) <= 120):
            errors[name] = _("Enter an age as a whole number from 0 to 120")
    if not errors.get("minimum_age") and not errors.get("maximum_age"):
        low, high = data["minimum_age"], data["maximum_age"]
        if low and high and int(low) > int(high):
            errors["maximum_age"] = _("The oldest age must be the same as or above the youngest")
    data["days"] = [day for day in DAYS if day in set(data["days"])]
    times = [data["opens_at"], data["closes_at"]]
    if data["days"] or any(times):
        if not data["days"]:
            errors["days"] = _("Choose the days the service runs")
        for name in ("opens_at", "closes_at"):
            if not TIME.match(data[name]):
                errors[name] = _("Enter a time in 24-hour format, like 09:30")
        if not errors.get("opens_at") and not errors.get("closes_at") and times[0] >= times[1]:
            errors["closes_at"] = _("The closing time must be after the opening time")
    if data["location"] and not organisation.locations.filter(pk=_uuid(data["location"])).exists():
        errors["location"] = _("Choose one of your organisation's places")
    known = set(TaxonomyTerm.objects.values_list("code", flat=True))
    data["needs"] = sorted(set(data["needs"]))
    if not data["needs"] or not set(data["needs"]) <= known:
        errors["needs"] = _("Choose at least one need the service helps with")
    if errors:
        raise ProposalInvalid(errors)
    return data


def _uuid(text: str):
    return text if re.fullmatch(r"[0-9a-f-]{36}", text) else None


def proposal_create(
    actor: Actor, organisation: Organisation, raw: dict, *, service: Service | None = None
) -> Proposal:
    """Record a proposed new service (``service`` None) or a change to one of the
    organisation's services. Published nowhere until the directory team approves."""
    if not may_propose_for_organisation(actor, organisation):
        raise PermissionDenied("Only the organisation's representatives may propose changes")
    if service is not None and service.organisation_id != organisation.pk:
        raise PermissionDenied("That service belongs to another organisation")
    data = clean(organisation, raw)
    proposal = Proposal.objects.create(
        organisation=organisation, service=service, proposed_by=acting_user(actor), data=data
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATED,
        object_type="directory.proposal",
        object_id=proposal.pk,
        summary=f"{organisation.name}: {data['name']}",
    )
    return proposal


def diff(proposal: Proposal) -> list[dict]:
    """Each editable field: its label, the published value, the proposed one, and whether it
    changes. For a decided proposal the "before" is today's published service."""
    before = snapshot(proposal.service)
    rows = []
    for name in EDITABLE:
        old, new = before.get(name, ""), proposal.data.get(name, "")
        rows.append(
            {"field": name, "old": _show(name, old), "new": _show(name, new), "changed": old != new}
        )
    return rows


def _show(name: str, value) -> str:
    if name == "location" and value:
        location = Location.objects.filter(pk=value).first()
        return str(location) if location else value
    if name == "needs":
        return ", ".join(TaxonomyTerm.objects.filter(code__in=value).values_list("name", flat=True))
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


@transaction.atomic
def proposal_decide(actor: Actor, proposal: Proposal, *, approve: bool, reason: str) -> Proposal:
    """Approve (and publish) or reject a pending proposal, with the reason the representative
    is shown. A rejection needs a reason."""
    if not may_review_directory(actor):
        raise PermissionDenied("Only the directory team may approve directory changes")
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PENDING:
        raise ProposalInvalid({"decision": _("This change has already been decided")})
    reason = reason.strip()
    if not approve and not reason:
        raise ProposalInvalid({"reason": _("Enter why the change is not approved")})
    if approve:
        proposal.service = _publish(proposal)
    proposal.status = Proposal.Status.APPROVED if approve else Proposal.Status.REJECTED
    proposal.reason = reason
    proposal.decided_by = acting_user(actor)
    proposal.decided_at = timezone.now()
    proposal.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGED,
        object_type="directory.proposal",
        object_id=proposal.pk,
        summary=f"{'Approved' if approve else 'Rejected'}: {proposal.organisation.name}: "
        f"{proposal.data['name']}",
        fields=["status"],
    )
    return proposal


def _publish(proposal: Proposal) -> Service:
    data = proposal.data
    service = proposal.service or Service(organisation=proposal.organisation)
    service.name, service.description, service.url = data["name"], data["description"], data["url"]
    service.email, service.phone, service.eligibility = (
        data["email"],
        data["phone"],
        data["eligibility"],
    )
    service.minimum_age = int(data["minimum_age"]) if data["minimum_age"] else None
    service.maximum_age = int(data["maximum_age"]) if data["maximum_age"] else None
    service.assured_date = timezone.localdate()
    service.save()
    service.taxonomy_terms.set(TaxonomyTerm.objects.filter(code__in=data["needs"]))
    service.locations.set(Location.objects.filter(pk=data["location"]) if data["location"] else [])
    service.cost_options.all().delete()
    CostOption.objects.create(
        service=service,
        amount=None if data["cost"] else 0,
        amount_description=data["cost"] or "Free",
    )
    service.schedules.all().delete()
    if data["days"]:
        Schedule.objects.create(
            service=service,
            byday=",".join(data["days"]),
            opens_at=dt.time.fromisoformat(data["opens_at"]),
            closes_at=dt.time.fromisoformat(data["closes_at"]),
        )
    return service


def invite_token(actor: Actor, organisation: Organisation) -> str:
    """A signed link token that makes whoever opens it (signed in) a representative of the
    organisation, for ``INVITE_DAYS`` days. Directory team only."""
    if not may_review_directory(actor):
        raise PermissionDenied("Only the directory team may invite representatives")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATED,
        object_type="directory.invite",
        object_id=organisation.pk,
        summary=f"Invite link for {organisation.name}",
    )
    return signing.dumps(str(organisation.pk), salt=INVITE_SALT)


def invite_organisation(token: str) -> Organisation | None:
    """The organisation an invite link is for; None if the link is altered or too old."""
    try:
        pk = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_DAYS * 86400)
    except signing.BadSignature:
        return None
    return Organisation.objects.filter(pk=pk).first()


def invite_accept(user, token: str) -> Organisation | None:
    """Make the signed-in ``user`` a member of the listing's organisation account (issue 26);
    None if the link is bad or old. A listing without an account gets one, with ``user`` as
    its owner (they then invite the rest of the organisation themselves); otherwise ``user``
    joins as a member. Proposals then come from the account's members."""
    organisation = invite_organisation(token)
    if organisation is None:
        return None
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        role = OrganisationRole.MEMBER
        if organisation.account_id is None:
            organisation.account = AccountOrganisation.objects.create(
                name=organisation.name,
                kind=AccountOrganisation.Kind.CHARITY,
                email=organisation.email,
            )
            organisation.save(update_fields=["account"])
            role = OrganisationRole.OWNER
        OrganisationMember.objects.get_or_create(
            organisation_id=organisation.account_id, user=user, defaults={"role": role}
        )
        audit_record(
            actor=user,
            action=AuditEvent.Action.CHANGED,
            summary=f"Member of the account of {organisation.name}",
            object_type="directory.organisation",
            fields=["account"],
            object_id=organisation.pk,
        )
    return organisation
