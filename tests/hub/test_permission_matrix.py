"""The hub's permission matrix: for each role and team, what they can see and do.

Every refusal is tried both by URL and by form post, and a refused post must change nothing.
The policy behind it is ``borough.accounts.policies``; this table is its specification.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.assistant.models import ChatMessage, Conversation
from borough.cases.models import Case, CaseEvent
from borough.clients.models import ApiClient
from borough.contacts.models import Contact, FormSession
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login

ALLOWED, REFUSED, SIGN_IN = "allowed", "refused", "sign in"

# Who is asking. The case in every test belongs to the waste team.
PEOPLE = {
    "anonymous": None,
    "resident": ("resident", None),
    "agent": ("customer-experience", Role.AGENT),
    "waste officer": ("waste", Role.OFFICER),
    "waste team lead": ("waste", Role.TEAM_LEAD),
    "highways officer": ("highways", Role.OFFICER),
    "highways team lead": ("highways", Role.TEAM_LEAD),
    "admin": ("customer-experience", Role.ADMIN),
    "data officer": ("data", Role.OFFICER),
}

# What they try, and who may: every other person in PEOPLE is refused (or asked to sign in).
ACTIONS = {
    "see the queue": {
        "data officer",
        "agent",
        "waste officer",
        "waste team lead",
        "highways officer",
        "highways team lead",
        "admin",
    },
    "open the case": {"agent", "waste officer", "waste team lead", "admin"},
    "assign the case": {"waste officer", "waste team lead", "admin"},
    "change the status": {"waste officer", "waste team lead", "admin"},
    "set the priority": {"waste officer", "waste team lead", "admin"},
    "add an internal note": {"waste officer", "waste team lead", "admin"},
    "send a public update": {"waste officer", "waste team lead", "admin"},
    "see the resident": {"agent", "waste officer", "waste team lead", "admin"},
    "log a contact for the resident": {"agent", "waste officer", "waste team lead", "admin"},
    "start a request for the resident": {"agent", "waste officer", "waste team lead", "admin"},
    "record time on the case": {"waste officer", "waste team lead", "admin"},
    "see the team dashboard": {
        "data officer",
        "waste officer",
        "waste team lead",
        "highways officer",
        "highways team lead",
        "admin",
    },
    "see the KPI dashboards": {"waste team lead", "highways team lead", "admin"},
    "create an API client": {"admin"},
    "search the single view": {"data officer", "admin"},
    "see a linked person": {"data officer", "admin"},
    "decide a review pair": {"data officer", "admin"},
    "reply to a live chat": {
        "agent",
        "waste officer",
        "waste team lead",
        "highways officer",
        "highways team lead",
        "data officer",
        "admin",
    },
}


@pytest.fixture
def world(make_case):
    resident = ResidentFactory(first_name="Ama", last_name="Owusu")
    case = make_case(100021500002, resident=resident)
    crew = StaffFactory(membership__team=Team.objects.get(slug="waste"))
    now = timezone.now()
    chat = Conversation.objects.create(
        status=Conversation.Status.WAITING, started_at=now, updated_at=now, waiting_since=now
    )
    return {"case": case, "resident": resident, "crew": crew, "chat": chat}


def person(who):
    if PEOPLE[who] is None:
        return None
    team_slug, role = PEOPLE[who]
    if team_slug == "resident":
        return ResidentUserFactory()
    return StaffFactory(membership__team=Team.objects.get(slug=team_slug), membership__role=role)


def _single_view():
    """A linked person and a pair to review, as an import of a linkage run leaves them."""
    from borough.singleview.models import LinkedPerson, ReviewPair

    LinkedPerson.objects.create(person_id="PER000000001", first_name="Ama", last_name="Owusu")
    return ReviewPair.objects.create(
        unique_id_l="council_tax:CT1",
        unique_id_r="housing:H1",
        match_probability=0.9,
        person_id_l="PER000000001",
        person_id_r="PER000000002",
    )


def attempt(client, action, world):
    """Try ``action``; return the response and a function saying whether anything changed."""
    from borough.singleview.models import MatchDecision

    case, resident = world["case"], world["resident"]
    single_view = ("search the single view", "see a linked person", "decide a review pair")
    pair = _single_view() if action in single_view else None
    act = f"/hub/cases/{case.reference}/"
    version = {"version": case.version}

    def state():
        return (
            Case.objects.get(pk=case.pk).version,
            CaseEvent.objects.count(),
            Contact.objects.count(),
            FormSession.objects.count(),
            ApiClient.objects.count(),
            MatchDecision.objects.count(),
            ChatMessage.objects.count(),
        )

    before = state()

    def changed():
        return state() != before

    requests = {
        "see the queue": lambda: client.get("/hub/"),
        "open the case": lambda: client.get(act),
        "assign the case": lambda: client.post(
            act + "assign/", {"assignee": world["crew"].pk, **version}
        ),
        "change the status": lambda: client.post(
            act + "status/", {"status": "action_scheduled", **version}
        ),
        "set the priority": lambda: client.post(act + "priority/", {"priority": "4", **version}),
        "add an internal note": lambda: client.post(
            act + "note/", {"text": "Checked", "visibility": "internal", **version}
        ),
        "send a public update": lambda: client.post(
            act + "note/", {"text": "On its way", "visibility": "public", **version}
        ),
        "see the resident": lambda: client.get(f"/hub/residents/{resident.pk}/"),
        "log a contact for the resident": lambda: client.post(
            f"/hub/residents/{resident.pk}/contacts/",
            {"channel": "phone", "reason": "Asked about bins", "outcome": "answered"},
        ),
        "start a request for the resident": lambda: client.post(
            f"/hub/residents/{resident.pk}/requests/new/",
            {"service": "report-missed-bin", "channel": "phone"},
        ),
        "record time on the case": lambda: client.post(
            act + "time/", {"minutes": "20", "note": "Called the crew", **version}
        ),
        "see the team dashboard": lambda: client.get("/hub/dashboard/"),
        "see the KPI dashboards": lambda: client.get("/hub/insights/"),
        "create an API client": lambda: client.post(
            "/hub/api-clients/new/", {"name": "Waste back office", "scopes": ["cases.read"]}
        ),
        "search the single view": lambda: client.get("/hub/single-view/", {"name": "owusu"}),
        "see a linked person": lambda: client.get("/hub/single-view/people/PER000000001/"),
        "decide a review pair": lambda: client.post(
            f"/hub/single-view/review/{pair.pk}/", {"decision": "match", "note": "Same"}
        ),
        "reply to a live chat": lambda: client.post(
            f"/hub/live-chat/{world['chat'].pk}/reply/", {"text": "Hello, I can help"}
        ),
    }
    return requests[action](), changed


def expected(who, action):
    if who == "anonymous":
        return SIGN_IN
    return ALLOWED if who in ACTIONS[action] else REFUSED


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", list(PEOPLE))
def test_permission_matrix(client, world, who, action):
    user = person(who)
    if user is not None:
        staff_login(client, user)
    response, changed = attempt(client, action, world)
    outcome = expected(who, action)
    if outcome == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
        assert not changed()
    elif outcome == REFUSED:
        assert response.status_code == 403, response.status_code
        assert b"You cannot see this page" in response.content
        assert world["case"].reference.encode() not in response.content
        assert not changed()
    else:
        assert response.status_code in (200, 302), response.status_code
        if not action.startswith(("see ", "search ")) and action != "open the case":
            assert changed(), f"{who} was allowed to {action} but nothing happened"


# Bulk actions and saved views. A bulk post names cases by id, so "refused" has two forms:
# people who may not bulk change at all get a 403; officers of another team may post, but the
# case they name is skipped and left unchanged (and its reference is not shown to them).
SKIPPED = "skipped"
BULK_ACTIONS = {
    "bulk assign the case": {"waste officer", "waste team lead", "admin"},
    "bulk change the status": {"waste officer", "waste team lead", "admin"},
}
BULK_SKIPPED = {"highways officer", "highways team lead", "data officer"}
VIEW_ACTIONS = {
    "save a view": {
        "data officer",
        "agent",
        "waste officer",
        "waste team lead",
        "highways officer",
        "highways team lead",
        "admin",
    },
    "share a view with the waste team": {"waste team lead", "admin"},
}


def bulk_expected(who, action):
    if who == "anonymous":
        return SIGN_IN
    if who in BULK_ACTIONS[action]:
        return ALLOWED
    return SKIPPED if who in BULK_SKIPPED else REFUSED


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(BULK_ACTIONS))
@pytest.mark.parametrize("who", list(PEOPLE))
def test_bulk_actions_matrix(client, world, who, action):
    user = person(who)
    if user is not None:
        staff_login(client, user)
    case = world["case"]
    before = Case.objects.get(pk=case.pk).version
    data = {"case": [case.pk]}
    if action == "bulk assign the case":
        data.update(action="assign", assignee=world["crew"].pk)
    else:
        data.update(action="status", to_state="action_scheduled", note="Crew on the way")
    response = client.post("/hub/bulk/", data)
    changed = Case.objects.get(pk=case.pk).version != before
    outcome = bulk_expected(who, action)
    if outcome == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
    elif outcome == REFUSED:
        assert response.status_code == 403
    elif outcome == SKIPPED:
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "1 selected case could not be found or is not one you can see" in page
        assert case.reference not in page
    else:
        assert response.status_code == 302
        assert changed, f"{who} was allowed to {action} but nothing happened"
    assert changed == (outcome == ALLOWED)


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(VIEW_ACTIONS))
@pytest.mark.parametrize("who", list(PEOPLE))
def test_saved_views_matrix(client, world, who, action):
    from borough.hub.models import SavedView

    user = person(who)
    if user is not None:
        staff_login(client, user)
    data = {"name": "Open ones", "query": "status=open"}
    if action == "share a view with the waste team":
        data["team"] = Team.objects.get(slug="waste").pk
    response = client.post("/hub/views/", data)
    saved = SavedView.objects.filter(name="Open ones").first()
    allowed = who in VIEW_ACTIONS[action]
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
    elif who == "resident":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
    assert (saved is not None) == allowed
    if allowed and "team" in data:
        assert saved.team.slug == "waste"


@pytest.mark.django_db
def test_nobody_else_renames_or_deletes_a_saved_view(client, world):
    from borough.hub.models import SavedView

    owner = person("waste team lead")
    staff_login(client, owner)
    client.post(
        "/hub/views/",
        {"name": "Shared", "query": "", "team": Team.objects.get(slug="waste").pk},
    )
    view = SavedView.objects.get()
    for who in ("waste officer", "admin", "highways team lead"):
        staff_login(client, person(who))
        assert client.post(f"/hub/views/{view.pk}/", {"name": "Mine now"}).status_code == 403
        assert client.post(f"/hub/views/{view.pk}/delete/").status_code == 403
    view.refresh_from_db()
    assert view.name == "Shared"
