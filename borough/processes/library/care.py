"""Adult social care financial assessment (Care Act 2014 charging; ``financial_assessment.bpmn``,
decisions ``care_charging_band`` and ``care_officer_check``).

The figures (capital limits, tariff income, minimum income guarantee, personal expenses
allowance) are ``CareChargingRates`` rows with the date each applies from; the decisions are
DMN tables an administrator may change; the arithmetic here only adds up what they decided,
and writes each line of it for the letter. Amounts are whole pence, a week.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from borough.cases.workflow import case_send_update
from borough.core.languages import message_language

from ..models import CareChargingRates, FinancialAssessment
from ..registry import ServiceUnavailable, StepContext, service_task
from .common import actor


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@service_task("care.rates", "The Care Act charging figures in force today")
def rates(step: StepContext, params: dict) -> dict:
    row = CareChargingRates.objects.filter(effective_from__lte=timezone.localdate()).first()
    if row is None:
        raise ServiceUnavailable("No charging figures are in force today: add this year's figures")
    FinancialAssessment.objects.filter(case=step.case).update(rates=row)
    return {
        "id": row.pk,
        "effective_from": row.effective_from.isoformat(),
        "upper_capital_limit": row.upper_capital_limit,
        "lower_capital_limit": row.lower_capital_limit,
        "tariff_step": row.tariff_step,
        "tariff_per_step": row.tariff_per_step,
        "personal_expenses_allowance": row.personal_expenses_allowance,
        "mig_pension_age_single": row.mig_pension_age_single,
        "mig_working_age_single": row.mig_working_age_single,
    }


def _counted_lines(assessment: dict) -> list[str]:
    """What the resident told us and what of it counts (answers from the online form carry
    each part; answers given whole, by an agent or an older form, have none)."""
    parts = assessment.get("parts") or {}
    if not parts:
        return []
    lines = []
    for key, words in (
        ("pension_weekly", _("Pensions: %(amount)s a week")),
        ("benefits_weekly", _("Benefits: %(amount)s a week")),
    ):
        lines.append(words % {"amount": pounds(parts.get(key, 0))})
    if parts.get("earnings_weekly"):
        lines.append(
            _("Earnings from work: %(amount)s a week, not counted (the Care Act rules ignore them)")
            % {"amount": pounds(parts["earnings_weekly"])}
        )
    for key, words in (
        ("savings", _("Savings: %(amount)s")),
        ("investments", _("Investments: %(amount)s")),
        ("other_property_value", _("Other property or land: %(amount)s, counted as capital")),
    ):
        if parts.get(key):
            lines.append(words % {"amount": pounds(parts[key])})
    if parts.get("owns_home") and not assessment.get("care_home"):
        lines.append(_("The home you live in is not counted while you get care at home."))
    elif parts.get("owns_home"):
        lines.append(
            _(
                "The home you own is not counted in this calculation: an officer checks "
                "whether it counts, as it may after your first 12 weeks in a care home."
            )
        )
    return lines


def calculate_contribution(assessment: dict, figures: dict, band: str, dre: int) -> dict:
    """The weekly contribution and each line of how it was worked out (in the active
    language: English for the case, the resident's own for their letter)."""
    cost = int(assessment["care_cost_pence"])
    capital = int(assessment["capital_pence"])
    lines = _counted_lines(assessment)
    lines.append(
        _("Your capital (savings and investments): %(amount)s") % {"amount": pounds(capital)}
    )
    if band == "full_cost":
        lines.append(
            _(
                "This is more than the upper capital limit of %(limit)s, so you pay the full "
                "cost of your care."
            )
            % {"limit": pounds(figures["upper_capital_limit"])}
        )
        return {"band": band, "tariff": 0, "contribution": cost, "dre": 0, "lines": lines}
    tariff = 0
    if band == "tariff":
        steps = _ceil_div(capital - figures["lower_capital_limit"], figures["tariff_step"])
        tariff = steps * figures["tariff_per_step"]
        lines.append(
            _(
                "It is between the limits of %(lower)s and %(upper)s: tariff income of £1 a "
                "week for every %(step)s or part of it above the lower limit is %(tariff)s a "
                "week."
            )
            % {
                "lower": pounds(figures["lower_capital_limit"]),
                "upper": pounds(figures["upper_capital_limit"]),
                "step": pounds(figures["tariff_step"]),
                "tariff": pounds(tariff),
            }
        )
    else:
        lines.append(
            _("It is not more than the lower capital limit of %(limit)s, so it is not counted.")
            % {"limit": pounds(figures["lower_capital_limit"])}
        )
    income = int(assessment["weekly_income_pence"])
    lines.append(_("Your weekly income: %(amount)s") % {"amount": pounds(income)})
    if assessment.get("care_home"):
        keep = figures["personal_expenses_allowance"]
        lines.append(
            _("Personal expenses allowance you keep: %(amount)s") % {"amount": pounds(keep)}
        )
    else:
        keep = figures[
            "mig_pension_age_single" if assessment.get("pension_age") else "mig_working_age_single"
        ]
        lines.append(_("Minimum income guarantee you keep: %(amount)s") % {"amount": pounds(keep)})
        if dre:
            lines.append(
                _("Disability-related expenses allowed: %(amount)s") % {"amount": pounds(dre)}
            )
    available = max(0, income + tariff - keep - (0 if assessment.get("care_home") else dre))
    contribution = min(available, cost)
    lines.append(
        _(
            "Left to contribute: %(available)s; the cost of your care is %(cost)s a week, so "
            "you pay %(contribution)s a week."
        )
        % {
            "available": pounds(available),
            "cost": pounds(cost),
            "contribution": pounds(contribution),
        }
    )
    return {
        "band": band,
        "tariff": tariff,
        "contribution": contribution,
        "dre": dre,
        "lines": lines,
    }


@service_task("care.calculate", "Work out the weekly contribution from the decisions")
def calculate(step: StepContext, params: dict) -> dict:
    data = step.data
    reasons = [flag for flag in data.get("flags", []) if flag != "none"]
    with translation.override("en"):  # the case's record is in English, whoever ran it
        result = calculate_contribution(
            data["assessment"],
            data["rates"],
            data["band"],
            int(data["assessment"].get("disability_expenses_pence", 0)),
        )
    return result | {"check_reasons": reasons}


@service_task("care.apply_check", "Recalculate with the figures the officer allowed")
def apply_check(step: StepContext, params: dict) -> dict:
    data = step.data
    allowed = int(
        data.get(
            "allowed_disability_expenses_pence",
            data["assessment"].get("disability_expenses_pence", 0),
        )
    )
    with translation.override("en"):
        result = calculate_contribution(data["assessment"], data["rates"], data["band"], allowed)
    if data.get("officer_note"):
        result["lines"].append(f"Our officer's note: {data['officer_note']}")
    return result | {"check_reasons": data["calculation"]["check_reasons"], "checked": True}


def write_letter(data: dict, case) -> str:
    """The letter with the calculation, in the resident's language where Borough has it."""
    calc = data["calculation"]
    language = message_language(case.resident.preferred_language if case.resident else "")
    with translation.override(language.code):
        lines = calculate_contribution(
            data["assessment"],
            data["rates"],
            data["band"],
            int(calc.get("dre", data["assessment"].get("disability_expenses_pence", 0))),
        )["lines"]
        if data.get("officer_note"):
            lines.append(_("Our officer's note: %(note)s") % {"note": data["officer_note"]})
        text = "\n".join(
            [
                _("Your financial assessment for care and support (%(reference)s)")
                % {"reference": case.reference},
                "",
                _("You will pay %(amount)s a week towards the cost of your care.")
                % {"amount": pounds(calc["contribution"])},
                "",
                _(
                    "How we worked this out, using the charging figures in force from "
                    "%(date)s (Care Act 2014):"
                )
                % {"date": data["rates"]["effective_from"]},
                *[f"- {line}" for line in lines],
                "",
                _(
                    "If anything here is wrong, or your circumstances change, reply to this "
                    "letter and we will look at it again."
                ),
            ]
        )
    label = language.label()
    return f"{label}\n\n{text}" if label else text


# How long after the letter a returned letter is still taken as this letter's.
RETURN_WATCH_DAYS = 56


@service_task("care.letter", "Write the letter with the calculation and tell the resident")
def letter(step: StepContext, params: dict) -> dict:
    calc = step.data["calculation"]
    case = step.case
    text = write_letter(step.data, case)
    assessment = FinancialAssessment.objects.get(case=case)
    if assessment.letter_sent_at is None:
        assessment.letter, assessment.letter_sent_at = text, timezone.now()
        assessment.calculation = calc
        assessment.save(update_fields=["letter", "letter_sent_at", "calculation"])
        case.refresh_from_db()
        case_send_update(case=case, text=text[:2000], actor=actor("financial-assessment"))
    watch_until = timezone.now() + dt.timedelta(days=RETURN_WATCH_DAYS)
    return {"sent": True, "watch_until": watch_until.isoformat()}


@service_task("care.resend_letter", "Send the letter again, to the address the officer checked")
def resend_letter(step: StepContext, params: dict) -> dict:
    case = step.case
    assessment = FinancialAssessment.objects.get(case=case)
    case.refresh_from_db()
    case_send_update(case=case, text=assessment.letter[:2000], actor=actor("financial-assessment"))
    return {"resent": True}


class AssessmentInvalid(ValueError):
    """An answer the assessment cannot use; ``field`` names it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


_MONEY = {
    "weekly_income_pence": "your weekly income",
    "capital_pence": "your savings and other capital",
    "disability_expenses_pence": "your disability-related expenses",
    "care_cost_pence": "the weekly cost of your care",
}
_YES_NO = ("owns_property", "pension_age", "care_home")


def clean_answers(answers: dict) -> dict:
    """The answers as the process uses them; a clear error for the first one it cannot use."""
    cleaned: dict = {}
    for name, words in _MONEY.items():
        value = answers.get(name, 0 if name == "disability_expenses_pence" else None)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise AssessmentInvalid(f"Enter {words} in pounds and pence, 0 or more", field=name)
        cleaned[name] = value
    if cleaned["care_cost_pence"] == 0:
        raise AssessmentInvalid("Enter the weekly cost of your care", field="care_cost_pence")
    for name in _YES_NO:
        cleaned[name] = bool(answers.get(name, False))
    parts = answers.get("parts") or {}
    if isinstance(parts, dict) and parts:
        cleaned["parts"] = {
            key: value
            for key, value in parts.items()
            if key in _PARTS and isinstance(value, int) and value >= 0
        }
    return cleaned


# The form's parts of an assessment (``care-financial-assessment`` in the catalogue), in
# pence, or yes/no for the home.
_PARTS = {
    "pension_weekly",
    "benefits_weekly",
    "earnings_weekly",
    "savings",
    "investments",
    "other_property_value",
    "owns_home",
}
FORM_SERVICE = "care-financial-assessment"


def _pence(value) -> int:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return -1  # refused by ``clean_answers`` with the field named
    return int((amount * 100).to_integral_value())


def answers_from_form(form: dict) -> dict:
    """The assessment's answers from the online form's (pounds, yes/no): income counted is
    pensions and benefits (earnings are not counted, Care Act 2014 guidance annex C); capital is
    savings, investments and any other property; the home is not counted for care at home, and
    an officer checks it for a care home (``care_officer_check``: owns property)."""
    care_home = form.get("care_setting") == "care_home"
    owns_home = form.get("owns_home") == "yes"
    other = form.get("other_property") == "yes"
    parts = {
        "pension_weekly": _pence(form.get("pension_weekly")),
        "benefits_weekly": _pence(form.get("benefits_weekly")),
        "earnings_weekly": _pence(form.get("earnings_weekly")),
        "savings": _pence(form.get("savings")),
        "investments": _pence(form.get("investments")),
        "other_property_value": _pence(form.get("other_property_value")) if other else 0,
        "owns_home": owns_home,
    }
    money = [value for key, value in parts.items() if key != "owns_home"]
    return {
        "weekly_income_pence": -1
        if min(money) < 0
        else parts["pension_weekly"] + parts["benefits_weekly"],
        "capital_pence": parts["savings"] + parts["investments"] + parts["other_property_value"],
        "disability_expenses_pence": _pence(form.get("disability_expenses")),
        "care_cost_pence": _pence(form.get("care_cost")),
        "owns_property": other or (owns_home and care_home),
        "pension_age": form.get("pension_age") == "yes",
        "care_home": care_home,
        "parts": {key: value for key, value in parts.items() if key == "owns_home" or value >= 0},
    }
