"""What the KPIs count that Borough did not record before: staff time on a case, the letters
posted, and residents signing in to their account."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.errors import NotAllowed, TransitionRefused
from borough.cases.models import Case, CaseEvent
from borough.cases.workflow import case_record_time
from borough.contacts.models import Contact
from borough.core.actors import StaffActor
from borough.insights.models import DailyCount, Kpi, ResidentSignIn
from borough.insights.services import counts_rebuild
from tests.factories import ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login

pytestmark = pytest.mark.django_db


def _total(kpi) -> int:
    return DailyCount.objects.filter(kpi=kpi).aggregate(v=Sum("value"))["v"] or 0


def _post(client, case, **data):
    data.setdefault("version", Case.objects.get(pk=case.pk).version)
    return client.post(f"/hub/cases/{case.reference}/time/", data)


def test_an_officer_records_time_and_a_letter_and_the_counts_take_them_up(
    client, make_case, waste_officer
):
    case = make_case()
    staff_login(client, waste_officer)
    page = client.get(f"/hub/cases/{case.reference}/").content.decode()
    assert "Record your time" in page and 'name="minutes"' in page
    response = _post(client, case, minutes="25", time_note="Checked the round sheet")
    assert response.status_code == 302
    response = _post(client, case, minutes=" 40 ", letter="yes")
    page = client.get(response.url).content.decode()
    assert "40 minutes of work recorded and a letter posted" in page
    assert "25 minutes of work recorded" in page and "Checked the round sheet" in page
    events = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TIME_RECORDED)
    assert sorted(e.data["minutes"] for e in events) == [25, 40]
    letter = Contact.objects.get(case=case, channel="letter")
    assert letter.direction == Contact.Direction.OUTBOUND and letter.service == case.service
    today = timezone.localdate()
    counts_rebuild(start=today, end=today)
    assert _total(Kpi.STAFF_MINUTES) == 65
    assert DailyCount.objects.get(kpi=Kpi.STAFF_MINUTES).team == case.team
    assert _total(Kpi.LETTERS_SENT) == 1
    # The online request is the only contact from the resident; the letter went to them.
    assert _total(Kpi.CONTACTS) == 1 == Contact.objects.filter(direction="inbound").count()


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("", "Enter the time you spent, in minutes"),
        ("half an hour", "whole number of minutes, from 1 to 480"),
        ("0", "whole number of minutes, from 1 to 480"),
        ("481", "whole number of minutes, from 1 to 480"),
        ("-5", "whole number of minutes, from 1 to 480"),
    ],
)
def test_time_that_is_not_a_number_of_minutes_is_explained_and_nothing_is_saved(
    client, make_case, waste_officer, minutes, message
):
    case = make_case()
    staff_login(client, waste_officer)
    response = _post(client, case, minutes=minutes, time_note="Phoned the crew", letter="yes")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(message) == 2  # the summary and the field
    assert 'href="#minutes"' in html
    assert 'value="Phoned the crew"' in html  # what was typed is kept
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.TIME_RECORDED).exists()
    assert not Contact.objects.filter(channel="letter").exists()


def test_a_note_too_long_is_refused_by_its_own_field(make_case, waste_officer):
    case = make_case()
    with pytest.raises(TransitionRefused) as refused:
        case_record_time(case=case, actor=StaffActor(waste_officer), minutes=5, note="x" * 501)
    assert refused.value.field == "time_note"


def test_only_staff_who_may_work_the_case_record_time_on_it(client, make_case, catalogue):
    case = make_case()
    other = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    with pytest.raises(NotAllowed):
        case_record_time(case=case, actor=StaffActor(other), minutes=10)
    staff_login(client, other)
    assert _post(client, case, minutes="10").status_code in (403, 404)
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.TIME_RECORDED).exists()


def test_a_resident_signing_in_counts_once_a_day_and_staff_do_not(client, catalogue, agent):
    resident, other = ResidentUserFactory(), ResidentUserFactory()
    staff_login(client, resident)
    client.logout()
    staff_login(client, resident)
    staff_login(client, other)
    staff_login(client, agent)
    assert ResidentSignIn.objects.count() == 2
    today = timezone.localdate()
    counts_rebuild(start=today, end=today)
    assert _total(Kpi.RESIDENTS_SIGNED_IN) == 2
    assert _total(Kpi.RESIDENTS_REGISTERED) == 2  # both residents joined today; staff do not
