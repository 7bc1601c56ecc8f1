"""Every action on a case checks its own policy (ADR 0023), whoever calls it.

Each state-changing service in ``cases`` is called directly, as a view, an API router, the
assistant or a task would, with every kind of actor that may not use it: an agent (who looks at
cases but does not work them), an officer of another team, a resident who does not own the
case, someone holding another request's tracking link, an API client with only read scopes and
one with a write scope asking for what only staff may do. Each must raise ``NotAllowed`` and
write nothing: no timeline event, no new version, no link, no template.
"""

from __future__ import annotations

import pytest

from borough.accounts.models import Role, Team
from borough.cases.bulk import cases_bulk_assign, cases_bulk_transition
from borough.cases.create import case_create
from borough.cases.errors import NotAllowed
from borough.cases.models import CaseEvent, CaseLink, ResponseTemplate
from borough.cases.relations import case_link, case_mark_duplicate, case_unlink
from borough.cases.resident import case_add_resident_update, case_not_fixed
from borough.cases.response_templates import response_template_delete, response_template_save
from borough.cases.workflow import (
    case_add_note,
    case_assign,
    case_record_time,
    case_send_update,
    case_set_priority,
    case_transfer,
    case_transition,
)
from borough.core.actors import ApiClientActor, ResidentActor, StaffActor, SystemActor
from borough.people.models import Resident
from tests.cases.test_services import missed_bin_answers
from tests.factories import StaffFactory


@pytest.fixture
def cases(make_case):
    owner = Resident.objects.create(first_name="Ama", last_name="Owusu", email="ama@example.com")
    return make_case(resident=owner), make_case(100021500002)


@pytest.fixture
def actors(catalogue, agent, cases):
    parks_officer = StaffFactory(
        email="parks.officer@council.example",
        membership__team=Team.objects.get(slug="parks"),
        membership__role=Role.OFFICER,
    )
    stranger = Resident.objects.create(first_name="Kit", last_name="Lane", email="kit@example.com")
    return {
        "agent": StaffActor(agent),
        "officer of another team": StaffActor(parks_officer),
        "a resident who does not own it": ResidentActor(resident=stranger),
        "another request's tracking link": ResidentActor(tracking_case_id=cases[1].pk),
        "a resident not signed in": ResidentActor(),
        "an API client that only reads": ApiClientActor(
            client_id=1, name="Reader", scopes=frozenset({"cases.read"})
        ),
        "an API client that writes": ApiClientActor(
            client_id=2, name="Writer", scopes=frozenset({"cases.write", "open311.post"})
        ),
    }


def _actions(case, other, waste_officer):
    """Each action on ``case``, as a call taking the actor, with the actors allowed to use it
    among ``actors``' kinds."""
    waste = Team.objects.get(slug="waste")
    parks = Team.objects.get(slug="parks")
    writer = {"an API client that writes"}
    return {
        "transition": (
            lambda actor: case_transition(case=case, to_state="action_scheduled", actor=actor),
            writer,
        ),
        "assign": (
            lambda actor: case_assign(case=case, assignee=waste_officer, actor=actor),
            set(),
        ),
        "set priority": (
            lambda actor: case_set_priority(case=case, priority=3, actor=actor),
            set(),
        ),
        "add a note": (
            lambda actor: case_add_note(case=case, text="Noted", actor=actor, public=False),
            writer,
        ),
        "send an update": (
            lambda actor: case_send_update(case=case, text="On its way", actor=actor),
            set(),
        ),
        "mark as a duplicate": (
            lambda actor: case_mark_duplicate(case=case, original=other, actor=actor),
            set(),
        ),
        "link": (lambda actor: case_link(case=case, other=other, actor=actor), set()),
        "unlink": (lambda actor: case_unlink(case=case, other=other, actor=actor), set()),
        "transfer": (
            lambda actor: case_transfer(case=case, team=parks, reason="Trees", actor=actor),
            set(),
        ),
        "record time": (
            lambda actor: case_record_time(case=case, actor=actor, minutes=5),
            set(),
        ),
        "add information": (
            lambda actor: case_add_resident_update(case=case, text="More", actor=actor),
            set(),
        ),
        "say it is not fixed": (
            lambda actor: case_not_fixed(case=case, reason="Still there", actor=actor),
            set(),
        ),
        "write a response template": (
            lambda actor: response_template_save(actor=actor, team=waste, title="T", body="B"),
            set(),
        ),
    }


