"""Adult social care financial assessment (Care Act 2014 charging; ``financial_assessment.bpmn``,
decisions ``care_charging_band`` and ``care_officer_check``).

The figures (capital limits, tariff income, minimum income guarantee, personal expenses
allowance) are ``CareChargingRates`` rows with the date each applies from; the decisions are
DMN tables an administrator may change; the arithmetic here only adds up what they decided,
and writes each line of it for the letter. Amounts are whole pence, a week.
"""

from __future__ import annotations

from django.utils import timezone

from borough.cases.workflow import case_send_update

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


def calculate_contribution(assessment: dict, figures: dict, band: str, dre: int) -> dict:
    """The weekly contribution and each line of how it was worked out."""
    cost = int(assessment["care_cost_pence"])
    capital = int(assessment["capital_pence"])
    lines = [f"Your capital (savings and investments): {pounds(capital)}"]
    if band == "full_cost":
        lines.append(
            f"This is more than the upper capital limit of "
            f"{pounds(figures['upper_capital_limit'])}, so you pay the full cost of your care."
        )
        return {"band": band, "tariff": 0, "contribution": cost, "lines": lines}
    tariff = 0
    if band == "tariff":
        steps = _ceil_div(capital - figures["lower_capital_limit"], figures["tariff_step"])
        tariff = steps * figures["tariff_per_step"]
        lines.append(
            f"It is between the limits of {pounds(figures['lower_capital_limit'])} and "
            f"{pounds(figures['upper_capital_limit'])}: tariff income of £1 a week for "
            f"every {pounds(figures['tariff_step'])} or part of it above the lower limit "
            f"is {pounds(tariff)} a week."
        )
    else:
        lines.append(
            f"It is not more than the lower capital limit of "
            f"{pounds(figures['lower_capital_limit'])}, so it is not counted."
        )
    income = int(assessment["weekly_income_pence"])
    lines.append(f"Your weekly income: {pounds(income)}")
    if assessment.get("care_home"):
        keep = figures["personal_expenses_allowance"]
        lines.append(f"Personal expenses allowance you keep: {pounds(keep)}")
    else:
        keep = figures[
            "mig_pension_age_single" if assessment.get("pension_age") else "mig_working_age_single"
        ]
        lines.append(f"Minimum income guarantee you keep: {pounds(keep)}")
        if dre:
            lines.append(f"Disability-related expenses allowed: {pounds(dre)}")
    available = max(0, income + tariff - keep - (0 if assessment.get("care_home") else dre))
    contribution = min(available, cost)
    lines.append(
        f"Left to contribute: {pounds(available)}; the cost of your care is "
        f"{pounds(cost)} a week, so you pay {pounds(contribution)} a week."
    )
    return {"band": band, "tariff": tariff, "contribution": contribution, "lines": lines}


@service_task("care.calculate", "Work out the weekly contribution from the decisions")
def calculate(step: StepContext, params: dict) -> dict:
    data = step.data
    reasons = [flag for flag in data.get("flags", []) if flag != "none"]
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
    result = calculate_contribution(data["assessment"], data["rates"], data["band"], allowed)
    if data.get("officer_note"):
        result["lines"].append(f"Our officer's note: {data['officer_note']}")
    return result | {"check_reasons": data["calculation"]["check_reasons"], "checked": True}


@service_task("care.letter", "Write the letter with the calculation and tell the resident")
def letter(step: StepContext, params: dict) -> dict:
    calc = step.data["calculation"]
    case = step.case
    text = "\n".join(
        [
            f"Your financial assessment for care and support ({case.reference})",
            "",
            f"You will pay {pounds(calc['contribution'])} a week towards the cost of your care.",
            "",
            "How we worked this out, using the charging figures in force from "
            f"{step.data['rates']['effective_from']} (Care Act 2014):",
            *[f"- {line}" for line in calc["lines"]],
            "",
            "If anything here is wrong, or your circumstances change, reply to this letter and we "
            "will look at it again.",
        ]
    )
    assessment = FinancialAssessment.objects.get(case=case)
    if assessment.letter_sent_at is None:
        assessment.letter, assessment.letter_sent_at = text, timezone.now()
        assessment.calculation = calc
        assessment.save(update_fields=["letter", "letter_sent_at", "calculation"])
        case.refresh_from_db()
        case_send_update(case=case, text=text[:2000], actor=actor("financial-assessment"))
    return {"sent": True}


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
    return cleaned
