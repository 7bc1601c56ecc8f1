"""Background work for integrations, run by the Huey consumer.

The tasks are the entry points: they call ``webhooks``, ``connectors`` and ``inbound``, which
never queue tasks themselves, and queue what those leave to send (on commit).
"""

from __future__ import annotations

import logging
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from borough.cases.models import CaseEvent

from .connectors import handoff_send, handoff_start, handoffs_due
from .inbound import open311_poll
from .models import Connector, Delivery
from .webhooks import deliver_due, deliver_pending, publish, replay

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=10)
def case_event_published(event_id: int) -> None:
    """A case event committed: write its webhook deliveries and, for a new case of a routed
    service, its handoff to the connector; queue the sending of each."""
    published = publish(case_event_id=event_id)
    if published is not None:
        case_id = published.outbound.case_id
        for subscription_id in published.subscription_ids:
            transaction.on_commit(partial(webhook_deliver, subscription_id, case_id))
    kind, case_id = CaseEvent.objects.filter(pk=event_id).values_list(
        "kind", "case_id"
    ).first() or ("", 0)
    if kind == CaseEvent.Kind.CREATED:
        handoff = handoff_start(case_id=case_id)
        if handoff is not None:
            transaction.on_commit(lambda: handoff_send_task(handoff.pk))
    if published is not None:
        log.info("case event published", extra={"event_id": event_id})


@db_task()
def webhook_deliver(subscription_id: int, case_id: int) -> int:
    """Send one case's pending deliveries to one subscription, in order (webhooks.py)."""
    return deliver_pending(subscription_id=subscription_id, case_id=case_id)


@db_task()
def webhook_replay(delivery_id: int, actor_id: int | None) -> int | None:
    """Send a delivery again at an admin's request. Returns the status code answered."""
    delivery = Delivery.objects.get(pk=delivery_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return replay(delivery=delivery, actor=actor).status


@db_task()
def handoff_send_task(handoff_id: int) -> bool:
    return handoff_send(handoff_id=handoff_id)


@db_periodic_task(crontab(minute="*"))
def integrations_every_minute() -> str:
    """Retry the webhook deliveries and handoffs that are due."""
    delivered, sent = deliver_due(), handoffs_due()
    return f"{delivered} deliveries, {sent} handoffs"


@db_periodic_task(crontab(minute="*/5"))
def open311_poll_every_five_minutes() -> int:
    """Read status updates from the Open311 systems cases were sent to."""
    return sum(
        open311_poll(connector=connector)
        for connector in Connector.objects.filter(kind=Connector.Kind.OPEN311, is_active=True)
    )
