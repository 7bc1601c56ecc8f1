"""The waiting list's priority (ADR 0046): the sum of the points of the council's eligibility
rules a nomination meets, with each reason kept so the list can say why. Equal priorities are
served in the order nominated. Pure functions: no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    label: str
    points: int


def priority_of(rules: Iterable) -> tuple[int, list[dict]]:
    """The priority and its reasons (``{"label", "points"}``, most points first) of the rules
    met; rules that are only required (no points) are not listed as reasons."""
    reasons = sorted(
        (Reason(rule.label, rule.points) for rule in rules if rule.points),
        key=lambda reason: (-reason.points, reason.label),
    )
    return sum(r.points for r in reasons), [{"label": r.label, "points": r.points} for r in reasons]


def explain(reasons: list[dict]) -> str:
    """ "No internet at home (30) + Looking for work (20)", or why there is no priority."""
    if not reasons:
        return "No priority reasons: served in the order nominated"
    return " + ".join(f"{r['label']} ({r['points']})" for r in reasons)