ACTIONS = [
    "transition",
    "assign",
    "set priority",
    "add a note",
    "send an update",
    "mark as a duplicate",
    "link",
    "unlink",
    "transfer",
    "record time",
    "add information",
    "say it is not fixed",
    "write a response template",
]


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_refuses_every_actor_who_may_not_use_it(action, cases, actors, waste_officer):
    case, other = cases
    call, allowed = _actions(case, other, waste_officer)[action]
    before = (case.version, CaseEvent.objects.count(), CaseLink.objects.count())
    templates = ResponseTemplate.objects.count()
    refused = []
    for kind, actor in actors.items():
        if kind in allowed:
            continue
        with pytest.raises(NotAllowed):
            call(actor)
        refused.append(kind)
    case.refresh_from_db()
    assert (case.version, CaseEvent.objects.count(), CaseLink.objects.count()) == before
    assert ResponseTemplate.objects.count() == templates
    assert len(refused) >= 6


@pytest.mark.django_db
def test_the_owner_and_their_tracking_link_may_act_on_their_own_request(cases):
    case, _ = cases
    case_add_resident_update(
        case=case, text="Signed in", actor=ResidentActor(resident=case.resident)
    )
    case_add_resident_update(
        case=case, text="By link", actor=ResidentActor(tracking_case_id=case.pk)
    )
    texts = list(
        case.events.filter(kind=CaseEvent.Kind.PUBLIC_UPDATE).values_list("text", flat=True)
    )
    assert sorted(texts) == ["By link", "Signed in"]


@pytest.mark.django_db
def test_an_api_client_without_a_write_scope_cannot_raise_a_request(missed_bin, gazetteer):
    reader = ApiClientActor(client_id=1, name="Reader", scopes=frozenset({"cases.read"}))
    with pytest.raises(NotAllowed):
        case_create(
            actor=reader, service=missed_bin, answers=missed_bin_answers(missed_bin), channel="api"
        )
    assert not CaseEvent.objects.exists()


@pytest.mark.django_db
def test_a_template_delete_by_someone_who_does_not_lead_the_team_is_refused(
    cases, waste_officer, actors
):
    lead = StaffFactory(
        email="lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )
    template = response_template_save(
        actor=StaffActor(lead), team=Team.objects.get(slug="waste"), title="T", body="B"
    )
    for actor in [StaffActor(waste_officer), *actors.values()]:
        with pytest.raises(NotAllowed):
            response_template_delete(actor=actor, template=template)
    assert ResponseTemplate.objects.filter(pk=template.pk).exists()


@pytest.mark.django_db
def test_borough_itself_may_move_a_case_on(cases):
    case, _ = cases
    case = case_transition(case=case, to_state="action_scheduled", actor=SystemActor("test"))
    assert case.state == "action_scheduled"


@pytest.mark.django_db
@pytest.mark.parametrize("bulk", ["assign", "move to a state"])
def test_bulk_actions_refuse_everyone_who_works_no_cases_and_skip_cases_they_cannot_see(
    bulk, cases, actors, waste_officer
):
    case, _ = cases

    def call(actor):
        if bulk == "assign":
            return cases_bulk_assign(actor=actor, case_ids=[case.pk], assignee=waste_officer)
        return cases_bulk_transition(
            actor=actor, case_ids=[case.pk], to_state="action_scheduled", note="Crew on the way"
        )

    before = (case.version, CaseEvent.objects.count())
    for kind, actor in actors.items():
        if kind == "officer of another team":
            # They work their own team's cases, so they may use bulk actions; a case of a team
            # they cannot see is counted as not found and left alone.
            result = call(actor)
            assert (result.changed, result.skipped, result.not_found) == ([], [], 1)
            continue
        with pytest.raises(NotAllowed):
            call(actor)
    case.refresh_from_db()
    assert (case.version, CaseEvent.objects.count()) == before
    assert call(StaffActor(waste_officer)).changed == [case.reference]
