"""The starter eligibility rules (also added by migration 0002): the council changes their
points in the admin. ``default_rules_ensure`` adds any missing, for a database emptied since
(the demo, tests), and leaves the council's changes alone."""

from __future__ import annotations

from .models import EligibilityRule

DEFAULT_RULES = (
    # code, label, points, required
    ("lives-in-borough", "Lives in the borough", 0, True),
    ("no-device", "Has no computer, tablet or smartphone at home", 30, False),
    ("no-internet", "Has no internet connection at home", 20, False),
    ("job-seeking", "Looking for work or training", 20, False),
    ("isolated", "Lives alone or is socially isolated", 15, False),
    ("health", "Has a disability or long-term health condition", 15, False),
    ("care-leaver", "Care leaver or young carer", 15, False),
    ("low-income", "On a low income or receiving benefits", 10, False),
    ("older", "Aged 65 or over", 10, False),
)


def default_rules_ensure() -> dict[str, EligibilityRule]:
    for order, (code, label, points, required) in enumerate(DEFAULT_RULES):
        EligibilityRule.objects.get_or_create(
            code=code,
            defaults={"label": label, "points": points, "required": required, "order": order},
        )
    return {rule.code: rule for rule in EligibilityRule.objects.all()}
