"""Duplicates, linked cases, transfers, public updates and response templates: the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.errors import CaseChanged, NotAllowed, TemplateInvalid, TransitionRefused
from borough.cases.models import Case, CaseEvent, CaseLink, ResponseTemplate, Status
from borough.cases.nearby import duplicate_suggestions, haversine_metres
from borough.cases.relations import case_link, case_mark_duplicate, case_unlink
from borough.cases.response_templates import response_template_save, response_templates_seed
from borough.cases.workflow import case_send_update, case_transfer, case_transition
from borough.core.actors import StaffActor
from borough.people.models import Resident
from tests.factories import StaffFactory

BASE_LAT, BASE_LON = Decimal("51.545210"), Decimal("-0.478810")


def fresh(case):
    return Case.objects.get(pk=case.pk)


def kinds(case):
    return list(case.events.order_by("at", "id").values_list("kind", flat=True))


@pytest.fixture
def two(make_case):
    return make_case(), make_case(100021500002)


# --- Duplicates ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_marking_a_duplicate_closes_it_points_to_the_original_and_tells_the_resident(
    two, waste_officer, django_capture_on_commit_callbacks
):
    original, duplicate = two
    duplicate.resident = Resident.objects.create(
        first_name="Ama", last_name="Owusu", email="ama@example.com"
    )
    duplicate.save()
    versions = fresh(original).version, fresh(duplicate).version
    with django_capture_on_commit_callbacks(execute=True):
        case_mark_duplicate(
            case=duplicate,
            original=original,
            actor=StaffActor(waste_officer),
            expected_version=versions[1],
        )
    duplicate, original = fresh(duplicate), fresh(original)
    assert (duplicate.status, duplicate.resolution, duplicate.duplicate_of) == (
        Status.CLOSED,
        "duplicate",
        original,
    )
    assert (original.version, duplicate.version) == (versions[0] + 1, versions[1] + 1)
    assert kinds(original) == ["created", "duplicate_attached"]
    assert original.events.last().headline == (
        f"{duplicate.reference} was closed as a duplicate of this case"
    )
    marked = duplicate.events.get(kind=CaseEvent.Kind.MARKED_DUPLICATE)
    assert marked.is_public and original.reference in marked.text
    assert [m.to for m in mail.outbox] == [["ama@example.com"]]
    assert original.reference in mail.outbox[0].body
    assert kinds(duplicate)[-1] == "email_sent"


@pytest.mark.django_db
def test_a_duplicate_of_a_duplicate_points_to_the_original(make_case, waste_officer):
    original, first, second = make_case(), make_case(), make_case()
    case_mark_duplicate(case=first, original=original, actor=StaffActor(waste_officer))
    case_mark_duplicate(case=second, original=fresh(first), actor=StaffActor(waste_officer))
    assert fresh(second).duplicate_of == original
    assert fresh(original).duplicates.count() == 2


@pytest.mark.django_db
def test_a_case_cannot_be_a_duplicate_of_itself(make_case, waste_officer):
    case = make_case()
    with pytest.raises(TransitionRefused, match="A case cannot be a duplicate of itself"):
        case_mark_duplicate(case=case, original=case, actor=StaffActor(waste_officer))
    assert fresh(case).status == Status.NEW


@pytest.mark.django_db
def test_a_case_cannot_be_a_duplicate_of_its_own_duplicate(make_case, waste_officer):
    original, duplicate = make_case(), make_case()
    case_mark_duplicate(case=duplicate, original=original, actor=StaffActor(waste_officer))
    # The chain leads back to ``original`` itself.
    with pytest.raises(TransitionRefused, match="A case cannot be a duplicate of itself"):
        case_mark_duplicate(
            case=fresh(original), original=fresh(duplicate), actor=StaffActor(waste_officer)
        )


@pytest.mark.django_db
def test_a_case_of_another_service_cannot_be_the_original(two, waste_officer, catalogue):
    case, other = two
    Case.objects.filter(pk=other.pk).update(service=catalogue["request-new-bin"])
    with pytest.raises(TransitionRefused, match="is a request for a different service"):
        case_mark_duplicate(case=case, original=fresh(other), actor=StaffActor(waste_officer))
    assert fresh(case).status == Status.NEW


@pytest.mark.django_db
def test_a_closed_case_cannot_be_marked_as_a_duplicate(two, waste_officer):
    case, original = two
    case_transition(
        case=case, to_status=Status.CLOSED, resolution="fixed", actor=StaffActor(waste_officer)
    )
    with pytest.raises(TransitionRefused, match="This case is closed. Reopen it"):
        case_mark_duplicate(case=fresh(case), original=original, actor=StaffActor(waste_officer))


@pytest.mark.django_db
def test_a_case_that_has_duplicates_cannot_become_a_duplicate(make_case, waste_officer):
    original, duplicate, other = make_case(), make_case(), make_case()
    case_mark_duplicate(case=duplicate, original=original, actor=StaffActor(waste_officer))
    with pytest.raises(TransitionRefused, match="Other cases are duplicates of this one"):
        case_mark_duplicate(case=fresh(original), original=other, actor=StaffActor(waste_officer))


@pytest.mark.django_db
def test_marking_a_duplicate_refuses_stale_pages_and_outsiders(two, waste_officer, agent):
    case, original = two
    with pytest.raises(CaseChanged):
        case_mark_duplicate(
            case=case,
            original=original,
            actor=StaffActor(waste_officer),
            expected_version=case.version - 1,
        )
    with pytest.raises(NotAllowed):
        case_mark_duplicate(case=case, original=original, actor=StaffActor(agent))
    assert kinds(fresh(original)) == ["created"] and fresh(case).status == Status.NEW


# --- Duplicate suggestions ----------------------------------------------------------------


def place(case, *, north_m=0.0, east_m=0.0, days_ago=0, **fields):
    """Move a case ``north_m`` and ``east_m`` metres from the base point, made ``days_ago``."""
    lat = BASE_LAT + Decimal(str(round(north_m / 111_195, 6)))
    lon = BASE_LON + Decimal(str(round(east_m / (111_195 * 0.62237), 6)))
    Case.objects.filter(pk=case.pk).update(
        latitude=lat,
        longitude=lon,
        created_at=timezone.now() - dt.timedelta(days=days_ago),
        **fields,
    )
    return fresh(case)


@pytest.mark.django_db
def test_suggestions_are_same_service_cases_nearby_and_recent_nearest_first(
    make_case, catalogue, settings
):
    settings.BOROUGH_DUPLICATE_RADIUS_METRES = 100
    settings.BOROUGH_DUPLICATE_WINDOW_DAYS = 30
    now = timezone.now()
    case = place(make_case())
    near = place(make_case(), north_m=55)
    nearest = place(make_case(), east_m=20)
    east_90 = place(make_case(), east_m=90)  # inside the box and the circle
    place(make_case(), north_m=72, east_m=72)  # inside the box, 102 m away: outside
    place(make_case(), north_m=130)  # too far
    place(make_case(), north_m=10, days_ago=40)  # too old
    recently_closed = place(
        make_case(), north_m=30, status=Status.CLOSED, closed_at=now - dt.timedelta(days=3)
    )
    place(make_case(), north_m=40, days_ago=29, status=Status.CLOSED, closed_at=now)
    long_closed = place(make_case(), north_m=12, days_ago=29)
    Case.objects.filter(pk=long_closed.pk).update(
        status=Status.CLOSED, closed_at=now - dt.timedelta(days=31)
    )
    place(make_case(), north_m=5, service=catalogue["request-new-bin"])  # another service
    found = duplicate_suggestions(case)
    refs = [s.case.reference for s in found]
    assert nearest.reference == refs[0]
    assert set(refs) == {
        near.reference,
        nearest.reference,
        east_90.reference,
        recently_closed.reference,
        Case.objects.filter(created_at__lt=now - dt.timedelta(days=28), closed_at__gte=now)
        .get()
        .reference,
    }
    assert case.reference not in refs
    distances = [round(s.distance_metres) for s in found]
    assert distances == sorted(distances)
    assert 85 <= round(next(s for s in found if s.case == east_90).distance_metres) <= 95


@pytest.mark.django_db
def test_suggestion_radius_and_window_are_settings(make_case, settings):
    case = place(make_case())
    near = place(make_case(), north_m=150, days_ago=45)
    assert duplicate_suggestions(case) == []
    settings.BOROUGH_DUPLICATE_RADIUS_METRES = 200
    settings.BOROUGH_DUPLICATE_WINDOW_DAYS = 60
    assert [s.case for s in duplicate_suggestions(case)] == [near]


@pytest.mark.django_db
def test_cases_already_marked_as_duplicates_and_cases_without_a_place_are_not_suggested(
    make_case, waste_officer
):
    case, original, duplicate = place(make_case()), place(make_case()), place(make_case())
    case_mark_duplicate(case=duplicate, original=original, actor=StaffActor(waste_officer))
    assert [s.case for s in duplicate_suggestions(case)] == [original]
    Case.objects.filter(pk=case.pk).update(latitude=None, longitude=None)
    assert duplicate_suggestions(fresh(case)) == []


def test_haversine_agrees_with_a_known_distance():
    # One minute of latitude is one nautical mile, 1,852 metres, give or take the Earth's shape.
    assert abs(haversine_metres(51.0, 0.0, 51.0 + 1 / 60, 0.0) - 1853) < 5


# --- Links --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_linking_is_symmetric_stored_once_with_events_on_both(two, waste_officer):
    case, other = two
    case_link(case=other, other=case, actor=StaffActor(waste_officer), reason="Same bin store")
    link = CaseLink.objects.get()
    assert (link.first_id, link.second_id) == tuple(sorted((case.pk, other.pk)))
    assert kinds(fresh(case))[-1] == kinds(fresh(other))[-1] == "linked"
    with pytest.raises(TransitionRefused, match=f"already linked to {other.reference}"):
        case_link(case=fresh(case), other=fresh(other), actor=StaffActor(waste_officer))
    case_unlink(case=fresh(case), other=fresh(other), actor=StaffActor(waste_officer))
    assert not CaseLink.objects.exists()
    assert kinds(fresh(case))[-1] == kinds(fresh(other))[-1] == "unlinked"
    with pytest.raises(TransitionRefused, match=f"not linked to {other.reference}"):
        case_unlink(case=fresh(case), other=fresh(other), actor=StaffActor(waste_officer))


@pytest.mark.django_db
def test_a_case_cannot_be_linked_to_itself_or_with_a_long_reason(two, waste_officer):
    case, other = two
    with pytest.raises(TransitionRefused, match="cannot be linked to itself"):
        case_link(case=case, other=case, actor=StaffActor(waste_officer))
    with pytest.raises(TransitionRefused, match="500 characters or less"):
        case_link(case=case, other=other, actor=StaffActor(waste_officer), reason="x" * 501)
    assert not CaseLink.objects.exists()


@pytest.mark.django_db
def test_linking_to_a_case_the_officer_cannot_see_is_not_allowed(two, waste_officer, catalogue):
    case, other = two
    Case.objects.filter(pk=other.pk).update(team=Team.objects.get(slug="highways"))
    with pytest.raises(NotAllowed):
        case_link(case=case, other=fresh(other), actor=StaffActor(waste_officer))


# --- Transfer -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transfer_keeps_the_due_date_clears_the_assignee_and_records_why(
    make_case, waste_officer
):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(assignee=waste_officer)
    case = fresh(case)
    due, version = case.due_date, case.version
    street_scene = Team.objects.get(slug="street-scene")
    case_transfer(
        case=case,
        team=street_scene,
        reason="Fly-tipped, not a missed bin",
        actor=StaffActor(waste_officer),
        expected_version=version,
    )
    case = fresh(case)
    assert (case.team, case.assignee, case.due_date, case.version) == (
        street_scene,
        None,
        due,
        version + 1,
    )
    event = case.events.last()
    assert (
        event.headline == "Transferred from Waste and recycling to Street cleansing and enforcement"
    )
    assert event.text == "Fly-tipped, not a missed bin" and not event.is_public


@pytest.mark.django_db
def test_a_transfer_is_refused_without_a_reason_to_the_same_team_or_by_others(
    make_case, waste_officer, agent
):
    case = make_case()
    highways = Team.objects.get(slug="highways")
    with pytest.raises(TransitionRefused, match="Enter why the case is being transferred"):
        case_transfer(case=case, team=highways, reason="  ", actor=StaffActor(waste_officer))
    with pytest.raises(TransitionRefused, match="already with the Waste and recycling team"):
        case_transfer(case=case, team=case.team, reason="Because", actor=StaffActor(waste_officer))
    with pytest.raises(TransitionRefused, match="Choose the team"):
        case_transfer(case=case, team=None, reason="Because", actor=StaffActor(waste_officer))
    highways_officer = StaffFactory(membership__team=highways, membership__role=Role.OFFICER)
    for outsider in (agent, highways_officer):
        with pytest.raises(NotAllowed):
            case_transfer(case=case, team=highways, reason="Because", actor=StaffActor(outsider))
    assert fresh(case).team.slug == "waste" and kinds(fresh(case)) == ["created"]


@pytest.mark.django_db
def test_admins_may_transfer_any_case(make_case, catalogue):
    case = make_case()
    admin = StaffFactory(
        membership__team=Team.objects.get(slug="parks"), membership__role=Role.ADMIN
    )
    case_transfer(
        case=case, team=Team.objects.get(slug="parks"), reason="Tree", actor=StaffActor(admin)
    )
    assert fresh(case).team.slug == "parks"


# --- Public updates -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_update_can_close_the_case_in_the_same_step_with_one_event(
    make_case, waste_officer, django_capture_on_commit_callbacks
):
    case = make_case(resident=Resident.objects.create(first_name="A", email="a@example.com"))
    template = ResponseTemplate.objects.create(
        team=case.team,
        title="Collected",
        body="Collected",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_send_update(
            case=case,
            text="We collected it today.",
            to_status=Status.CLOSED,
            resolution="fixed",
            template=template,
            actor=StaffActor(waste_officer),
            expected_version=case.version,
        )
    case = fresh(case)
    assert (case.status, case.resolution) == (Status.CLOSED, "fixed")
    assert kinds(case) == ["created", "status_changed", "email_sent"]
    event = case.events.get(kind="status_changed")
    assert event.text == "We collected it today." and event.data["template_title"] == "Collected"
    assert "We collected it today." in mail.outbox[-1].body


@pytest.mark.django_db
def test_an_update_without_text_or_by_an_agent_is_refused(make_case, waste_officer, agent):
    case = make_case()
    with pytest.raises(TransitionRefused, match="Enter the update"):
        case_send_update(case=case, text=" ", actor=StaffActor(waste_officer))
    with pytest.raises(NotAllowed):
        case_send_update(case=case, text="Hello", actor=StaffActor(agent))
    with pytest.raises(TransitionRefused, match="cannot be moved to"):
        case_send_update(
            case=case, text="Done", to_status="waiting", actor=StaffActor(waste_officer)
        )
    assert kinds(fresh(case)) == ["created"]


# --- Response templates -------------------------------------------------------------------


@pytest.fixture
def waste_lead(catalogue):
    return StaffFactory(
        membership__team=Team.objects.get(slug="waste"), membership__role=Role.TEAM_LEAD
    )


@pytest.mark.django_db
def test_a_team_lead_saves_a_template_and_every_field_is_checked(waste_lead, catalogue):
    waste = Team.objects.get(slug="waste")
    template = response_template_save(
        actor=StaffActor(waste_lead),
        team=waste,
        service=catalogue["report-missed-bin"],
        status=Status.NEW,
        title="Booked",
        body="Hello {resident_first_name}",
    )
    assert template.pk and template.status_label() == "Received"
    with pytest.raises(TemplateInvalid) as invalid:
        response_template_save(
            actor=StaffActor(waste_lead),
            team=waste,
            service=catalogue["report-pothole"],
            status="lost",
            title="booked",
            body="Hello {name}",
        )
    assert invalid.value.errors == {
        "title": "The Waste and recycling team already has a template called 'booked'",
        "service": "Report a pothole is not a service of the Waste and recycling team",
        "status": "Choose a status from the list",
        "body": invalid.value.errors["body"],
    }
    assert invalid.value.errors["body"].startswith("{name} is not a placeholder you can use")
    assert ResponseTemplate.objects.count() == 1


@pytest.mark.django_db
def test_officers_and_other_teams_leads_cannot_save_templates(waste_officer, catalogue):
    highways_lead = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.TEAM_LEAD
    )
    for actor in (waste_officer, highways_lead):
        with pytest.raises(NotAllowed):
            response_template_save(
                actor=StaffActor(actor), team=Team.objects.get(slug="waste"), title="T", body="B"
            )


@pytest.mark.django_db
def test_starter_templates_are_added_once_and_edits_survive_a_reload(catalogue):
    added = response_templates_seed()
    assert added == ResponseTemplate.objects.count() > 10
    assert set(ResponseTemplate.objects.values_list("team__slug", flat=True)) >= {
        "waste",
        "street-scene",
        "highways",
        "parking",
        "housing-repairs",
        "council-tax",
        "environmental-health",
        "parks",
    }
    ResponseTemplate.objects.filter(title="Missed bin - collected").update(body="Our words")
    assert response_templates_seed() == 0
    assert ResponseTemplate.objects.get(title="Missed bin - collected").body == "Our words"


@pytest.mark.django_db
def test_load_catalogue_adds_the_starter_templates(db):
    from django.core.management import call_command

    call_command("load_catalogue")
    assert ResponseTemplate.objects.filter(team__slug="waste").exists()
