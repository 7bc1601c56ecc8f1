"""Human words for what the assistant records in codes (issue 17, point 12): the intent it
understood ("faq:housing-advice" -> "Housing advice and the housing register") and language
codes ("gu" -> "Gujarati"), for the hub's live chat and resident pages."""

from __future__ import annotations

from django.conf.locale import LANG_INFO

from borough.assistant.nlu.content import faq_get, services

# Languages residents here speak that Django's own list (``LANG_INFO``) does not name.
MORE_LANGUAGES = {
    "am": "Amharic",
    "ff": "Fula",
    "gu": "Gujarati",
    "ha": "Hausa",
    "ig": "Igbo",
    "ku": "Kurdish",
    "ln": "Lingala",
    "ps": "Pashto",
    "sd": "Sindhi",
    "si": "Sinhala",
    "so": "Somali",
    "ti": "Tigrinya",
    "tw": "Twi",
    "yo": "Yoruba",
    "yue": "Cantonese",
    "zh": "Chinese",
}
# Intents that are not a service or a help page.
OTHER_INTENTS = {
    "status": "Checking on a request",
    "bin_days": "Bin collection days",
    "human": "Asking for a person",
    "greeting": "Saying hello",
    "thanks": "Saying thank you",
    "goodbye": "Saying goodbye",
}
FLAGS = {
    "injection": "Tried to give the assistant instructions",
    "abusive": "Abusive language",
    "empty": "Empty message",
    "too_long": "Very long message, shortened",
}


def language_name(code: str | None) -> str:
    """ "gu" -> "Gujarati", "pt-br" -> "Brazilian Portuguese"; an unknown code as it is."""
    if not code:
        return "Not known"
    key = code.strip().lower()
    info = LANG_INFO.get(key) or LANG_INFO.get(key.split("-")[0])
    if info and "name" in info:
        return str(info["name"])
    return MORE_LANGUAGES.get(key) or MORE_LANGUAGES.get(key.split("-")[0]) or code


def intent_words(intent: str | None) -> str:
    """What the resident asked about, in words: a service's or help page's name."""
    if not intent:
        return "Not understood"
    kind, _, key = intent.partition(":")
    if kind == "service":
        named = next((s.get("name") for s in services() if s.get("slug") == key), None)
        if named:
            return str(named)
    elif kind == "faq":
        faq = faq_get(key)
        if faq is not None:
            return faq.title
    elif intent in OTHER_INTENTS:
        return OTHER_INTENTS[intent]
    return (key or kind).replace("-", " ").replace("_", " ").capitalize()


def flag_words(flag: str) -> str:
    return FLAGS.get(flag, flag.replace("_", " ").capitalize())


def understood_words(understood: dict | None) -> list[str]:
    """What the assistant understood of one message, as lines an agent reads:
    "Asked about: Housing advice", "Language: French", and any warning flags."""
    if not understood or not (understood.get("intent") or understood.get("flags")):
        return []
    lines = [f"Asked about: {intent_words(understood.get('intent'))}"]
    language = understood.get("language")
    if language and language != "en":
        lines.append(f"Language: {language_name(language)}")
    lines.extend(flag_words(flag) for flag in understood.get("flags") or ())
    return lines
