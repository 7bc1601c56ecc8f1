"""API clients: keys shown once and stored hashed, scopes, deactivation, and the hub page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from borough.clients.models import ApiClient, Scope
from borough.clients.services import (
    ApiClientInvalid,
    AuthenticationFailed,
    api_client_authenticate,
    api_client_create,
    api_client_deactivate,
)
from borough.core.actors import ApiClientActor, ResidentActor, StaffActor, SystemActor
from borough.core.models import AuditEvent
from tests.signing_in import staff_login

pytestmark = pytest.mark.django_db


def test_the_key_is_returned_once_and_only_its_hash_is_stored(admin):
    created = api_client_create(
        name="FixMyStreet", scopes=[Scope.OPEN311_POST], actor=StaffActor(admin)
    )
    stored = ApiClient.objects.get()
    assert created.raw_key.startswith("brgh_") and len(created.raw_key) > 40
    assert created.raw_key not in (stored.key_hash, stored.key_prefix)
    assert stored.key_prefix == created.raw_key[:12]
    assert AuditEvent.objects.filter(object_type="api_client", action="created").count() == 1


def test_authentication_checks_the_key_the_scope_and_the_active_flag(admin):
    key = api_client_create(
        name="FMS", scopes=[Scope.OPEN311_POST], actor=StaffActor(admin)
    ).raw_key
    client = api_client_authenticate(key, Scope.OPEN311_POST)
    assert client.name == "FMS" and client.last_used_at is not None
    for raw, scope in ((key, Scope.CASES_READ), ("brgh_other", Scope.OPEN311_POST), ("", "x")):
        with pytest.raises(AuthenticationFailed):
            api_client_authenticate(raw, scope)
    api_client_deactivate(client=client, actor=StaffActor(admin))
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        api_client_authenticate(key, Scope.OPEN311_POST)


def test_bad_details_are_refused_with_every_problem(admin):
    api_client_create(name="FMS", scopes=[Scope.OPEN311_POST], actor=StaffActor(admin))
    with pytest.raises(ApiClientInvalid) as invalid:
        api_client_create(
            name="fms", scopes=["everything"], rate_limit="lots", actor=StaffActor(admin)
        )
    assert set(invalid.value.errors) == {"name", "scopes", "rate_limit"}
    assert ApiClient.objects.count() == 1


def test_only_admins_manage_clients(catalogue, waste_officer, admin):
    with pytest.raises(PermissionDenied):
        api_client_create(name="FMS", scopes=[Scope.OPEN311_POST], actor=StaffActor(waste_officer))
    client = api_client_create(
        name="FMS", scopes=[Scope.OPEN311_POST], actor=StaffActor(admin)
    ).client
    with pytest.raises(PermissionDenied):
        api_client_deactivate(client=client, actor=StaffActor(waste_officer))


def test_an_admin_creates_a_client_in_the_hub_and_sees_the_key_once(client, admin):
    staff_login(client, admin)
    assert "API clients" in client.get("/hub/").content.decode()
    response = client.post(
        "/hub/api-clients/new/",
        {
            "name": "FixMyStreet",
            "scopes": [Scope.OPEN311_POST],
            "rate_limit": "100/m",
            "expires_on": "31/12/2099",
        },
    )
    assert response.status_code == 200
    key = response.context["raw_key"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    listing = client.get("/hub/api-clients/").content.decode()
    assert "FixMyStreet" in listing and key not in listing
    assert "Until 31 December 2099" in listing
    authenticated = api_client_authenticate(key, Scope.OPEN311_POST)
    assert authenticated.rate_limit == "100/m"
    assert authenticated.expires_at.year == 2099


def test_the_hub_form_shows_errors_and_saves_nothing(client, admin):
    staff_login(client, admin)
    response = client.post(
        "/hub/api-clients/new/", {"name": "", "rate_limit": "fast", "expires_on": "soon"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a name for the client" in page
    assert "Choose at least one permission" in page
    assert "Enter a rate like 600/m" in page
    assert "Enter the expiry date like 31/12/2027" in page
    past = client.post(
        "/hub/api-clients/new/",
        {"name": "Old", "scopes": [Scope.CASES_READ], "expires_on": "01/01/2020"},
    )
    assert "The expiry date must be in the future" in past.content.decode()
    assert not ApiClient.objects.exists()


def test_an_admin_deactivates_a_client_in_the_hub(client, admin):
    created = api_client_create(name="FMS", scopes=[Scope.OPEN311_POST], actor=StaffActor(admin))
    staff_login(client, admin)
    url = f"/hub/api-clients/{created.client.pk}/deactivate/"
    assert "Are you sure" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "FMS can no longer use its key" in response.content.decode()
    with pytest.raises(AuthenticationFailed):
        api_client_authenticate(created.raw_key, Scope.OPEN311_POST)


def test_other_staff_cannot_open_the_api_client_pages(client, waste_officer):
    staff_login(client, waste_officer)
    assert "API clients" not in client.get("/hub/").content.decode()
    assert client.get("/hub/api-clients/").status_code == 403
    assert client.post("/hub/api-clients/new/", {"name": "x"}).status_code == 403


def _not_admins(officer):
    """Every kind of actor that is not a staff admin, as any caller might pass it."""
    return [
        StaffActor(officer),
        ApiClientActor(client_id=1, name="Back office", scopes=frozenset(Scope.values)),
        ResidentActor(),
        SystemActor("a task"),
    ]


def test_creating_and_deactivating_a_client_is_refused_to_any_actor_but_an_admin(
    admin, waste_officer
):
    client = api_client_create(name="FMS", scopes=[Scope.OPEN311_POST], actor=StaffActor(admin))
    for actor in _not_admins(waste_officer):
        with pytest.raises(PermissionDenied):
            api_client_create(name="Other", scopes=[Scope.CASES_READ], actor=actor)
        with pytest.raises(PermissionDenied):
            api_client_deactivate(client=client.client, actor=actor)
    assert list(ApiClient.objects.values_list("name", "is_active")) == [("FMS", True)]
    assert AuditEvent.objects.filter(object_type="api_client").count() == 1
