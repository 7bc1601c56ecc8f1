"""The other systems a council's Borough talks to, in the demo (issue 23): an Open311 client
(FixMyStreet), a repairs contractor's API client with a webhook subscription, and a back-office
mailbox connector, made through the integrations' own actions, so the information asset
register lists them (with the single view's linkage sources) without anyone typing them in.

The subscription is paused and the connector routes no service: nothing leaves the machine
when the demo runs; an officer may resume or route them in the hub."""

from __future__ import annotations

from borough.accounts.models import User
from borough.clients.models import Scope
from borough.clients.services import api_client_create
from borough.core.actors import StaffActor
from borough.integrations.services import (
    connector_create,
    subscription_create,
    subscription_set_active,
)

from .context import Demo

ADMIN = "admin@council.example"


def make_integrations(demo: Demo, staff: dict[str, User]) -> None:
    actor = StaffActor(staff[ADMIN])
    api_client_create(
        name="FixMyStreet (Open311)",
        scopes=[Scope.OPEN311_POST, Scope.OPEN311_STATUS],
        actor=actor,
    )
    contractor = api_client_create(
        name="Repairs contractor", scopes=[Scope.CASES_READ], actor=actor
    ).client
    subscription = subscription_create(
        client=contractor,
        target_url="https://repairs-contractor.example/borough-events",
        event_types=["case.created"],
        actor=actor,
    ).subscription
    subscription_set_active(subscription=subscription, active=False, actor=actor)
    connector_create(
        name="Waste back office mailbox",
        kind="email",
        email="waste.backoffice@council.example",
        actor=actor,
    )
    demo.progress(
        "2 API clients, 1 webhook subscriber (paused) and 1 connector (no service routed)"
    )
