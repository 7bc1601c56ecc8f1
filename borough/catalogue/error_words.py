"""The error for a choice left unanswered, naming the question as GOV.UK asks: "Select which
bin was not collected", "Select how big the pothole is", "Select yes if this is an emergency",
rather than "Select an option".

The question's label is turned round into the words after "Select" (English labels only; in
another language, or where the label is not a question this can turn round, the general
message is used). A form definition's ``error_required`` always wins.
"""

from __future__ import annotations

WH_WORDS = ("which", "what", "how", "why", "where", "when", "who")
# Verbs that come before the subject in a question ("What is the problem?").
AUXILIARIES = ("is", "are", "was", "were", "has", "have", "had", "can", "will", "would")
DO_WORDS = ("do", "does", "did")
# Words that cannot be the verb after a subject ("Does anyone aged 16 or over live...").
NOT_VERBS = ("in", "on", "at", "aged", "with", "of", "who", "from", "over", "under")
# The words a subject starts with: a pronoun alone, or a determiner and one noun.
PRONOUNS = ("you", "it", "this", "that", "they", "there", "anyone", "someone", "water")
DETERMINERS = ("the", "your", "a", "an", "this", "that", "their", "my")
YES_NO = {"yes", "no"}


def _subject(words: list[str]) -> int:
    """How many of ``words`` make the subject, or 0 if they do not start with one."""
    if not words:
        return 0
    if words[0] in PRONOUNS:
        return 1
    if words[0] in DETERMINERS and len(words) > 1:
        # "the pothole"; "the wasps' nest" (a possessive and its noun).
        possessive = words[1].endswith(("'", "'s")) and len(words) > 2
        return 3 if possessive else 2
    return 0


def _third_person(verb: str) -> str:
    if verb == "have":
        return "has"
    if verb.endswith(("s", "sh", "ch", "x", "o")):
        return verb + "es"
    return verb + "s"


def _turned(words: list[str]) -> list[str] | None:
    """``[aux, subject..., rest...]`` as ``[subject..., aux, rest...]`` (do-words dropped,
    with the verb made to agree), or None if the words do not start so."""
    aux, rest = words[0], words[1:]
    size = _subject(rest)
    if not size:
        return None
    subject, after = rest[:size], rest[size:]
    if aux in DO_WORDS:
        if not after:
            return None
        if aux == "does" and subject != ["you"]:
            if after[0] in AUXILIARIES or after[0] in NOT_VERBS:
                return None
            # "does this happen" → "this happens"; "does anyone ... live" is left alone.
            if size != 1:
                return None
            after = [_third_person(after[0]), *after[1:]]
        return [*subject, *after]
    return [*subject, aux, *after]


def select_error(label: str, *, options: list[str]) -> str | None:
    """The words of a "Select ..." error for a selection question with this label, or None."""
    text = label.strip().rstrip("?").strip()
    if not text or "?" in text:
        return None
    words = text.split()
    lowered = [word.lower() if word != "I" else word for word in words]
    first = lowered[0]
    if first in WH_WORDS:
        # The wh-phrase: "how big", "what kind of noise", "which pest".
        index = 1
        while index < len(lowered) and lowered[index] not in AUXILIARIES + DO_WORDS:
            index += 1
        if index == len(lowered):
            return "Select " + " ".join(lowered)  # "What needs cleaning up"
        head, tail = lowered[:index], lowered[index:]
        turned = _turned(tail)
        if turned is None or _subject(tail[1:]) == 0:
            return "Select " + " ".join(lowered)  # "What is wrong with the light"
        return "Select " + " ".join([*head, *turned])
    if first in AUXILIARIES + DO_WORDS:
        turned = _turned(lowered)
        if turned is None:
            return None
        lead = "Select yes if " if {o.lower() for o in options} == YES_NO else "Select whether "
        return lead + " ".join(turned)
    return None
