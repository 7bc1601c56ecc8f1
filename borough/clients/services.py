"""Every write to API clients: create, authenticate (records last use), deactivate; and the
responses kept for idempotent retries of their POSTs."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from borough.accounts.policies import may_manage_api_clients
from borough.core.actors import Actor, acting_user
from borough.core.models import AuditEvent
from borough.core.ratelimit import parse_rate
from borough.core.services import audit_record

from .models import ApiClient, IdempotentResponse, Scope

KEY_PREFIX = "brgh_"


class ApiClientInvalid(ValueError):
    """The details cannot make a client. ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class AuthenticationFailed(PermissionDenied):
    """No key, a key Borough does not know, a deactivated client or a missing scope."""


class ApiKeyHashKeyMissing(ImproperlyConfigured):
    """BOROUGH_API_KEY_HASH_KEYS is empty: no key can be made or checked."""


def _hash_keys() -> list[str]:
    keys = [key for key in settings.BOROUGH_API_KEY_HASH_KEYS if key]
    if not keys:
        raise ApiKeyHashKeyMissing(
            "BOROUGH_API_KEY_HASH_KEYS is not set: Borough cannot make or check API keys "
            "(docs/how-to/deploy.md, 'Keys and rotation')."
        )
    return keys


def _hmac(key: str, raw_key: str) -> str:
    return hmac.new(key.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def hash_key(raw_key: str) -> str:
    """The stored form of a key: HMAC-SHA256 with the first of BOROUGH_API_KEY_HASH_KEYS (keys
    are long and random, so a slow hash adds nothing; the hash key, kept out of the database,
    stops a stolen table being checked offline). Not SECRET_KEY, so that rotating SECRET_KEY
    leaves every client's key working (ADR 0028)."""
    return _hmac(_hash_keys()[0], raw_key)


def key_hashes(raw_key: str) -> list[str]:
    """The forms ``raw_key`` may be stored in: hashed with each hash key, newest first."""
    return [_hmac(key, raw_key) for key in _hash_keys()]


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    raw_key: str  # shown once, never stored


def api_client_create(
    *,
    name: str,
    scopes: list[str],
    actor: Actor,
    team=None,
    rate_limit: str = "",
    expires_on: dt.date | str | None = None,
) -> NewClient:
    """Create a client with a new random key. Returns the key once; only its hash is kept.

    ``expires_on`` (a date, or text like 31/12/2027 or 2027-12-31): the key stops working at
    the end of that day in the council's time zone. Only staff admins may create clients.
    """
    if not may_manage_api_clients(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter a name for the client"
    elif len(name) > 120:
        errors["name"] = "The name must be 120 characters or less"
    elif ApiClient.objects.filter(name__iexact=name).exists():
        errors["name"] = "A client with this name already exists"
    scopes = [s for s in dict.fromkeys(scopes or [])]
    if not scopes:
        errors["scopes"] = "Choose at least one permission"
    elif any(s not in Scope.values for s in scopes):
        errors["scopes"] = "Choose permissions from the list"
    rate_limit = (rate_limit or "").strip()
    if rate_limit:
        try:
            parse_rate(rate_limit)
        except ValueError:
            errors["rate_limit"] = "Enter a rate like 600/m or 10000/h, or leave it blank"
    expires_at = None
    if expires_on:
        day = _day(expires_on)
        if day is None:
            errors["expires_on"] = "Enter the expiry date like 31/12/2027, or leave it blank"
        else:
            expires_at = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
            if expires_at <= timezone.now():
                errors["expires_on"] = "The expiry date must be in the future"
    if errors:
        raise ApiClientInvalid(errors)
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            client = ApiClient.objects.create(
                name=name,
                team=team,
                key_prefix=raw_key[:12],
                key_hash=hash_key(raw_key),
                scopes=scopes,
                rate_limit=rate_limit,
                expires_at=expires_at,
                created_at=timezone.now(),
                created_by=acting_user(actor),
            )
            audit_record(
                actor=acting_user(actor),
                action=AuditEvent.Action.CREATED,
                object_type="api_client",
                object_id=client.pk,
            )
    except IntegrityError:
        raise ApiClientInvalid({"name": "A client with this name already exists"}) from None
    return NewClient(client=client, raw_key=raw_key)


def _day(value: dt.date | str) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


@transaction.atomic
def api_client_deactivate(*, client: ApiClient, actor: Actor) -> ApiClient:
    """Stop a client's key working at once (staff admins only). Deactivating twice changes
    nothing."""
    if not may_manage_api_clients(actor):
        raise PermissionDenied
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.is_active:
        client.is_active = False
        client.deactivated_at = timezone.now()
        client.save(update_fields=["is_active", "deactivated_at"])
        audit_record(
            actor=acting_user(actor),
            action=AuditEvent.Action.CHANGED,
            object_type="api_client",
            object_id=client.pk,
            summary="deactivated",
        )
    return client


# last_used_at is written at most this often per client, so busy clients do not write on
# every request.
_LAST_USED_RESOLUTION_SECONDS = 60


class ScopeMissing(AuthenticationFailed):
    """The key is good but does not allow what was asked."""


def api_client_authenticate(raw_key: str | None, scope: str | None) -> ApiClient:
    """The active, unexpired client owning ``raw_key``, if it holds ``scope`` (``None``: any
    client); else ``AuthenticationFailed`` (``ScopeMissing`` for a good key without the scope).

    Records when the client was last used (to the minute).
    """
    if not raw_key:
        raise AuthenticationFailed("api_key is required")
    raw_key = raw_key.strip()
    hashes = key_hashes(raw_key)
    client = ApiClient.objects.filter(key_hash__in=hashes).first()
    if client is None:
        raise AuthenticationFailed("api_key is not valid")
    if client.key_hash != hashes[0]:
        # Found with an older hash key: keep it under the newest, so the old one can go.
        ApiClient.objects.filter(pk=client.pk).update(key_hash=hashes[0])
        client.key_hash = hashes[0]
    if not client.is_active:
        raise AuthenticationFailed("api_key belongs to a client that has been deactivated")
    now = timezone.now()
    if client.expires_at is not None and client.expires_at <= now:
        raise AuthenticationFailed("api_key has expired")
    if scope is not None and not client.has_scope(scope):
        raise ScopeMissing(f"api_key does not allow {scope}")
    if (
        client.last_used_at is None
        or (now - client.last_used_at).total_seconds() > _LAST_USED_RESOLUTION_SECONDS
    ):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


# ------------------------------------------------------------------------------ idempotency

IDEMPOTENCY_HOURS = 24


def idempotent_response_get(*, client: ApiClient, key: str) -> IdempotentResponse | None:
    """The response kept for this client's key, if it is less than 24 hours old."""
    since = timezone.now() - dt.timedelta(hours=IDEMPOTENCY_HOURS)
    return IdempotentResponse.objects.filter(client=client, key=key, created_at__gte=since).first()


def idempotent_response_save(
    *, client: ApiClient, key: str, fingerprint: str, status: int, body
) -> IdempotentResponse:
    """Keep the response to a POST under the client's key, replacing one older than 24 hours.

    Raises ``IntegrityError`` when another request with the same key saved first (the caller's
    transaction, with its write, must then be rolled back).
    """
    since = timezone.now() - dt.timedelta(hours=IDEMPOTENCY_HOURS)
    IdempotentResponse.objects.filter(client=client, key=key, created_at__lt=since).delete()
    with transaction.atomic():
        return IdempotentResponse.objects.create(
            client=client,
            key=key,
            fingerprint=fingerprint,
            status=status,
            body=body,
            created_at=timezone.now(),
        )


def idempotent_responses_purge(*, now=None) -> int:
    """Forget responses older than 24 hours. Returns how many were removed."""
    now = now or timezone.now()
    deleted, _ = IdempotentResponse.objects.filter(
        created_at__lt=now - dt.timedelta(hours=IDEMPOTENCY_HOURS)
    ).delete()
    return deleted
