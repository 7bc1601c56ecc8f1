"""The routing plan file: export and import round trip, all-or-nothing import with every
problem listed, and who may change the plan."""

from __future__ import annotations

import json

import pytest
import yaml
from django.core.management import call_command

from borough.cases.errors import NotAllowed
from borough.core.actors import StaffActor, SystemActor
from borough.telephony.models import CallQueue, Line, PhoneNumber
from borough.telephony.plan_file import PlanInvalid, plan_dump, plan_export, plan_import
from borough.telephony.services import route_call

from .conftest import REPAIRS

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


def test_export_then_import_gives_the_same_plan(plan):
    before = plan_export()
    for fmt in ("yaml", "json"):
        text = plan_dump(fmt)
        Line.objects.all().delete()
        CallQueue.objects.all().delete()
        counts = plan_import(actor=SYSTEM, text=text)
        assert counts == {"lines": 2, "queues": 2, "numbers": 2}
        assert plan_export() == before
    assert json.loads(plan_dump("json"))["lines"][1]["voicemail_service"] == "phone-message"


def test_an_import_replaces_the_plan_and_the_next_call_uses_it(plan):
    data = plan_export()
    data["lines"] = [line for line in data["lines"] if line["slug"] == "repairs"]
    data["lines"][0]["greeting"] = "Repairs, new greeting."
    data["lines"][0]["numbers"] = ["+441632960300"]
    plan_import(actor=SYSTEM, text=yaml.safe_dump(data))
    assert list(Line.objects.values_list("slug", flat=True)) == ["repairs"]
    assert route_call(dialled=REPAIRS, caller="").line is None
    assert route_call(dialled="+441632960300", caller="").greeting == "Repairs, new greeting."


def test_a_bad_file_lists_every_problem_and_changes_nothing(plan):
    before = plan_export()
    data = plan_export()
    data["lines"][0]["numbers"] = ["01632 960100"]
    data["lines"][0]["opening_hours"] = {"mon": ["18:00-08:00"], "funday": []}
    data["lines"][0]["queue"] = "nowhere"
    data["lines"][1]["out_of_hours_transfer"] = "emergency repairs"
    data["lines"][1]["numbers"] = [REPAIRS, "+441632960200"]
    data["lines"][1]["recording_retention_days"] = 0
    data["lines"][1]["colour"] = "blue"
    with pytest.raises(PlanInvalid) as raised:
        plan_import(actor=SYSTEM, text=yaml.safe_dump(data))
    problems = "\n".join(raised.value.problems)
    for expected in (
        "must be in E.164",
        "'18:00-08:00' must be HH:MM-HH:MM",
        "'funday' is not a weekday",
        "queue 'nowhere' is not one of the plan's queues",
        "out_of_hours_transfer: 'emergency repairs' must be a SIP address",
        "recording_retention_days must be a whole number",
        "unknown field 'colour'",
    ):
        assert expected in problems
    assert plan_export() == before


@pytest.mark.parametrize(
    "text, problem",
    [
        ("lines: [oops", "not YAML or JSON"),
        ("- just a list", "must hold a plan"),
        ("version: 2\nqueues: []\nlines: []", "version must be 1"),
    ],
)
def test_a_file_that_is_not_a_plan_is_refused(plan, text, problem):
    with pytest.raises(PlanInvalid, match=problem):
        plan_import(actor=SYSTEM, text=text)
    assert PhoneNumber.objects.count() == 2


def test_a_voicemail_service_must_take_a_message(plan):
    data = plan_export()
    data["lines"][0]["voicemail_service"] = "report-missed-bin"
    with pytest.raises(PlanInvalid, match="voicemails cannot be raised on 'report-missed-bin'"):
        plan_import(actor=SYSTEM, text=json.dumps(data))


def test_only_administrators_may_change_the_plan(plan, agent, waste_officer, admin):
    text = plan_dump()
    for person in (agent, waste_officer):
        with pytest.raises(NotAllowed):
            plan_import(actor=StaffActor(person), text=text)
    assert plan_import(actor=StaffActor(admin), text=text)["lines"] == 2


def test_the_management_command_exports_and_imports(plan, tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    call_command("routing_plan", "export", str(path))
    Line.objects.all().delete()
    call_command("routing_plan", "import", str(path))
    assert Line.objects.count() == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nlines: [{slug: x}]\n")
    with pytest.raises(SystemExit):
        call_command("routing_plan", "import", str(bad))
    assert "greeting is missing" in capsys.readouterr().err
    assert Line.objects.count() == 2


def test_a_recording_line_gets_the_default_notice_unless_one_is_given_empty(plan):
    data = plan_export()
    del data["lines"][1]["recording_notice"]  # repairs records calls
    plan_import(actor=SYSTEM, text=yaml.safe_dump(data))
    assert "may be recorded" in Line.objects.get(slug="repairs").recording_notice
    data["lines"][1]["recording_notice"] = " "
    with pytest.raises(PlanInvalid, match="needs the recording notice"):
        plan_import(actor=SYSTEM, text=yaml.safe_dump(data))
