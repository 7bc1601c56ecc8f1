"""Urgent needs found by search: the phone number to call comes before any result (issue 17).

A resident who types "I'm homeless" or "I can smell gas" needs a number now, not a form. The
words are matched by an auditable list of patterns (below; change them with a test), and the
assistant's own safeguarding sign for nowhere to sleep tonight. What is shown is a paragraph
of the council's help pages (borough/assistant/nlu/data/faqs.yaml), so each number is written
in one place: the homelessness line from "Housing advice", the out-of-hours line and the gas
emergency line from "Emergencies out of hours".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from borough.assistant.nlu.content import faq_get
from borough.assistant.nlu.vulnerability import lexicon_matches, load_lexicon

# Notices about people at risk: their search page carries "Exit this page".
SAFETY_KINDS = frozenset({"abuse", "concern"})
# Months in which no heating is an emergency (October to March).
HEATING_SEASON = {10, 11, 12, 1, 2, 3}


@dataclass(frozen=True)
class UrgentNotice:
    kind: str  # 'homeless', 'abuse', 'concern', 'gas' or 'emergency'
    title: str  # the help page's title
    text: str  # the help page's own paragraph, with the number
    numbers: tuple[str, ...]
    url: str  # the help page
    service_url: str = ""  # a form to follow up with, when there is one


def _any(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


HOMELESS = _any(
    r"\bhomele?s+\b",
    r"\bhomelessness\b",
    r"\bemergency\s+(accommodation|housing)\b",
    r"\b(nowhere|no\s*where|no\s+place|not\s+got\s+anywhere)\s+to\s+(sleep|stay|go|live)\b",
    r"\bsleep(ing)?\s+(rough|on\s+the\s+streets?|outside|in\s+(my|the|a)\s+car|in\s+a\s+park)\b",
    r"\brough\s+sleep",
    r"\bon\s+the\s+streets?\s+(tonight|today|now)\b",
    r"\b(kicked|thrown|chucked)\s+(me\s+|us\s+)?out\b",
    r"\blocked\s+(me\s+|us\s+)?out\b(?!\s+of\s+(my|the|our|his|her)\s+(car|van|account|phone|email))",
    r"\bevicted\s+(today|tonight|now|this\s+(morning|afternoon|evening))\b",
    # Needing a roof now, in any words: "need somewhere to stay", "nowhere safe to go".
    r"\b(need|needs|needing|looking\s+for|find)\s+(somewhere|a\s+place|anywhere|a\s+room)"
    r"\s+(safe\s+)?to\s+(stay|sleep|live)\b",
    r"\bnowhere\s+safe\b",
    # Fleeing domestic abuse: the council must help at once (priority need), so the housing
    # options number comes first.
    r"\b(flee|fleeing|fled|escap(e|ed|ing)|leav(e|ing)|left|run(ning)?\s+(away\s+)?from|get(ting)?"
    r"\s+away\s+from)\b.{0,40}\b(domestic\s+(violence|abuse)|abus(e|er|ive)|violen(t|ce))",
    r"\b(domestic\s+(violence|abuse)|abusive\s+(partner|husband|wife|relationship|home))\b.{0,40}"
    r"\b(somewhere|anywhere|nowhere|a\s+place)\b",
    # An illegal eviction: a landlord who changes the locks or puts the tenant out.
    r"\b(landlord|landlady|owner|agent)\b.{0,40}\b(chang(e|ed|ing)|swapp?(ed|ing))\s+(the|my|our)"
    r"\s+locks?\b",
    r"\blocks?\s+(have\s+been\s+|were\s+|was\s+)?changed\b",
    r"\b(landlord|landlady)\b.{0,40}\b(locked|threw|thrown|put|kicked|chucked)\s+(me|us)\s+out\b",
    r"\blocked\s+(me\s+|us\s+)?out\s+of\s+(my|our|the)\s+(home|flat|house|room|bedsit)\b",
    r"\b(illegal(ly)?|unlawful(ly)?)\s+evict",
)
GAS = _any(r"\bsmell(s|ing)?\s+(of\s+)?gas\b", r"\bgas\s+(leak|smell)", r"\bleaking\s+gas\b")
EMERGENCY = _any(
    r"\bemergenc(y|ies)\b",
    r"\bout\s+of\s+(office\s+)?hours\b",
    r"\b24\s*(hours?|hrs?|/7)\b",
    r"\bflood(ed|ing)?\b",
    r"\bburst\s+(pipe|water\s+main)",
    r"\bwater\s+(pouring|coming)\s+(through|in)",
    r"\bno\s+(running\s+)?water\b",
    r"\b(sparking|exposed\s+wires?|electric(s|al)?\s+(are\s+)?(sparking|unsafe|dangerous))\b",
    r"\b(front\s+)?door\s+(won'?t|will\s+not|doesn'?t|does\s+not|can'?t|cannot)\s+(lock|close|shut)",
    r"\bbroken\s+into\b",
    r"\b(tree|branch)\s+(has\s+)?(fallen|fell|came\s+down|come\s+down|blocking|down\s+on)",
    r"\bfallen\s+(tree|branch)",
    r"\bdangerous\s+(structure|wall|building)",
    r"\b(wall|ceiling|roof)\s+(has\s+)?(collapsed|collapsing|falling\s+down|fell\s+in)",
)
NO_HEATING = _any(
    r"\bno\s+(heat(ing)?|hot\s+water)\b",
    r"\b(heating|boiler)\b.{0,25}\b(broken|not\s+working|off|gone|failed|stopped|packed\s+up)",
    r"\b(freezing|so\s+cold)\b.{0,30}\b(flat|house|home)\b",
)

_SIGNS = load_lexicon()[0]
_homeless_tonight = [sign for sign in _SIGNS if sign.name == "homeless tonight"]
# The chat's own safeguarding signs (issue 22): someone being abused, or a child or an adult at
# risk, sees the helpline or the council's safeguarding number before any result.
_abuse = [sign for sign in _SIGNS if sign.name == "abuse or domestic violence"]
_at_risk = [sign for sign in _SIGNS if sign.name in ("child at risk", "vulnerable adult at risk")]


def _paragraph(key: str, *needles: str) -> tuple[str, str, str]:
    """The help page's paragraphs holding each needle (one paragraph each), joined."""
    faq = faq_get(key)
    if faq is None:
        return "", "", ""
    found = [next((p for p in faq.answer if needle in p), "") for needle in needles]
    text = " ".join(dict.fromkeys(p for p in found if p)) or faq.answer[0]
    return faq.title, text, faq.url


