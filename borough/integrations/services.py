"""Every write admins make to integrations: webhook subscriptions, replays, connectors and the
routing of services to connectors. Each takes the acting admin as a typed actor (ADR 0023),
checks ``accounts.policies.may_manage_integrations`` itself and records an audit event."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from borough.accounts.policies import may_manage_integrations
from borough.clients.models import ApiClient
from borough.core.actors import Actor, acting_user
from borough.core.models import AuditEvent
from borough.core.services import audit_record

from .inbound import hash_token, new_token
from .models import Connector, Delivery, EventType, ServiceRoute, WebhookSubscription
from .outbound import url_refusal
from .tasks import integrations_every_minute, webhook_replay
from .webhooks import new_secret


class IntegrationInvalid(ValueError):
    """What was entered cannot be saved. ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _allowed(actor: Actor) -> None:
    if not may_manage_integrations(actor):
        raise PermissionDenied


def _url_error(url: str) -> str | None:
    if not url:
        return "Enter the URL"
    if len(url) > 500:
        return "The URL must be 500 characters or less"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return "Enter a URL starting with https://, like https://receiver.example/borough"
    # HTTPS and a public address (outbound.py); every request checks again before it is sent.
    return url_refusal(url)


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str  # shown once


def subscription_create(*, client, target_url: str, event_types: list[str], actor: Actor):
    """Subscribe an active API client to case events at a URL, with a new signing secret."""
    _allowed(actor)
    errors: dict[str, str] = {}
    target_url = (target_url or "").strip()
    if client is None or not client.is_active:
        errors["client"] = "Choose an active API client"
    url_error = _url_error(target_url)
    if url_error:
        errors["target_url"] = url_error
    event_types = list(dict.fromkeys(event_types or []))
    if not event_types:
        errors["event_types"] = "Choose at least one kind of event"
    elif any(e not in EventType.values for e in event_types):
        errors["event_types"] = "Choose events from the list"
    if errors:
        raise IntegrationInvalid(errors)
    secret = new_secret()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            client=client,
            target_url=target_url,
            secret=secret,
            secret_prefix=secret[:12],
            event_types=event_types,
            created_at=timezone.now(),
            created_by=acting_user(actor),
        )
        audit_record(
            actor=acting_user(actor),
            action=AuditEvent.Action.CREATED,
            object_type="webhook_subscription",
            object_id=subscription.pk,
        )
    return NewSubscription(subscription, secret)


@transaction.atomic
def subscription_set_active(*, subscription: WebhookSubscription, active: bool, actor: Actor):
    """Pause a subscription (events are kept and wait) or resume it (what waited is sent)."""
    _allowed(actor)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.is_active == active:
        return subscription
    subscription.is_active = active
    subscription.save(update_fields=["is_active"])
    audit_record(
        actor=acting_user(actor),
        action=AuditEvent.Action.CHANGED,
        object_type="webhook_subscription",
        object_id=subscription.pk,
        summary="resumed" if active else "paused",
    )
    if active:
        transaction.on_commit(integrations_every_minute.call_local)
    return subscription


@transaction.atomic
def delivery_replay(*, delivery: Delivery, actor: Actor) -> None:
    """Send a delivered or dead-lettered event to the subscription again (through the queue)."""
    _allowed(actor)
    if delivery.status == Delivery.Status.PENDING:
        raise IntegrationInvalid(
            {"delivery": "This event has not been delivered yet: it is still being retried"}
        )
    user = acting_user(actor)
    audit_record(
        actor=user,
        action=AuditEvent.Action.CHANGED,
        object_type="webhook_delivery",
        object_id=delivery.pk,
        summary="replayed",
    )
    delivery_id, actor_id = delivery.pk, user.pk if user else None
    transaction.on_commit(lambda: webhook_replay(delivery_id, actor_id))


@dataclass(frozen=True)
class NewConnector:
    connector: Connector
    inbound_token: str  # shown once


def _status_map(raw: str, errors: dict[str, str]) -> dict:
    """``their status = our state`` lines (or a JSON object) into a dict."""
    raw = (raw or "").strip()
    if not raw:
        return {}
    if raw.startswith("{"):
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            errors["status_map"] = (
                "Enter the statuses as JSON object or as lines like done = closed"
            )
            return {}
        return {str(k).strip(): str(v).strip() for k, v in value.items()}
    mapped = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        their, sep, ours = line.partition("=")
        if not sep or not their.strip() or not ours.strip():
            errors["status_map"] = f"Line {number} must look like: done = closed:fixed"
            return {}
        mapped[their.strip()] = ours.strip()
    return mapped


