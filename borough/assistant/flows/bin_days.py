"""Bin days in chat: a postcode, then the number of an address, then the coming collections
(from ``places.collections``, grouped by day as the portal shows them)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from borough.assistant.state import Mode
from borough.assistant.turns import Exchange, numbered
from borough.catalogue.journey import postcode_check
from borough.core.postcodes import normalise_postcode
from borough.places.collections import collections_by_day, collections_coming
from borough.places.selectors import example_postcode, properties_at_postcode, property_get

from .handover import failed

BIN_DAYS_SHOWN = 14


def ask_postcode(x: Exchange) -> None:
    x.state.mode = Mode.BIN_POSTCODE
    x.say(_("What is your postcode? For example, %(postcode)s.") % {"postcode": example_postcode()})


def bin_postcode_turn(x: Exchange, text: str) -> None:
    """The postcode (from the understanding, else ``text``): offer its addresses by number."""
    postcode = x.u.entities.postcodes[0] if x.u.entities.postcodes else text
    error, normalised = postcode_check(normalise_postcode(postcode) or postcode)
    if error:
        x.state.mode = Mode.BIN_POSTCODE
        x.say(error)
        failed(x)
        return
    assert normalised is not None  # postcode_check gives one when there is no error
    properties = properties_at_postcode(normalised)
    x.state.mode = Mode.BIN_ADDRESS
    x.state.bin_choices = [prop.uprn for prop in properties]
    x.say(
        _("Which address? Type its number:")
        + "\n"
        + numbered([prop.single_line for prop in properties])
    )


def bin_address_turn(x: Exchange) -> None:
    """The number of the address: its collections in the next two weeks."""
    choices = x.state.bin_choices
    typed = x.text.strip().rstrip(".")
    if not typed.isdigit() or not 1 <= int(typed) <= len(choices):
        x.say(_("Type the number of your address from the list."))
        failed(x)
        return
    x.state.mode = Mode.ANYTHING
    x.state.failures = 0
    prop = property_get(choices[int(typed) - 1])
    assert prop is not None  # the choices are addresses offered in the last turn
    upcoming = collections_coming(prop, start=timezone.localdate(), days=BIN_DAYS_SHOWN)
    link = {"url": reverse("portal:bin_days_at", args=[prop.uprn]), "text": _("Your bin days")}
    if not upcoming:
        x.say(
            _("We have no collections on record for %(address)s.") % {"address": prop.single_line},
            links=[link],
        )
        return
    lines = [
        f"{date_format(day, 'l j F')}: {', '.join(str(c.label) for c in collections)}"
        for day, collections in collections_by_day(upcoming)
    ]
    x.say(
        _("Your next collections at %(address)s:") % {"address": prop.single_line}
        + "\n"
        + "\n".join(lines),
        links=[link],
    )
