"""Offline language identification: writing system first, then lingua's n-gram models.

Scripts settle the languages that have their own (Gurmukhi for Punjabi, Gujarati, Tamil, Bengali,
...). Arabic script is Arabic, Urdu, Persian or Pashto: lingua tells them apart. Latin text goes
to lingua (restricted to the languages London boroughs hear most, so short messages are not
matched to an obscure language). Very short or ambiguous messages are English, the default.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from lingua import Language, LanguageDetectorBuilder

DEFAULT = "en"

# Unicode block ranges -> ISO 639-1 for scripts used by essentially one language here.
_SCRIPT_LANGUAGE = [
    (0x0A00, 0x0A7F, "pa"),  # Gurmukhi
    (0x0A80, 0x0AFF, "gu"),  # Gujarati
    (0x0B80, 0x0BFF, "ta"),  # Tamil
    (0x0980, 0x09FF, "bn"),  # Bengali
    (0x0C00, 0x0C7F, "te"),  # Telugu
    (0x0C80, 0x0CFF, "kn"),  # Kannada
    (0x0D00, 0x0D7F, "ml"),  # Malayalam
    (0x0D80, 0x0DFF, "si"),  # Sinhala
    (0x0E00, 0x0E7F, "th"),  # Thai
    (0x10A0, 0x10FF, "ka"),  # Georgian
    (0x0530, 0x058F, "hy"),  # Armenian
    (0x0370, 0x03FF, "el"),  # Greek
    (0x1200, 0x139F, "am"),  # Ethiopic (Amharic; Tigrinya shares it)
    (0xAC00, 0xD7AF, "ko"),  # Hangul
    (0x3040, 0x30FF, "ja"),  # Hiragana and Katakana
    (0x0590, 0x05FF, "he"),  # Hebrew
]
_ARABIC = (0x0600, 0x06FF)
_DEVANAGARI = (0x0900, 0x097F)
_CYRILLIC = (0x0400, 0x04FF)
_CJK = (0x4E00, 0x9FFF)

# Languages lingua may choose among, by script.
_LATIN_LANGUAGES = [
    "ENGLISH", "POLISH", "ROMANIAN", "SOMALI", "LITHUANIAN", "LATVIAN", "PORTUGUESE",
    "SPANISH", "FRENCH", "ITALIAN", "GERMAN", "TURKISH", "ALBANIAN", "YORUBA", "SWAHILI",
    "TAGALOG", "VIETNAMESE", "CROATIAN", "SLOVAK", "CZECH", "HUNGARIAN", "DUTCH", "IRISH",
    "WELSH", "MALAY",
]  # fmt: skip
_ARABIC_LANGUAGES = ["ARABIC", "URDU", "PERSIAN"]
_CYRILLIC_LANGUAGES = ["RUSSIAN", "UKRAINIAN", "BULGARIAN"]
_DEVANAGARI_LANGUAGES = ["HINDI", "MARATHI"]

# Letters that only some Latin-script languages use: a strong hint even in one word.
_POLISH_LETTERS = set("ąćęłńśźżĄĆĘŁŃŚŹŻ")
_ROMANIAN_LETTERS = set("ăâîșşțţĂÂÎȘŞȚŢ")

_detectors: dict[str, object] = {}
_lock = threading.Lock()


def _detector(kind: str, names: list[str]):
    if kind not in _detectors:
        with _lock:
            if kind not in _detectors:
                languages = [getattr(Language, name) for name in names]
                _detectors[kind] = (
                    LanguageDetectorBuilder.from_languages(*languages)
                    .with_low_accuracy_mode()
                    .build()
                )
    return _detectors[kind]


def _iso(language) -> str:
    return language.iso_code_639_1.name.lower()


def _in(code: int, block: tuple[int, int]) -> bool:
    return block[0] <= code <= block[1]


# Request references (K7P2-QXM4), postcodes, phone numbers and other codes are no language: their
# letters would only mislead lingua (a reference like PRZ5-QS6Q reads as Polish).
_CODES = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b|\S*\d\S*")


def detect(text: str) -> str:
    text = _CODES.sub(" ", text)
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return DEFAULT
    counts: dict[str, int] = {}
    for c in letters:
        code = ord(c)
        script = "latin" if code < 0x0250 or 0x1E00 <= code <= 0x1EFF else None
        if script is None:
            for start, end, language in _SCRIPT_LANGUAGE:
                if start <= code <= end:
                    script = language
                    break
        if script is None:
            if _in(code, _ARABIC) or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
                script = "arabic"
            elif _in(code, _DEVANAGARI):
                script = "devanagari"
            elif _in(code, _CYRILLIC):
                script = "cyrillic"
            elif _in(code, _CJK):
                script = "zh"
            else:
                script = unicodedata.name(c, "other").split()[0].lower()
        counts[script] = counts.get(script, 0) + 1
    script = max(counts, key=counts.__getitem__)
    if script == "latin":
        return _latin(text)
    if script == "arabic":
        found = _detector("arabic", _ARABIC_LANGUAGES).detect_language_of(text)
        return _iso(found) if found else "ar"
    if script == "cyrillic":
        found = _detector("cyrillic", _CYRILLIC_LANGUAGES).detect_language_of(text)
        return _iso(found) if found else "ru"
    if script == "devanagari":
        found = _detector("devanagari", _DEVANAGARI_LANGUAGES).detect_language_of(text)
        return _iso(found) if found else "hi"
    if len(script) == 2:
        return script
    return DEFAULT


_WORD = re.compile(r"[^\W\d_]+")


def _latin(text: str) -> str:
    words = _WORD.findall(text)
    chars = set(text)
    if chars & _POLISH_LETTERS:
        return "pl"
    if chars & _ROMANIAN_LETTERS and not chars & set("ãõçÃÕÇ"):
        return "ro"
    # One or two short words ('ok', 'hi', 'no') are too little to tell: English.
    if len(words) < 3 and sum(len(w) for w in words) < 12:
        return DEFAULT
    detector = _detector("latin", _LATIN_LANGUAGES)
    confidences = detector.compute_language_confidence_values(text)
    if not confidences:
        return DEFAULT
    best = confidences[0]
    english = next((c.value for c in confidences if _iso(c.language) == "en"), 0.0)
    # Stay in English unless another language is clearly more likely: residents mix English
    # words into other languages far less than the reverse, and a wrong switch costs more.
    if _iso(best.language) != "en" and best.value > max(0.5, english * 2):
        return _iso(best.language)
    return DEFAULT
