"""Data protection impact assessments (issue 23, point 5): one per processing activity that
needs one, linked to its row of the register, with its next review date."""

from __future__ import annotations

import datetime as dt

from borough.accounts.governance_policies import may_govern_information
from borough.cases.errors import NotAllowed
from borough.core.actors import Actor

from .models import Dpia
from .register import register_rows
from .services import Invalid, save_audited

#: Processing Borough does that needs a DPIA (high risk: new technology, matching data sets,
#: special category data at scale, systematic monitoring, publication).
NEEDED = (
    "Single view: linking residents' records across council systems",
    "Resident assistant, and its optional large language model",
    "Voice: recording and transcribing calls",
    "Sensors in council homes",
    "Open311: publishing residents' reports",
)

TEXTS = {
    "activity": ("Enter the processing activity", 200),
    "description": ("Enter what the processing is and why", 5000),
    "risks": ("Enter the risks to people", 5000),
    "measures": ("Enter the measures that reduce the risks", 5000),
}


def dpia_save(
    *, actor: Actor, data: dict[str, str], review_on: dt.date | None, dpia: Dpia | None = None
) -> Dpia:
    """Add or change a DPIA; every field checked, nothing saved on error (``Invalid``)."""
    if not may_govern_information(actor):
        raise NotAllowed("Only information governance staff may change DPIAs")
    errors: dict[str, str] = {}
    clean: dict = {}
    for name, (message, longest) in TEXTS.items():
        value = (data.get(name) or "").strip()
        if not value:
            errors[name] = message
        elif len(value) > longest:
            errors[name] = f"Use {longest} characters or fewer"
        clean[name] = value
    clean["dpo_advice"] = (data.get("dpo_advice") or "").strip()[:5000]
    outcome = data.get("outcome") or ""
    if outcome not in Dpia.Outcome.values:
        errors["outcome"] = "Select the outcome"
    clean["outcome"] = outcome
    key = (data.get("register_key") or "").strip()
    if key and key not in {row.key for row in register_rows()}:
        errors["register_key"] = "Select a row of the register"
    clean["register_key"] = key
    if review_on is None:
        errors["review_on"] = "Enter the date of the next review, like 27 3 2027"
    clean["review_on"] = review_on
    if errors:
        raise Invalid(errors)
    return save_audited(dpia or Dpia(), clean, actor=actor, object_type="dpia", summary="DPIA {}")


def dpias_for(key: str) -> list[Dpia]:
    return list(Dpia.objects.filter(register_key=key))
