"""Connectors to the council's own back-office systems that processes update (issue 19):
council tax, waste, parking permits and the electoral registration office.

Each call is one operation on one system for one case reference:
``call(system, operation, reference, data)`` returns the system's receipt (its id for what it
did) or raises ``SystemDown``.

- **A real system**: an active ``Connector`` of kind JSON whose slug is ``system-<system>``
  (``system-council_tax`` and so on). Borough POSTs ``{"operation", "reference", "data"}`` as
  JSON, with ``Idempotency-Key: borough-<reference>-<operation>`` (a retry never does the
  thing twice) and the connector's bearer token; the answer is JSON with an ``id``. Any
  failure (down, an HTTP error, no id) is ``SystemDown`` with the reason.
- **Otherwise the SANDBOX**: an embedded stand-in (like the Pay and Notify sandboxes) that
  records what it was sent (``SandboxSystemCall``, once per operation and reference) and
  answers with a receipt ``SBX-...``. An administrator can mark a sandbox system down
  (``SandboxSystem.is_down``) to see a process step fail and be retried. The council tax
  sandbox also keeps single person discounts (``SandboxDiscount``).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import http
from .models import Connector, CouncilSystem, SandboxDiscount, SandboxSystem, SandboxSystemCall


class SystemDown(Exception):
    """The system did not take the call; ``str()`` says why (for the hub)."""


def connector_for(system: str) -> Connector | None:
    return Connector.objects.filter(
        slug=f"system-{system}", kind=Connector.Kind.JSON, is_active=True
    ).first()


def system_name(system: str) -> str:
    return CouncilSystem(system).label


def call(system: str, operation: str, reference: str, data: dict) -> str:
    """Tell ``system`` to do ``operation`` for case ``reference``; its receipt."""
    if system not in CouncilSystem.values:
        raise ValueError(f"no council system {system!r}")
    connector = connector_for(system)
    if connector is None:
        return _sandbox_call(system, operation, reference, data)
    document = _post(connector, operation, reference, data)
    receipt = str(document.get("id") or "").strip() if isinstance(document, dict) else ""
    if not receipt:
        raise SystemDown(f'{connector.name} did not answer with an id (JSON "id")')
    return receipt[:40]


def _post(connector: Connector, operation: str, reference: str, data: dict):
    body = json.dumps(
        {"operation": operation, "reference": reference, "data": data},
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": f"borough-{reference}-{operation}",
    }
    if connector.credential:
        headers["Authorization"] = f"Bearer {connector.credential}"
    answer = http.request(connector.endpoint, method="POST", body=body, headers=headers)
    if not answer.ok:
        raise SystemDown(
            f"{connector.name} did not take it: {answer.error or f'HTTP {answer.status}'}"
        )
    try:
        return json.loads(answer.body or b"null")
    except ValueError:
        raise SystemDown(f"{connector.name} answered with something that is not JSON") from None


def _down_check(system: str) -> None:
    if SandboxSystem.objects.filter(system=system, is_down=True).exists():
        raise SystemDown(
            f"{system_name(system)} (sandbox) did not answer: it is marked down in the admin"
        )


def _sandbox_call(system: str, operation: str, reference: str, data: dict) -> str:
    _down_check(system)
    kept = SandboxSystemCall.objects.filter(
        system=system, operation=operation, reference=reference
    ).first()
    if kept is not None:
        return kept.receipt
    receipt = f"SBX-{secrets.token_hex(4).upper()}"
    try:
        with transaction.atomic():
            SandboxSystemCall.objects.create(
                system=system,
                operation=operation,
                reference=reference,
                payload=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
                receipt=receipt,
                at=timezone.now(),
            )
    except IntegrityError:  # the same call at the same moment: one is kept
        return SandboxSystemCall.objects.get(
            system=system, operation=operation, reference=reference
        ).receipt
    if system == CouncilSystem.COUNCIL_TAX:
        _sandbox_discounts(operation, data)
    return receipt


def _sandbox_discounts(operation: str, data: dict) -> None:
    """The council tax sandbox keeps its single person discounts up to date."""
    if operation == "award_single_person_discount":
        SandboxDiscount.objects.get_or_create(
            account_ref=data["account_ref"],
            defaults={
                "uprn": data["uprn"],
                "holder_name": data.get("name", ""),
                "email": data.get("email", ""),
                "awarded_on": dt.date.fromisoformat(data["from"]),
            },
        )
    elif operation == "end_single_person_discount":
        SandboxDiscount.objects.filter(account_ref=data["account_ref"], ended_on=None).update(
            ended_on=dt.date.fromisoformat(data["on"])
        )


def discount_holders() -> list[dict]:
    """Everyone the council tax system gives a single person discount now: account_ref,
    uprn, name, email, since (ISO date)."""
    connector = connector_for(CouncilSystem.COUNCIL_TAX)
    if connector is not None:
        document = _post(connector, "list_single_person_discounts", "review", {})
        holders = document.get("holders") if isinstance(document, dict) else None
        if not isinstance(holders, list):
            raise SystemDown(f'{connector.name} did not answer with a list ("holders")')
        return holders
    _down_check(CouncilSystem.COUNCIL_TAX)
    return [
        {
            "account_ref": d.account_ref,
            "uprn": d.uprn,
            "name": d.holder_name,
            "email": d.email,
            "since": d.awarded_on.isoformat(),
        }
        for d in SandboxDiscount.objects.filter(ended_on=None)
    ]
