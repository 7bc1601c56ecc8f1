"""The single view's actions check who is acting themselves (ADR 0023): called directly with an
actor who may not use them, whatever the caller, they raise and change nothing."""

from __future__ import annotations

import pytest

from borough.accounts.models import Role
from borough.core.actors import ApiClientActor, ResidentActor, StaffActor, SystemActor
from borough.core.models import AuditEvent
from borough.singleview.models import LinkageImport, LinkedPerson, MatchDecision, ReviewPair
from borough.singleview.services import NotAllowed, linkage_import, match_decide
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory

from .conftest import team
from .linkage_files import PERSON_AMA

pytestmark = pytest.mark.django_db


def _refused_actors() -> dict[str, object]:
    """Everyone who may not use the single view: staff outside the data team (and the data
    team's agents), residents, API clients."""
    user = ResidentUserFactory()
    return {
        "waste officer": StaffActor(
            StaffFactory(membership__team=team("waste"), membership__role=Role.OFFICER)
        ),
        "agent in the data team": StaffActor(
            StaffFactory(membership__team=team("data"), membership__role=Role.AGENT)
        ),
        "resident": ResidentActor(resident=ResidentFactory(user=user), user=user),
        "API client": ApiClientActor(
            client_id=1, name="repairs", scopes=frozenset({"cases.write"})
        ),
    }


def test_deciding_a_pair_is_refused_to_anyone_outside_the_data_team_and_the_system(
    linkage_file,
):
    linkage_import(actor=SystemActor("tests"), path=linkage_file())
    pair = ReviewPair.objects.order_by("pk").first()
    refused = {**_refused_actors(), "the system": SystemActor("a task")}
    for who, actor in refused.items():
        with pytest.raises(NotAllowed):
            match_decide(actor=actor, pair=pair, decision="match")
        assert not MatchDecision.objects.exists(), who
        assert ReviewPair.objects.filter(pk=pair.pk).exists(), who
    assert not AuditEvent.objects.filter(object_type="review_pair").exists()


def test_a_data_officer_decides_a_pair(linkage_file, data_officer):
    linkage_import(actor=SystemActor("tests"), path=linkage_file())
    pair = ReviewPair.objects.order_by("pk").first()

    made = match_decide(actor=StaffActor(data_officer), pair=pair, decision="non_match")

    assert (made.decided_by, made.decided_by_email) == (data_officer, data_officer.email)
    assert not ReviewPair.objects.filter(pk=pair.pk).exists()


def test_importing_a_run_is_refused_to_anyone_but_the_system_and_the_data_team(
    linkage_file, data_officer
):
    path = linkage_file()
    for who, actor in _refused_actors().items():
        with pytest.raises(NotAllowed):
            linkage_import(actor=actor, path=path)
        assert not LinkageImport.objects.exists(), who
        assert not LinkedPerson.objects.exists(), who

    done = linkage_import(actor=StaffActor(data_officer), path=path)
    assert done.imported_by == str(data_officer)
    assert LinkedPerson.objects.filter(person_id=PERSON_AMA).exists()
    imported = linkage_import(actor=SystemActor("manage.py linkage_import"), path=path)
    assert imported.imported_by == "manage.py linkage_import"
