"""Handing a chat to a person: when asked, for safeguarding, or after turns the assistant could
not help with; the chat goes to the live queue (ordered by priority, then wait)."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from borough.assistant import nlu
from borough.assistant.models import Conversation
from borough.assistant.nlu.content import faq_get
from borough.assistant.state import Mode
from borough.assistant.turns import Exchange, InLanguage, fixed, supported_language

# The council's own help page for people who are homeless or may lose their home: the number
# the chat gives is the one that page gives (one source of truth, the help page's text).
HOUSING_HELP_PAGE = "housing-advice"
HOMELESS_SIGN = "homeless tonight"
_PHONE = re.compile(r"\b0\d{2,4}(?: \d{3,4}){1,2}\b")

# Turns in a row the assistant cannot help with before it offers a person.
FAILED_TURNS_BEFORE_HANDOVER = 2


def _signposting_english() -> str:
    return _(
        "If you or someone else is in immediate danger, call 999 now. You can talk to "
        "Samaritans free, day or night, on 116 123. Outside office hours, call the "
        "council's emergency line on %(phone)s. I am passing you to a member of staff now."
    ) % {"phone": settings.BOROUGH_OUT_OF_HOURS_PHONE}


def signposting(language: str) -> str:
    """The emergency numbers and the promise of a person, in the resident's language: the
    portal's own translation where it has one (Polish), else a machine-made one from
    nlu/data/urgent_replies.yaml, labelled as such, with the English under it (ADR 0029).
    Never 'I can only reply in English'."""
    text = fixed("safeguarding_signposting", _signposting_english(), language)
    if not language or language.startswith("en") or supported_language(language):
        return text  # English, or the portal's reviewed translation (gettext)
    translated = nlu.urgent("safeguarding_signposting", language)
    if translated is None:
        return text
    with translation.override("en"):
        english = _signposting_english()
    phone = {"phone": settings.BOROUGH_OUT_OF_HOURS_PHONE}
    label = f"\n({translated.label})" if translated.machine and translated.label else ""
    return InLanguage.of(f"{translated.text % phone}{label}\n\n{english}", language)


def housing_options_phone() -> str:
    """The Housing Options number the council's housing help page gives ("" if it gives none)."""
    page = faq_get(HOUSING_HELP_PAGE)
    found = _PHONE.search(" ".join(page.answer)) if page else None
    return found.group(0) if found else ""


def homeless_signposting(x: Exchange) -> None:
    """For someone with nowhere to stay: the Housing Options number and page, from that page."""
    phone, page = housing_options_phone(), faq_get(HOUSING_HELP_PAGE)
    # The sign as found in English, or in another language ("homeless tonight (pl)").
    homeless = any(
        sign == HOMELESS_SIGN or sign.startswith(f"{HOMELESS_SIGN} (")
        for sign in x.u.vulnerability.signs
    )
    if not homeless or not phone or page is None:
        return
    x.say(
        _(
            "If you have nowhere to stay tonight, call our Housing Options team on %(phone)s "
            "during office hours, or the emergency line on %(out_of_hours)s at night and at "
            "weekends."
        )
        % {"phone": phone, "out_of_hours": settings.BOROUGH_OUT_OF_HOURS_PHONE},
        links=[{"url": page.url, "text": page.title}],
    )


# Help pages for people at risk, by the safeguarding sign that points to them: the chat links
# to the page (which carries "Exit this page") beside the emergency numbers.
SAFETY_PAGES = {
    "abuse or domestic violence": "domestic-abuse",
    "child at risk": "report-a-concern",
    "vulnerable adult at risk": "report-a-concern",
}


def safety_page_links(x: Exchange) -> None:
    """Link the help page for the danger the resident described (domestic abuse, a child or an
    adult at risk), so the helpline and the council's numbers are one tap away."""
    keys = dict.fromkeys(SAFETY_PAGES[s] for s in x.u.vulnerability.signs if s in SAFETY_PAGES)
    pages = [page for page in map(faq_get, keys) if page is not None]
    if pages:
        x.say(
            _("These pages have the numbers to call and what the council can do:"),
            links=[{"url": page.url, "text": page.title} for page in pages],
        )


def hand_over(x: Exchange, *, reason: str) -> None:
    """Put the chat in the live queue (the caller saves it; the queue orders by priority).
    A request in progress keeps its answers, for the agent."""
    conversation = x.conversation
    x.state.mode = Mode.ANYTHING
    conversation.status = Conversation.Status.WAITING
    conversation.waiting_since = timezone.now()
    conversation.handover_reason = reason
    x.turn.handover = reason
    if reason != "safeguarding":
        x.say(
            _(
                "I have asked a member of staff to join this chat. Please stay on this page: "
                "their reply will appear here."
            )
        )


def note_signs(x: Exchange) -> None:
    """Keep what the understanding noticed (FCA drivers, the signs matched) for the agent."""
    conversation, vulnerability = x.conversation, x.u.vulnerability
    conversation.drivers = sorted(set(conversation.drivers) | set(vulnerability.drivers))
    conversation.signs = sorted(set(conversation.signs) | set(vulnerability.signs))[:50]


def failed(x: Exchange, *, offered: bool = False) -> None:
    """A turn the assistant could not help with: at the second in a row, offer a person
    (unless this turn's reply offered one already)."""
    x.state.failures += 1
    if x.state.failures >= FAILED_TURNS_BEFORE_HANDOVER and not offered:
        x.say(
            _("I am having trouble helping you. Would you like to talk to a person?"),
            choices=[_("Talk to a person")],
        )
