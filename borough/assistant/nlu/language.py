"""Offline language identification: writing system first, then lingua's n-gram models.

Scripts settle the languages that have their own (Gurmukhi for Punjabi, Gujarati, Tamil, Bengali,
...). Arabic script is Arabic, Urdu, Persian or Pashto: letters only Urdu uses settle Urdu, else
lingua tells them apart. Latin text that is mostly English words (the assistant's own English
utterances and the commonest English words) is English however short: "How do I reset my
iphone" is not German (ADR 0029). Other Latin text goes to lingua (restricted to the languages
London boroughs hear most, so short messages are not matched to an obscure language), which must
be confident. Very short or ambiguous messages are English, the site's language.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

from lingua import Language, LanguageDetectorBuilder

from . import content

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
_PORTUGUESE_LETTERS = set("ãõÃÕ")
# Arabic-script letters Urdu uses and Arabic and Persian do not (ٹ ڈ ڑ ں ے ھ ہ ۓ).
_URDU_LETTERS = set("ٹڈڑںےھہۓ")
# A share of words at least this large in the English vocabulary: the message is English.
ENGLISH_SHARE = 0.6
# Lingua's confidence a language other than English needs (and twice English's).
MIN_CONFIDENCE = 0.5
# How much likelier, before reading a message, the commonest Latin-script languages are.
_COMMON_LATIN = {"en", "pl", "ro", "pt", "so"}
LATIN_PRIOR = 10.0
# Marathi shares Devanagari with Hindi, far commoner here: Marathi only when lingua is sure.
MARATHI_CONFIDENCE = 0.9

# Words that make up most English sentences, beside the assistant's own English utterances.
_COMMON_ENGLISH = """
a about after again all also am an and any anyone are as at away back be because been before
being but by can cannot could day did do does doing done dont down each even every for from get
gets getting give go goes going gone good got had has have having he hello help her here hi him
his how i if im in into is isnt it its ive just know last let like live look made make many may
me more morning most much must my need never new next night no not now of off ok okay on once
one only or other our out over please pls put really right said same say see she should since so
some someone something still such sure take tell than thank thanks that the their them then there
these they thing think this those through to today tomorrow too two under until up us very want
was way we week well were what when where which while who why will with without would yeah yes
yet you your youre phone iphone android app email password account reset login online website
"""


@functools.cache
def english_vocabulary() -> frozenset[str]:
    """Lower-case English words: the common ones above and every word of the assistant's English
    training utterances and FAQ questions (data/training.yaml, data/faqs.yaml)."""
    words = set(_COMMON_ENGLISH.split())
    intents, out_of_scope = content.training()
    texts = [t for examples in intents.values() for t in examples] + out_of_scope
    texts += [q for faq in content.faqs() for q in faq.questions]
    for text in texts:
        words.update(w.lower() for w in _WORD.findall(text) if w.isascii())
    return frozenset(words)


def english_share(text: str) -> float:
    """The share of a message's words that are English words (0 when it has none)."""
    words = [w.lower() for w in _WORD.findall(_CODES.sub(" ", text))]
    if not words:
        return 0.0
    vocabulary = english_vocabulary()
    return sum(w in vocabulary for w in words) / len(words)


_ROMANIAN_LETTERS = set("ăâîșşțţĂÂÎȘŞȚŢ")

# Punjabi, Urdu, Hindi, Gujarati, Tamil and Bengali typed in Latin letters ('mera bin nahi
# uthaya', 'saada kooda nahi chukkeya'): no n-gram model knows them (lingua calls them Tagalog,
# Yoruba or Somali). Their commonest grammatical words, none of them an English, Polish,
# Romanian, Portuguese or Somali word, tell them apart. Urdu and Hindi share theirs.
_ROMAN_WORDS = {
    "hindustani": """hai hain nahi nahin nhi mein mera meri mere mujhe kya kaise raha rahi rahe
        gaya gayi gaye tha thi karo karna karein karun hota hoti koi kuch bahut abhi wala wali
        wale aur bhi ghar pehle hafte saath chahiye sakta sakti sakte diya liya aaj raat kaam
        apna apne yeh woh lekin agar zyada madad hamara hamari humara aap kab kahan kyun baad
        uthaya jata jati milta milega baat insaan khana mila""",
    "pa": """vich ton tuhanu mainu sanu saada sadda saadi saade kithe kiven kive hoya reha
        kitta kiti ditta ditti chukkeya chukkya hun ajj tusi assi onu dasso pehlan chadd karde
        karda kardi janda jandi gall haan chahida sakde sakdi naal layi hafteyan""",
    "gu": """che chhe nathi maru mari mara mane tame tamaru amaru amari amara kevi rite shu
        karvu joiye gayu thayu thai ane kyare aaje apvu lidho badlai mukyo kadhi suvu chu kem
        vaat athvadiye athvadiya dabbo kachro sheri""",
    "ta": """irukku illa illai enna naan enga engal veetla veetu pannanum pannunga vaaram
        iravu indru inniku kitta thaan romba varala aachu theriyala venum vendum edukkala
        anuppitanga irunthum idam thoonga irukken pesanum pannala kuppai pallam vilakku
        manushan aagudhu edupaanga odanjiduchu""",
    "bn": """ami amar amake amra amader apni apnar tumi ache achhe kotha bolbo korbo korche
        hoye hoyeche jonno theke kono keu kemon kothay kobe parchi protidin sathe basha moyla
        rastay soptaho soptahe lagbe geche neyni holo""",
}
_ROMAN_SETS = {name: frozenset(words.split()) for name, words in _ROMAN_WORDS.items()}
# At least this many such words, making at least this share of the message's words.
ROMAN_MIN_WORDS = 2
ROMAN_SHARE = 0.2


