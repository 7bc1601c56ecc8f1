"""Who may use each action of the case page (agents and other teams get 403) and stale pages
refused (409), unlinking included."""

import pytest

from borough.accounts.models import Team
from borough.cases.models import CaseLink
from tests.hub.case_page import act, fresh, page
from tests.signing_in import staff_login

# --- Permissions and stale pages ----------------------------------------------------------

ACTIONS = [
    ("update", {"update_text": "Hello"}),
    ("duplicate", {"original_reference": "REF"}),
    ("link", {"other_reference": "REF"}),
    ("unlink", {"other": "REF"}),
    ("transfer", {"team": "TEAM", "transfer_reason": "Because"}),
]


def _fill(data, other, team):
    return {
        k: (other.reference if v == "REF" else team.pk if v == "TEAM" else v)
        for k, v in data.items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("action, data", ACTIONS, ids=[a for a, _ in ACTIONS])
def test_agents_and_other_teams_get_403_for_every_new_action(
    client, make_case, case, agent, highways_officer, action, data
):
    other = make_case(100021500002)
    data = _fill(data, other, Team.objects.get(slug="parks"))
    before = fresh(case).version, fresh(other).version
    for user in (agent, highways_officer):
        staff_login(client, user)
        assert act(client, case, action, **data).status_code == 403
    assert (fresh(case).version, fresh(other).version) == before
    staff_login(client, highways_officer)
    assert client.get(f"/hub/cases/{case.reference}/").status_code == 403
    staff_login(client, agent)
    html = page(client, case)
    assert "Send a public update" not in html and "Transfer to another team" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("action, data", ACTIONS[:3] + ACTIONS[4:], ids=lambda v: str(v)[:10])
def test_every_new_action_refuses_a_stale_page(
    client, make_case, case, waste_officer, action, data
):
    other = make_case(100021500002)
    data = _fill(data, other, Team.objects.get(slug="parks"))
    staff_login(client, waste_officer)
    stale = fresh(case).version
    act(client, case, "priority", priority=3)
    response = act(client, case, action, version=stale, **data)
    assert response.status_code == 409
    assert "This case was changed by" in response.content.decode()
    assert fresh(case).version == stale + 1
    assert fresh(other).events.count() == 1


@pytest.mark.django_db
def test_unlinking_from_a_stale_page_is_refused(client, make_case, case, waste_officer):
    other = make_case(100021500002)
    staff_login(client, waste_officer)
    act(client, case, "link", other_reference=other.reference)
    stale = fresh(case).version
    act(client, case, "priority", priority=3)
    assert act(client, case, "unlink", other=other.reference, version=stale).status_code == 409
    assert CaseLink.objects.exists()
