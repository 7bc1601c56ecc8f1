"""What a service costs (issue 20): a fee rule read from the catalogue file, and the amount in
pence for a set of answers.

A rule is one of:

- fixed: ``amount_pence`` alone;
- per unit: ``amount_pence`` times the answer to a number question (``per: item_count``),
  optionally for a period (``every: year``: a subscription that renews);
- by answer: ``by: pest`` with ``amounts`` for each option of a selection question
  (``amount_pence`` is then the lowest, shown as "from");
- by answer, priced by a decision table: ``by: emissions_band`` with ``decision:
  permit_price`` instead of ``amounts``. The prices are the decision table's (the one the
  service's process uses, versioned and edited in the hub), so the page, the payment and the
  process read one source: the app that owns the table registers a function in
  ``DECIDED_PRICES`` giving each option's price for a set of answers.

Pure Python, no database. GOV.UK Pay takes whole pence from 0 to 10,000,000 (£100,000), so a
rule that could ask for more is refused when the catalogue is loaded, and ``fee_for`` refuses
an amount outside that range rather than sending it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .definitions import ServiceForm

# GOV.UK Pay's limit on one payment, in pence (its create-payment ``amount`` maximum).
PAY_MAXIMUM_PENCE = 10_000_000
PERIODS = {"year"}

#: Prices read from a decision table (``fee: {decision: key}``): key -> function of the answers
#: giving the price in pence of each option of the ``by`` question. Registered by the app that
#: owns the table (``processes.library.permits`` for ``permit_price``).
DECIDED_PRICES: dict[str, Callable[[dict[str, Any]], dict[str, int]]] = {}


class FeeRefused(ValueError):
    """The answers give an amount GOV.UK Pay cannot take (negative, over its limit, not whole
    pence): nothing is sent."""


@dataclass(frozen=True)
class FeeRule:
    amount_pence: int
    per: str = ""
    by: str = ""
    amounts: dict[str, int] = field(default_factory=dict)
    every: str = ""
    decision: str = ""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"amount_pence": self.amount_pence}
        if self.per:
            data["per"] = self.per
        if self.by:
            data["by"] = self.by
            data["amounts"] = dict(self.amounts)
        if self.every:
            data["every"] = self.every
        if self.decision:
            data["decision"] = self.decision
            data.pop("amounts", None)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FeeRule:
        return cls(
            amount_pence=int(data.get("amount_pence", 0)),
            per=str(data.get("per", "")),
            by=str(data.get("by", "")),
            amounts={str(k): int(v) for k, v in (data.get("amounts") or {}).items()},
            every=str(data.get("every", "")),
            decision=str(data.get("decision", "")),
        )

    def priced(self, answers: dict[str, Any]) -> FeeRule:
        """The rule with its amounts filled in: a decision table's prices for these answers
        (``DECIDED_PRICES``), or itself when the catalogue file gives the amounts."""
        if not self.decision:
            return self
        source = DECIDED_PRICES.get(self.decision)
        if source is None:
            raise FeeRefused(f"no prices for the decision {self.decision!r}")
        return replace(self, amounts={str(k): int(v) for k, v in source(answers).items()})

    @property
    def varies(self) -> bool:
        """Does the amount depend on the answers (so the start page says "from")?"""
        return bool(self.per or self.by)

    def amount_for(self, answers: dict[str, Any]) -> int:
        """The amount in pence for these answers. Raises ``FeeRefused`` for an amount Pay
        cannot take (a negative count, more than its limit, a fraction of a penny)."""
        if self.by:
            chosen = answers.get(self.by)
            if chosen not in self.amounts:
                raise FeeRefused(f"no amount for the answer {chosen!r}")
            amount: Any = self.amounts[chosen]
        else:
            amount = self.amount_pence
        if self.per:
            count = answers.get(self.per)
            if isinstance(count, bool) or not isinstance(count, int | float):
                raise FeeRefused("the number to multiply by is missing")
            amount = amount * count
        return check_amount(amount)


def check_amount(amount: Any) -> int:
    """Whole pence, from 0 to Pay's limit, or ``FeeRefused`` saying which rule is broken."""
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise FeeRefused("the amount must be a number of pence")
    if amount != int(amount):
        raise FeeRefused("the amount must be whole pence")
    if amount < 0:
        raise FeeRefused("the amount cannot be negative")
    if amount > PAY_MAXIMUM_PENCE:
        raise FeeRefused("the amount is over GOV.UK Pay's limit of £100,000")
    return int(amount)


def read_fee(raw: Any, path: str, problems: list[str], form: ServiceForm) -> FeeRule | None:
    """Read a service's ``fee`` from the catalogue file, adding every problem to ``problems``."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"{path}: must be null or a mapping")
        return None
    unknown = sorted(
        set(raw) - {"amount_pence", "description", "per", "by", "amounts", "every", "decision"}
    )
    if unknown:
        problems.append(f"{path}: unknown keys {', '.join(map(str, unknown))}")
    before = len(problems)
    raw_amount = raw.get("amount_pence")
    amount = raw_amount if isinstance(raw_amount, int) and _pence(raw_amount) else 0
    if not _pence(raw_amount):
        problems.append(f"{path}.amount_pence: must be whole pence from 0 to {PAY_MAXIMUM_PENCE}")
    per = raw.get("per") or ""
    if per:
        question = form.by_id.get(per)
        if question is None or question.type != "number" or question.max is None:
            problems.append(f"{path}.per: must name a number question with a maximum")
        elif not _pence(amount * int(question.max)):
            problems.append(f"{path}.per: the most it could cost is over GOV.UK Pay's limit")
    by = raw.get("by") or ""
    amounts = raw.get("amounts") or {}
    decision = raw.get("decision") or ""
    if decision:
        if not isinstance(decision, str) or not by or amounts:
            problems.append(f"{path}.decision: needs by, and no amounts (the table has them)")
        elif form.by_id.get(by) is None or form.by_id[by].type != "selection":
            problems.append(f"{path}.by: must name a single-choice selection question")
    elif by:
        question = form.by_id.get(by)
        if question is None or question.type != "selection" or question.multiple:
            problems.append(f"{path}.by: must name a single-choice selection question")
        elif not isinstance(amounts, dict) or set(amounts) != {o.value for o in question.options}:
            problems.append(f"{path}.amounts: must give an amount for every option of {by}")
        elif not all(_pence(v) for v in amounts.values()):
            problems.append(f"{path}.amounts: each must be whole pence from 0 to the limit")
    elif amounts:
        problems.append(f"{path}.amounts: only with by")
    every = raw.get("every") or ""
    if every and every not in PERIODS:
        problems.append(f"{path}.every: must be one of {', '.join(sorted(PERIODS))}")
    if len(problems) > before:
        return None
    return FeeRule(
        amount_pence=amount,
        per=per,
        by=by,
        amounts={str(k): v for k, v in amounts.items()} if by and not decision else {},
        every=every,
        decision=decision,
    )


def _pence(value: Any) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= PAY_MAXIMUM_PENCE
    )


def pounds(pence: int) -> str:
    """£45, £8.50, £1,200: how GOV.UK writes money."""
    return f"£{pence / 100:,.2f}".replace(".00", "")