def _romanised(words: list[str]) -> str | None:
    """The language of a message in one of those languages typed in Latin letters, or None.
    Urdu or Hindi, which share their words, is Urdu (the commoner here) unless the
    conversation says otherwise (``detect`` lets the conversation's language decide)."""
    lower = [w.lower() for w in words]
    hits = {name: sum(w in vocabulary for w in lower) for name, vocabulary in _ROMAN_SETS.items()}
    total = sum(hits.values())
    if total < ROMAN_MIN_WORDS or total < ROMAN_SHARE * len(lower):
        return None
    # A language of its own (Punjabi, Gujarati, Tamil, Bengali) wins over the shared words
    # when it has any: Punjabi shares 'nahi', 'koi' and 'hai' with Urdu and Hindi.
    own = {name: n for name, n in hits.items() if name != "hindustani" and n}
    if own:
        best = max(own, key=own.__getitem__)
        if own[best] * 2 >= hits["hindustani"]:
            return best
    return "hindustani"


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


# A script other than Latin with at least this share of a message's letters is its language's:
# 'ਮੇਰੇ gas ਬਿੱਲ ਤੇ meter reading ਗਲਤ' is Punjabi with English words, not English.
MIXED_SCRIPT_SHARE = 0.25


def detect(text: str, *, previous: str | None = None, site: str = DEFAULT) -> str:
    """The language of ``text`` (ISO 639-1). When the text itself does not settle it (too short,
    only a reference or a postcode, lingua not confident, a few English words in a conversation
    held in another language), the conversation's ``previous`` language, else the ``site``'s.
    Urdu or Hindi typed in Latin letters is the conversation's of the two, else Urdu."""
    language, sure = _detect(text)
    if language == "hindustani":
        return previous if previous in ("hi", "ur") else "ur"
    if sure:
        return language
    return previous or site or DEFAULT


def _detect(text: str) -> tuple[str, bool]:
    """(language, whether the text settles it)."""
    text = _CODES.sub(" ", text)
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return DEFAULT, False
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
    others = {k: v for k, v in counts.items() if k != "latin"}
    if script == "latin" and others:
        other = max(others, key=others.__getitem__)
        if others[other] >= MIXED_SCRIPT_SHARE * len(letters):
            script = other
    if script == "latin":
        return _latin(text)
    if script == "arabic":
        if set(text) & _URDU_LETTERS:
            return "ur", True
        found = _detector("arabic", _ARABIC_LANGUAGES).detect_language_of(text)
        return (_iso(found) if found else "ar"), True
    if script == "cyrillic":
        found = _detector("cyrillic", _CYRILLIC_LANGUAGES).detect_language_of(text)
        return (_iso(found) if found else "ru"), True
    if script == "devanagari":
        values = _detector("devanagari", _DEVANAGARI_LANGUAGES).compute_language_confidence_values(
            text
        )
        if values and _iso(values[0].language) == "mr" and values[0].value >= MARATHI_CONFIDENCE:
            return "mr", True
        return "hi", True
    if len(script) == 2:
        return script, True
    return DEFAULT, False


_WORD = re.compile(r"[^\W\d_]+")


def _prior(language: str) -> float:
    return LATIN_PRIOR if language in _COMMON_LATIN else 1.0


# Fewer words than this, all or mostly English, in a conversation held in another language: the
# conversation's language still (residents mix 'council tax' and 'ok thanks' into their own).
SHORT_WORDS = 5


def _latin(text: str) -> tuple[str, bool]:
    words = _WORD.findall(text)
    chars = set(text)
    if chars & _POLISH_LETTERS:
        return "pl", True
    if chars & _ROMANIAN_LETTERS and not chars & set("ãõçÃÕÇ"):
        return "ro", True
    if chars & _PORTUGUESE_LETTERS:
        return "pt", True
    # Mostly English words, however few: English ('I smell gas' is not Hungarian). Under five
    # words that is not enough to leave a conversation's own language.
    if english_share(text) >= ENGLISH_SHARE:
        return DEFAULT, len(words) >= SHORT_WORDS
    # One or two short words ('ok', 'hi', 'no') are too little to tell.
    if len(words) < 3 and sum(len(w) for w in words) < 12:
        return DEFAULT, False
    romanised = _romanised(words)
    if romanised is not None:
        return romanised, True
    detector = _detector("latin", _LATIN_LANGUAGES)
    confidences = detector.compute_language_confidence_values(text)
    if not confidences:
        return DEFAULT, False
    # A prior for the Latin-script languages London boroughs hear most (issue 22): lingua's
    # Czech for Polish typed without diacritics, or Spanish for Romanian, is far less likely here.
    weighted = sorted(
        ((c.value * _prior(_iso(c.language)), _iso(c.language)) for c in confidences),
        reverse=True,
    )
    total = sum(value for value, _ in weighted) or 1.0
    best_value, best_language = weighted[0][0] / total, weighted[0][1]
    english = next((v / total for v, code in weighted if code == "en"), 0.0)
    # Stay in English unless another language is clearly more likely: residents mix English
    # words into other languages far less than the reverse, and a wrong switch costs more.
    if best_language != "en" and best_value > max(MIN_CONFIDENCE, english * 2):
        return best_language, True
    return DEFAULT, best_language == "en" and best_value > MIN_CONFIDENCE
