"""What the assistant says while it waits for anything: a greeting, thanks, goodbye, the start
of another flow (a service, a status, bin days, a person), or an answer quoted from the
council's own content (``nlu.retrieve``), with a person offered when there is none."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from borough.assistant import nlu
from borough.assistant.helpfinders import find_help
from borough.assistant.nlu import Passage, Understanding
from borough.assistant.nlu.content import faq_get
from borough.assistant.turns import Exchange, fixed, starter_choices
from borough.catalogue.selectors import service_get

from .bin_days import ask_postcode, bin_postcode_turn
from .handover import failed, hand_over
from .service_form import service_named, start_form
from .status import ask_reference, names_a_request, status_turn

# A retrieved passage this good is quoted; below it the assistant says it does not know.
MIN_PASSAGE_SCORE = 0.35
# A passage this close to the words is quoted even when the classifier finds the message out of
# scope: "council tax" is too short for it, but our page "Pay your council tax" answers it.
STRONG_PASSAGE_SCORE = 0.85
# Intents that start something other than an answer from the council's content.
ACTION_INTENTS = {"human", "status", "bin_days", "greeting", "thanks", "goodbye", "report"}


def content_passages(text: str) -> list[Passage]:
    """The council's content good enough to quote in answer to ``text``, best first."""
    return [p for p in nlu.retrieve(text, limit=3) if p.score >= MIN_PASSAGE_SCORE]


def may_be_question(u: Understanding) -> bool:
    """Could this message, sent while the assistant waits for anything, be answered from the
    council's content? Decides whether the content is looked up before the turn."""
    intent = u.intent or ""
    return not (
        u.vulnerability.level == "safeguarding"
        or {"injection", "abusive"} & set(u.flags)
        or intent in ACTION_INTENTS
        or intent.startswith("service:")
    )


def open_turn(x: Exchange) -> None:
    state, u = x.state, x.u
    # The suggested first replies mean what they say, whatever the classifier makes of them.
    intent = {
        _("Check my bin days").casefold(): "bin_days",
        _("Check a request").casefold(): "status",
        _("Talk to a person").casefold(): "human",
        _("Report a problem").casefold(): "report",
    }.get(x.lowered, u.intent or "")
    if intent == "human":
        hand_over(x, reason="asked")
        return
    named = service_named(x.text)
    if named is not None:
        intent = f"service:{named.slug}"
    if intent.startswith("service:"):
        service = service_get(intent.split(":", 1)[1])
        if service is not None:
            state.failures = 0
            start_form(x, service)
            return
    if intent == "status":
        state.failures = 0
        if names_a_request(x):
            status_turn(x)
        else:
            ask_reference(x)
        return
    if intent == "bin_days":
        state.failures = 0
        if u.entities.postcodes:
            bin_postcode_turn(x, u.entities.postcodes[0])
        else:
            ask_postcode(x)
        return
    language = x.conversation.language
    if intent == "greeting":
        x.say(
            fixed(
                "greeting",
                _(
                    "Hello. I am the council's automated assistant. I can report a problem, ask "
                    "for a service, tell you your bin days or the progress of a request, and "
                    "answer questions about our services. What would you like to do?"
                ),
                language,
            ),
            choices=starter_choices(),
        )
        return
    if intent == "thanks":
        x.say(
            fixed(
                "thanks",
                _("You're welcome. Is there anything else I can help you with?"),
                language,
            )
        )
        return
    if intent == "goodbye":
        x.say(fixed("goodbye", _("Goodbye. You can start a new chat at any time."), language))
        return
    if intent == "report":
        x.say(
            _("What would you like to report or ask for? Tell me in a few words."),
            links=[{"url": reverse("portal:home"), "text": _("See all our services")}],
        )
        return
    if _local_help(x):
        state.failures = 0
        return
    # A question (faq:...), or nothing we recognise: answer from the council's own content.
    passages = x.understood.passages
    if passages is None:  # not looked up before the turn (the conversation had moved on)
        passages = content_passages(x.text)
    if not passages and intent.startswith("faq:"):
        passages = _faq_passages(intent.split(":", 1)[1], u)
    if passages and (
        intent.startswith("faq:") or not u.out_of_scope or passages[0].score >= STRONG_PASSAGE_SCORE
    ):
        state.failures = 0
        _answer_from_content(x, passages)
        return
    if u.out_of_scope or not passages:
        x.say(
            _(
                "Sorry, I cannot find an answer to that in the council's information. Would you "
                "like to talk to a person?"
            ),
            choices=[_("Talk to a person")],
        )
        failed(x, offered=True)


def _local_help(x: Exchange) -> bool:
    """ "Where can I get help with debt?": the community directory's services for it, linked."""
    if not may_be_question(x.u):
        return False
    offers = find_help(x.text)
    if not offers:
        return False
    x.say(
        _("These local services can help. They are in the council's community directory:"),
        links=[{"url": o.url, "text": f"{o.title} ({o.provider})"} for o in offers],
    )
    return True


def _faq_passages(key: str, u: Understanding) -> list[Passage]:
    """The help page the message was understood to ask about ("I'm homeless": housing advice),
    when searching the words found nothing good enough: its opening paragraph, quoted."""
    faq = faq_get(key)
    if faq is None or not faq.answer or u.out_of_scope:
        return []
    return [Passage(title=faq.title, url=faq.url, text=faq.answer[0], score=float(u.confidence))]


def _answer_from_content(x: Exchange, passages: list[Passage]) -> None:
    """Quote the best passage, with a link to its page. A configured language model may word a
    clearer answer from the passages before the reply is kept (``dialogue.polish``)."""
    best = passages[0]
    reply = x.say(
        _("This is what our page “%(title)s” says: “%(text)s”")
        % {"title": best.title, "text": best.text},
        links=[{"url": best.url, "text": best.title}],
    )
    reply.question, reply.passages = x.text, passages
