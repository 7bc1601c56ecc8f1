"""Sections of a subject access package from the apps that came after the first gather
(issue 23): payments and subscriptions (GOV.UK Pay, issue 20) and the sensors in the person's
home (issue 27). Each item has a key by which the officer may withhold it, as in ``sar``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from borough.cases.models import Case
from borough.homes.models import Alert as HomeAlert
from borough.homes.models import Sharing
from borough.payments.models import Agreement, Payment
from borough.people.models import Resident

Item = dict[str, Any]


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def _theirs(resident: Resident, cases: list[Case]) -> Q:
    """Rows that are the person's: theirs by record, account, email or one of their requests."""
    mine = Q(resident=resident) | Q(case__in=cases)
    if resident.user_id:
        mine |= Q(user_id=resident.user_id)
    if resident.email:
        mine |= Q(email__iexact=resident.email)
    return mine


def payments(resident: Resident, cases: list[Case]) -> list[Item]:
    """Card payments the person made or an agent took for them (no card details: Borough never
    holds them; GOV.UK Pay does)."""
    return [
        {
            "key": f"payment:{p.pk}",
            "at": p.created_at,
            "reference": p.reference,
            "for": p.description,
            "amount": _pounds(p.amount_pence),
            "state": p.get_state_display(),
            "paid_at": p.paid_at,
            "refunded": _pounds(p.refunded_pence) if p.refunded_pence else "",
            "how": "by phone with a member of staff" if p.moto else "online",
        }
        for p in Payment.objects.filter(_theirs(resident, cases)).order_by("created_at", "pk")
    ]


def subscriptions(resident: Resident, cases: list[Case]) -> list[Item]:
    return [
        {
            "key": f"agreement:{a.pk}",
            "reference": a.reference,
            "for": a.description,
            "amount": _pounds(a.amount_pence),
            "state": a.get_state_display(),
            "renews_on": a.renews_on,
        }
        for a in Agreement.objects.filter(_theirs(resident, cases)).order_by("pk")
    ]


def home_sensors(resident: Resident) -> list[Item]:
    """The home's sharing choices and what its sensors raised (readings are about the home and
    are summarised, not listed: they are in MyAccount's "Your home")."""
    prop = resident.household.property if resident.household else None
    if prop is None:
        return []
    items: list[Item] = [
        {
            "key": f"sensor_sharing:{s.pk}",
            "at": s.recorded_at,
            "choice": "sharing on" if s.sharing else "sharing off",
        }
        for s in Sharing.objects.filter(property=prop).order_by("recorded_at", "pk")
    ]
    items += [
        {
            "key": f"sensor_alert:{a.pk}",
            "at": a.opened_at,
            "what": a.get_kind_display(),
            "times": a.times_fired,
            "your_answer": a.get_tenant_answer_display() if a.tenant_answer else "",
            "request": a.case.reference if a.case else "",
        }
        for a in HomeAlert.objects.filter(property=prop).select_related("case").order_by("pk")
    ]
    return items