def connector_create(
    *,
    name: str,
    kind: str,
    actor: Actor,
    endpoint: str = "",
    email: str = "",
    credential: str = "",
    signing_secret: str = "",
    status_map: str = "",
    api_client: str = "",
) -> NewConnector:
    """Add a back-office system. Returns the token it must send to the inbound endpoint, once.

    ``api_client`` (an id, optional): the API client the system sends Open311 updates with; it
    may then update the cases handed off to this connector (issue 16)."""
    _allowed(actor)
    errors: dict[str, str] = {}
    client = None
    if (api_client or "").strip():
        raw_client = api_client.strip()
        client = (
            ApiClient.objects.filter(pk=raw_client, is_active=True).first()
            if raw_client.isdigit()
            else None
        )
        if client is None:
            errors["api_client"] = "Choose an API client from the list"
    name = (name or "").strip()
    slug = slugify(name)[:60]
    if not name or not slug:
        errors["name"] = "Enter a name for the system"
    elif len(name) > 120:
        errors["name"] = "The name must be 120 characters or less"
    elif Connector.objects.filter(slug=slug).exists():
        errors["name"] = "A connector with this name already exists"
    if kind not in Connector.Kind.values:
        errors["kind"] = "Choose how cases are sent"
    endpoint, email = (endpoint or "").strip(), (email or "").strip()
    if kind in (Connector.Kind.OPEN311, Connector.Kind.JSON):
        url_error = _url_error(endpoint)
        if url_error:
            errors["endpoint"] = url_error
    if kind == Connector.Kind.OPEN311 and not (credential or "").strip():
        errors["credential"] = "Enter the api_key the Open311 endpoint gave the council"
    elif len((credential or "").strip()) > 200:
        errors["credential"] = "The key or token must be 200 characters or less"
    if len((signing_secret or "").strip()) > 100:
        errors["signing_secret"] = "The signing secret must be 100 characters or less"  # noqa: S105
    if kind == Connector.Kind.EMAIL:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter the mailbox's email address, like repairs@council.example"
    mapped = _status_map(status_map, errors)
    if errors:
        raise IntegrationInvalid(errors)
    token = new_token()
    try:
        with transaction.atomic():
            connector = Connector.objects.create(
                slug=slug,
                name=name,
                kind=kind,
                endpoint=endpoint if kind != Connector.Kind.EMAIL else "",
                email=email if kind == Connector.Kind.EMAIL else "",
                credential=(credential or "").strip(),
                signing_secret=(signing_secret or "").strip(),
                status_map=mapped,
                api_client=client,
                inbound_token_hash=hash_token(token),
                created_at=timezone.now(),
                created_by=acting_user(actor),
            )
            audit_record(
                actor=acting_user(actor),
                action=AuditEvent.Action.CREATED,
                object_type="connector",
                object_id=connector.pk,
            )
    except IntegrityError:
        raise IntegrationInvalid({"name": "A connector with this name already exists"}) from None
    return NewConnector(connector, token)


@transaction.atomic
def connector_set_active(*, connector: Connector, active: bool, actor: Actor) -> Connector:
    """Turn a connector off (no new cases are sent to it, its token stops working) or on."""
    _allowed(actor)
    if connector.is_active != active:
        connector.is_active = active
        connector.save(update_fields=["is_active"])
        audit_record(
            actor=acting_user(actor),
            action=AuditEvent.Action.CHANGED,
            object_type="connector",
            object_id=connector.pk,
            summary="turned on" if active else "turned off",
        )
    return connector


def route_set(
    *,
    service,
    connector: Connector | None,
    actor: Actor,
    remote_service_code: str = "",
    fixed_attributes: str = "",
) -> ServiceRoute | None:
    """Send new cases of ``service`` to ``connector`` (``None``: keep them in Borough only)."""
    _allowed(actor)
    errors: dict[str, str] = {}
    if service is None:
        errors["service"] = "Choose a service"
    attributes: dict = {}
    raw = (fixed_attributes or "").strip()
    if raw:
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, value = line.partition("=")
            if not sep or not code.strip():
                errors["fixed_attributes"] = f"Line {number} must look like: problem = litter"
                break
            attributes[code.strip()] = value.strip()
    remote_service_code = (remote_service_code or "").strip()
    if len(remote_service_code) > 100:
        errors["remote_service_code"] = "The service code must be 100 characters or less"
    if errors:
        raise IntegrationInvalid(errors)
    with transaction.atomic():
        if connector is None:
            ServiceRoute.objects.filter(service=service).delete()
            route = None
        else:
            route, _ = ServiceRoute.objects.update_or_create(
                service=service,
                defaults={
                    "connector": connector,
                    "remote_service_code": remote_service_code,
                    "fixed_attributes": attributes,
                    "updated_at": timezone.now(),
                    "updated_by": acting_user(actor),
                },
            )
        audit_record(
            actor=acting_user(actor),
            action=AuditEvent.Action.CHANGED,
            object_type="service_route",
            object_id=service.pk,
            summary=f"to {connector.slug}" if connector else "removed",
        )
    return route
