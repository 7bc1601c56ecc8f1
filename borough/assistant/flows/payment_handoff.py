"""A paid service asked for in the chat (issue 20): the chat cannot take a card, and a paid
service's request is made only once paid, so the resident is given a link that carries their
chat answers to the portal's check answers page, where they pay on GOV.UK Pay.

The link is signed and names this conversation; the portal only accepts it in the browser
session the chat belongs to (``portal.payment_pages.chat_payment``).
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from borough.assistant.turns import Exchange
from borough.catalogue.fees import pounds
from borough.catalogue.models import Service

SALT = "borough.assistant.pay-online"
LINK_HOURS = 24


def payment_link(conversation_token: str, service: Service) -> str:
    signed = signing.dumps({"c": conversation_token, "s": service.slug}, salt=SALT)
    return reverse("portal:chat_payment", args=[service.slug, signed])


def read_payment_link(signed: str) -> dict | None:
    """The conversation and service a link names, or None if it is forged or too old."""
    try:
        data = signing.loads(signed, salt=SALT, max_age=LINK_HOURS * 3600)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def offer_payment(x: Exchange, service: Service, amount_pence: int) -> None:
    x.say(
        _(
            "This costs %(amount)s. I cannot take card payments in the chat, so we have not "
            "sent your request yet. Pay securely on GOV.UK Pay with the link: your answers go "
            "with you, and we send your request as soon as you have paid."
        )
        % {"amount": pounds(amount_pence)},
        links=[
            {
                "url": payment_link(str(x.conversation.token), service),
                "text": _("Pay %(amount)s and send your request")
                % {"amount": pounds(amount_pence)},
            }
        ],
    )
