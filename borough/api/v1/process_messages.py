"""Process messages from other systems (issue 19): a named message to a case's processes, as
BPMN message events (``processes.services.send_message``), e.g. a care provider's system saying
a resident's care started, or a document system saying evidence arrived.

Only with the ``processes.message`` scope, and only on a case the client created, was handed,
or whose team is the client's team; any other case is not found. The payload is kept in the
process's data, so it is small, flat JSON.
"""

import json
import re
from typing import Any

from ninja import Router, Schema
from pydantic import Field, field_validator

from borough.accounts.policies import api_client_may_update
from borough.cases.models import Case
from borough.cases.selectors import case_by_reference
from borough.clients.models import Scope
from borough.core.errors import ApiError, ErrorCode
from borough.processes.services import send_message

from .cases import IdempotencyKey
from .idempotency import idempotent
from .schemas import with_errors
from .security import ApiKey, client_of

router = Router(tags=["processes"])

NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
PAYLOAD_LIMIT = 4000  # characters of JSON


class MessageIn(Schema):
    name: str = Field(
        description="The message's name, as the process's BPMN names it (letter_returned, "
        "evidence_received): lower case letters, digits and underscores"
    )
    payload: dict[str, Any] = Field(
        default_factory=dict,
        description="Given to the process that takes it, as its data (at most 4,000 "
        "characters of JSON)",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError("Use lower case letters, digits and underscores, up to 60")
        return value

    @field_validator("payload")
    @classmethod
    def _payload(cls, value: dict) -> dict:
        if len(json.dumps(value)) > PAYLOAD_LIMIT:
            raise ValueError("The payload must be 4,000 characters of JSON or fewer")
        return value


class MessageOut(Schema):
    reference: str
    name: str
    delivered: int = Field(
        description="How many of the case's processes were waiting for it and took it; 0 "
        "when none was (the message is then dropped, not an error)"
    )


def _case_for(request, reference: str) -> Case:
    client = client_of(request)
    case = case_by_reference(reference)
    if case is None or not (
        api_client_may_update(client.pk, case)
        or (client.team_id is not None and client.team_id == case.team_id)
    ):
        raise ApiError(ErrorCode.NOT_FOUND, f"There is no case {reference!r}")
    return case


@router.post(
    "/cases/{reference}/process-messages",
    auth=ApiKey(Scope.PROCESSES_MESSAGE),
    response=with_errors({200: MessageOut}),
    summary="Send a message to a case's processes",
)
@idempotent
def case_process_message(
    request, reference: str, payload: MessageIn, idempotency_key: str | None = IdempotencyKey
):
    """Every process of the case waiting for a message of that name takes it and runs on; the
    steps it takes are on the case's timeline."""
    case = _case_for(request, reference)
    delivered = send_message(
        case_id=case.pk,
        name=payload.name,
        payload=payload.payload,
        actor=client_of(request).as_actor(),
    )
    return 200, MessageOut(reference=case.reference, name=payload.name, delivered=delivered)
