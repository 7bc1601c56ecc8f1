"""Adult social care financial assessment: every path of ``financial_assessment.bpmn`` (no
flag: letter with no person; flagged: an officer of the right team checks, then the letter),
each capital band with the Care Act figures, and answers the assessment cannot use."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from borough.core.actors import ResidentActor, StaffActor, SystemActor
from borough.processes.library.care import AssessmentInvalid
from borough.processes.models import (
    FinancialAssessment,
    InstanceStatus,
    ProcessStep,
    StepState,
)
from borough.processes.services import complete_task, start_financial_assessment

SYSTEM = SystemActor("portal")


def _answers(**changes):
    return {
        "weekly_income_pence": 30_000,
        "capital_pence": 1_000_000,
        "disability_expenses_pence": 1_000,
        "care_cost_pence": 20_000,
        "owns_property": False,
        "pension_age": True,
        "care_home": False,
    } | changes


def _assess(case, **changes):
    instance = start_financial_assessment(case=case, answers=_answers(**changes), actor=SYSTEM)
    instance.refresh_from_db()
    return instance, FinancialAssessment.objects.get(case=case)


@pytest.mark.django_db
def test_capital_below_the_lower_limit_counts_income_only_and_the_letter_goes_with_no_person(
    processes, benefits_case
):
    case = benefits_case()
    instance, assessment = _assess(case)
    # the letter went; the process watches for it coming back (``letter_returned``)
    assert instance.status == InstanceStatus.WAITING and not instance.touched_by_person
    assert instance.waiting_for == ["delivery_failed", "letter_returned"]
    # £300 income - £237.30 minimum income guarantee - £10 disability-related expenses
    assert assessment.calculation["contribution"] == 30_000 - 23_730 - 1_000
    assert assessment.calculation["band"] == "income_only"
    assert "You will pay £52.70 a week" in assessment.letter
    assert "not more than the lower capital limit of £14,250.00" in assessment.letter
    assert case.events.filter(is_public=True, text__contains="£52.70").exists()
    assert instance.decisions == {"care_charging_band": 1, "care_officer_check": 1}
    assert not ProcessStep.objects.filter(instance=instance, step_id="officer_check").exists()


@pytest.mark.django_db
def test_capital_between_the_limits_adds_tariff_income_of_a_pound_for_each_250_or_part(
    processes, benefits_case
):
    # £20,000.01 is £5,750.01 above the lower limit: 24 steps of £250 (the last one in part)
    instance, assessment = _assess(benefits_case(), capital_pence=2_000_001)
    calc = assessment.calculation
    assert calc["band"] == "tariff" and calc["tariff"] == 2_400
    assert calc["contribution"] == 30_000 + 2_400 - 23_730 - 1_000
    assert "tariff income of £1 a week for every £250.00" in assessment.letter


@pytest.mark.django_db
def test_capital_above_the_upper_limit_pays_the_full_cost(processes, benefits_case):
    instance, assessment = _assess(benefits_case(), capital_pence=3_000_000)
    assert assessment.calculation["contribution"] == 20_000
    assert "more than the upper capital limit of £23,250.00" in assessment.letter


@pytest.mark.django_db
def test_a_care_home_resident_keeps_the_personal_expenses_allowance(processes, benefits_case):
    instance, assessment = _assess(benefits_case(), care_home=True, care_cost_pence=90_000)
    assert assessment.calculation["contribution"] == 30_000 - 3_065
    assert "Personal expenses allowance you keep: £30.65" in assessment.letter


@pytest.mark.django_db
def test_a_flagged_case_waits_for_an_officer_of_the_team_then_the_letter_uses_their_figures(
    processes, benefits_case, benefits_officer, waste_officer
):
    case = benefits_case()
    instance, assessment = _assess(case, owns_property=True, disability_expenses_pence=4_000)
    assert instance.status == InstanceStatus.WAITING and assessment.letter == ""
    step = ProcessStep.objects.get(instance=instance, step_id="officer_check")
    assert step.state == StepState.WAITING and step.team == "benefits"
    with pytest.raises(PermissionDenied):  # another team's officer may not
        complete_task(step=step, actor=StaffActor(waste_officer), answers={})
    with pytest.raises(PermissionDenied):
        complete_task(step=step, actor=ResidentActor(), answers={})

    complete_task(
        step=step,
        actor=StaffActor(benefits_officer),
        answers={
            "allowed_disability_expenses_pence": 2_000,
            "officer_note": "Receipts seen for £20 a week of the £40 claimed.",
        },
    )
    instance.refresh_from_db()
    assessment.refresh_from_db()
    assert instance.status == InstanceStatus.WAITING and instance.touched_by_person
    assert assessment.calculation["contribution"] == 30_000 - 23_730 - 2_000
    assert "Receipts seen for £20 a week" in assessment.letter
    step.refresh_from_db()
    assert step.by == benefits_officer and step.minutes_saved == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capital_pence": -1}, "capital_pence"),
        ({"weekly_income_pence": "300"}, "weekly_income_pence"),
        ({"care_cost_pence": 0}, "care_cost_pence"),
    ],
)
def test_answers_the_assessment_cannot_use_are_refused_and_nothing_is_kept(
    processes, benefits_case, changes, field
):
    case = benefits_case()
    with pytest.raises(AssessmentInvalid) as refused:
        start_financial_assessment(case=case, answers=_answers(**changes), actor=SYSTEM)
    assert refused.value.field == field
    assert not FinancialAssessment.objects.filter(case=case).exists()
    assert not case.process_instances.exists()