def _numbers(text: str) -> tuple[str, ...]:
    return tuple(
        re.findall(
            r"\b0\d{3}\s\d{3}\s\d{3,4}\b|\b0\d{3}\s\d{4}\s\d{3}\b|\b0\d{2}\s\d{4}\s\d{4}\b|\b999\b",
            text,
        )
    )


def _notice(kind: str, key: str, *needles: str, service_url: str = "") -> UrgentNotice | None:
    title, text, url = _paragraph(key, *needles)
    if not text:
        return None
    return UrgentNotice(kind, title, text, _numbers(text), url, service_url)


def urgent_notice(query: str, *, today: datetime.date | None = None) -> UrgentNotice | None:
    """The number to call first for ``query``, or None when nothing in it is urgent."""
    text = query.replace("\u2019", "'")
    if GAS.search(text):
        return _notice("gas", "out-of-hours", "smell gas")
    if HOMELESS.search(text) or lexicon_matches(text, _homeless_tonight):
        return _notice(
            "homeless",
            "housing-advice",
            "nowhere to stay tonight",
            service_url="/services/homelessness/",
        )
    if lexicon_matches(text, _abuse):
        return _notice("abuse", "domestic-abuse", "in danger now", "Domestic Abuse Helpline")
    if lexicon_matches(text, _at_risk):
        return _notice("concern", "report-a-concern", "harmed or neglected", "care and support")
    month = (today or datetime.date.today()).month
    if EMERGENCY.search(text) or (month in HEATING_SEASON and NO_HEATING.search(text)):
        return _notice("emergency", "out-of-hours", "0800 000 0000")
    return None
