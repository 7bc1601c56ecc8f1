"""The chat answers residents in the languages they write most (issue 22 point 2; ADR 0032):
machine-made catalogues for the chat only, labelled as machine translation once per
conversation, typed yes/no/skip/cancel understood, and English with an interpreter otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.utils import timezone

from borough.assistant import turns
from borough.cases.models import Case
from borough.catalogue.selectors import service_get
from borough.places.models import CollectionSchedule
from tests.factories import ResidentFactory, ResidentUserFactory
from tests.signing_in import staff_login

from .conftest import Chat

LOCALE = Path(settings.BASE_DIR) / "borough" / "locale"
TRANSLATIONS = Path(settings.BASE_DIR) / "borough" / "catalogue" / "data" / "translations"
CHAT_LANGUAGES = ["pa", "ur", "ro", "gu", "ta", "so", "ar", "bn", "pt", "hi"]
LABEL_EN = "(Machine translation: ask for a person if anything is unclear.)"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

pytestmark = pytest.mark.django_db


def _other_chat(chat: Chat) -> Chat:
    return Chat(Client())


def _in_language(chat: Chat, language: str) -> None:
    """The conversation's language, as the understanding would set it from a message."""
    conversation = chat.conversation
    conversation.language = language
    conversation.save(update_fields=["language"])


# ------------------------------------------------------------------ Punjabi: a missed bin


def _missed_bin(chat: Chat, answers: dict[str, str]) -> list[list[str]]:
    """A missed bin reported through the chat page, each reply kept."""
    said = [chat.say(answers["service"])]
    for key in ("postcode", "address", "bin_type", "bin_out", "date", "details", "confirm"):
        said.append(chat.say(answers[key]))
    return said


def test_a_punjabi_resident_reports_a_missed_bin_all_in_punjabi(chat):
    chat.start()
    _in_language(chat, "pa")
    said = _missed_bin(
        chat,
        {
            "service": "ਖੁੰਝੀ ਹੋਈ ਕੂੜਾ ਚੁਕਾਈ ਦੀ ਰਿਪੋਰਟ ਕਰੋ",  # the service's Punjabi name
            "postcode": "UB8 1QA",
            "address": "1",
            "bin_type": "ਰੀਸਾਈਕਲਿੰਗ (ਨੀਲਾ ਕੂੜੇਦਾਨ)",  # an option typed in its words
            "bin_out": "ਹਾਂ",  # yes, typed
            "date": "ਅੱਜ",  # today
            "details": "ਪੂਰੀ ਗਲੀ ਦਾ ਕੂੜਾ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ",
            "confirm": "ਹਾਂ",
        },
    )
    everything = "\n".join(reply for replies in said for reply in replies)
    assert chat.conversation.language == "pa"
    # Labelled once, in Punjabi and English, before the first Punjabi reply.
    assert said[0][0] == (
        "ਮਸ਼ੀਨੀ ਅਨੁਵਾਦ: ਜੇ ਕੁਝ ਵੀ ਸਪਸ਼ਟ ਨਹੀਂ ਹੈ ਤਾਂ ਕਿਸੇ ਵਿਅਕਤੀ ਨਾਲ ਗੱਲ ਕਰਨ ਲਈ ਕਹੋ। " + LABEL_EN
    )
    assert everything.count(LABEL_EN) == 1
    assert "I can only reply in English" not in everything
    assert "ਮੈਂ “ਖੁੰਝੀ ਹੋਈ ਕੂੜਾ ਚੁਕਾਈ ਦੀ ਰਿਪੋਰਟ ਕਰੋ” ਵਿੱਚ ਤੁਹਾਡੀ ਮਦਦ ਕਰ ਸਕਦਾ ਹਾਂ।" in said[0][1]
    # Every question in Punjabi.
    assert "ਜਿਸ ਪਤੇ ਤੋਂ ਕੂੜਾ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ, ਉਹ ਕੀ ਹੈ?" in said[0][-1]
    assert "ਪਹਿਲਾਂ, ਪੋਸਟਕੋਡ ਕੀ ਹੈ?" in said[0][-1]
    assert "ਇਸ ਸੂਚੀ ਵਿੱਚੋਂ ਥਾਂ ਦਾ ਨੰਬਰ ਲਿਖੋ:" in said[1][-1]
    assert "ਕਿਹੜਾ ਕੂੜੇਦਾਨ ਖ਼ਾਲੀ ਨਹੀਂ ਕੀਤਾ ਗਿਆ?" in said[2][-1]
    assert "1. ਆਮ ਕੂੜਾ (ਕਾਲਾ ਕੂੜੇਦਾਨ)" in said[2][-1]
    assert "ਕੀ ਤੁਹਾਡਾ ਕੂੜੇਦਾਨ ਕੂੜਾ ਚੁੱਕਣ ਵਾਲੇ ਦਿਨ ਸਵੇਰੇ 6 ਵਜੇ ਤੱਕ ਬਾਹਰ ਰੱਖਿਆ ਹੋਇਆ ਸੀ?" in said[3][-1]
    assert "ਇਹ ਕਦੋਂ ਚੁੱਕਿਆ ਜਾਣਾ ਚਾਹੀਦਾ ਸੀ?" in said[4][-1]
    assert "ਕੀ ਕੋਈ ਹੋਰ ਗੱਲ ਹੈ ਜੋ ਸਾਨੂੰ ਪਤਾ ਹੋਣੀ ਚਾਹੀਦੀ ਹੈ?" in said[5][-1]
    assert "“ਛੱਡੋ”" in said[5][-1]  # the optional question says the Punjabi word to skip
    # The check answers in Punjabi, with the answers as the resident will read them.
    check = said[6][-1]
    assert check.startswith("ਕਿਰਪਾ ਕਰਕੇ ਆਪਣੇ ਜਵਾਬਾਂ ਦੀ ਜਾਂਚ ਕਰੋ:")
    assert "ਕਿਹੜਾ ਕੂੜੇਦਾਨ ਖ਼ਾਲੀ ਨਹੀਂ ਕੀਤਾ ਗਿਆ?: ਰੀਸਾਈਕਲਿੰਗ (ਨੀਲਾ ਕੂੜੇਦਾਨ)" in check
    assert "ਕੀ ਮੈਂ ਬੇਨਤੀ ਭੇਜ ਦੇਵਾਂ?" in check
    # The confirmation with the reference, in Punjabi.
    case = Case.objects.get()
    confirmation = said[7][-1]
    assert confirmation.startswith(f"ਤੁਹਾਡੀ ਬੇਨਤੀ ਭੇਜ ਦਿੱਤੀ ਗਈ ਹੈ। ਤੁਹਾਡਾ ਹਵਾਲਾ ਨੰਬਰ {case.reference} ਹੈ।")
    assert "ਅਸੀਂ ਅਮਲੇ ਨੂੰ 2 ਕੰਮਕਾਜੀ ਦਿਨਾਂ ਦੇ ਅੰਦਰ" in confirmation  # what happens next
    # No English sentence of the assistant's was left untranslated on the way.
    for english in ("Which bin", "Please check", "Type the", "Your request", "postcode?"):
        assert english not in everything

    # The case holds exactly the answers the same report in English gives.
    english = _other_chat(chat)
    english.start()
    _missed_bin(
        english,
        {
            "service": "Report a missed bin collection",
            "postcode": "UB8 1QA",
            "address": "1",
            "bin_type": "Recycling (blue bin)",
            "bin_out": "yes",
            "date": "today",
            "details": "ਪੂਰੀ ਗਲੀ ਦਾ ਕੂੜਾ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ",
            "confirm": "yes",
        },
    )
    first, second = Case.objects.order_by("id")
    assert second.reference != first.reference
    assert first.answers == second.answers
    assert first.answers["bin_type"] == "recycling"
    assert first.answers["bin_out"] == "yes"
    assert first.answers["collection_date"] == timezone.localdate().isoformat()


# ------------------------------------------------------- Arabic: a pothole; Romanian: fly-tipping


def _journey(chat: Chat, language: str | None, messages: list[str]) -> list[list[str]]:
    chat.start()
    if language:
        _in_language(chat, language)
    return [chat.say(message) for message in messages]


def test_an_arabic_resident_reports_a_pothole_in_arabic_and_the_case_matches_english(chat):
    said = _journey(
        chat,
        "ar",
        [
            "الإبلاغ عن حفرة في الطريق",  # the service's Arabic name
            "UB8 1QA",
            "1",  # somewhere on the street
            "بجانب موقف الحافلات أمام المنزل رقم 12",  # where exactly
            "1",  # on the road
            "أكبر من إطار السيارة",  # the size, typed in its Arabic words
            "10",
            "تخطَّ",  # skip the photo
            "نعم",
        ],
    )
    everything = "\n".join(reply for replies in said for reply in replies)
    assert chat.conversation.language == "ar"
    assert said[0][0].startswith("ترجمة آلية: اطلب التحدث إلى شخص إذا كان أي شيء غير واضح.")
    assert everything.count(LABEL_EN) == 1
    assert "أين توجد الحفرة؟" in said[0][-1]
    assert "في مكان ما في" in said[1][-1]  # the street as a choice, in Arabic
    assert "صف بالضبط مكان المشكلة" in said[2][-1]
    assert "هل الحفرة في الطريق أم على الرصيف؟" in said[3][-1]
    assert "ما حجم الحفرة؟" in said[4][-1]
    assert "كم عمقها تقريبًا؟" in said[5][-1]
    assert "أضف صورة للحفرة" in said[6][-1]
    assert "“تخطَّ”" in said[6][-1]
    check = said[7][-1]
    assert check.startswith("من فضلك راجع إجاباتك:")
    assert "ما حجم الحفرة؟: أكبر من إطار السيارة" in check
    assert "كم عمقها تقريبًا؟: 10 سم" in check
    case = Case.objects.get()
    assert said[8][-1].startswith(f"تم إرسال طلبك. رقمك المرجعي هو {case.reference}.")
    assert "سيفحص مفتش الطرق الحفرة خلال 5 أيام عمل." in said[8][-1]
    assert "I can only reply in English" not in everything

    _journey(
        _other_chat(chat),
        None,
        [
            "Report a pothole",
            "UB8 1QA",
            "1",
            "By the bus stop outside number 12",
            "1",
            "Bigger than a car tyre",
            "10",
            "skip",
            "yes",
        ],
    )
    first, second = Case.objects.order_by("id")
    assert first.answers["location"].pop("description") == "بجانب موقف الحافلات أمام المنزل رقم 12"
    assert second.answers["location"].pop("description") == "By the bus stop outside number 12"
    assert first.answers == second.answers  # the same street, options and number
    assert first.answers["size"] == "large"


def test_a_romanian_resident_reports_fly_tipping_in_romanian_and_the_case_matches_english(chat):
    said = _journey(
        chat,
        "ro",
        [
            "Raportați gunoi aruncat ilegal",
            "UB8 1QA",
            "1",
            "lângă stația de autobuz, în fața casei cu numărul 12",
            "1, 2",
            "Mai mult decât o dubă",
            "omite",  # no photo
            "omite",  # did not see who
            "2",  # nothing in the rubbish shows whose it is
            "da",
        ],
    )
    everything = "\n".join(reply for replies in said for reply in replies)
    assert chat.conversation.language == "ro"
    assert said[0][0].startswith(
        "Traducere automată: cereți să vorbiți cu o persoană dacă ceva nu este clar."
    )
    assert everything.count(LABEL_EN) == 1
    assert "Vă pot ajuta cu „Raportați gunoi aruncat ilegal”." in said[0][1]
    assert "Unde este gunoiul aruncat?" in said[0][-1]
    assert "Ce a fost aruncat?" in said[3][-1]
    assert "Scrieți numerele tuturor variantelor potrivite, separate prin virgulă:" in said[3][-1]
    assert "Cât gunoi a fost aruncat?" in said[4][-1]
    assert "Adăugați o fotografie a gunoiului aruncat" in said[5][-1]
    assert "Ați văzut cine l-a aruncat?" in said[6][-1]
    assert "Vedeți ceva în gunoaie care arată al cui este?" in said[7][-1]
    check = said[8][-1]
    assert check.startswith("Vă rog să vă verificați răspunsurile:")
    assert "Ce a fost aruncat?: Saci negri sau gunoi menajer, Mobilă sau saltele" in check
    assert "Ați văzut cine l-a aruncat?: Fără răspuns" in check
    assert "Vedeți ceva în gunoaie care arată al cui este?: Nu, sau nu știu" in check
    case = Case.objects.get()
    assert said[9][-1].startswith(
        f"Cererea dumneavoastră a fost trimisă. Numărul de referință este {case.reference}."
    )
    assert "I can only reply in English" not in everything

    _journey(
        _other_chat(chat),
        None,
        [
            "Report fly-tipping",
            "UB8 1QA",
            "1",
            "By the bus stop outside number 12",
            "1, 2",
            "More than a van load",
            "skip",
            "skip",
            "2",
            "yes",
        ],
    )
    first, second = Case.objects.order_by("id")
    assert first.answers["location"].pop("description").startswith("lângă stația de autobuz")
    assert second.answers["location"].pop("description") == "By the bus stop outside number 12"
    assert first.answers == second.answers
    assert first.answers["waste_types"] == ["household_bags", "furniture"]


# ---------------------------------------------------------------------- Urdu: bin days


def test_bin_days_in_urdu_from_the_urdu_button(chat):
    today = timezone.localdate()
    CollectionSchedule.objects.create(
        street_id=20750001, stream="general", weekday=today.weekday(), first_date=today
    )
    said = _journey(chat, "ur", ["میرے کوڑے دان کے دن دیکھیں", "ub8 1qa", "1"])
    label = "مشینی ترجمہ: اگر کچھ بھی واضح نہ ہو تو کسی شخص سے بات کرنے کو کہیں۔"
    assert said[0][0].startswith(label)
    assert said[0][-1].startswith("آپ کا پوسٹ کوڈ کیا ہے؟")
    assert said[1][-1].startswith("کون سا پتہ؟ اس کا نمبر لکھیں:\n1. 1 Acacia Avenue")
    days = said[2][-1]
    assert days.startswith("1 Acacia Avenue")
    assert "پر کوڑا اٹھانے کے اگلے دن:" in days
    assert "عام کوڑا (کالا کوڑے دان)" in days
    assert "General waste" not in days
    assert chat.conversation.language == "ur"
    # A postcode outside the council's area is refused in Urdu.
    chat.say("میرے کوڑے دان کے دن دیکھیں")
    assert chat.say("SW1A 1AA")[0].startswith("ہمیں SW1A 1AA پر کوئی پتہ نہیں ملا۔")


# ------------------------------------------------- other languages, labels, words, completeness


def test_a_language_without_a_catalogue_gets_english_and_the_interpreter_offer(chat, settings):
    chat.start()
    replies = chat.say("Merhaba, belediye çalışanlarından biriyle konuşmak istiyorum lütfen")
    assert chat.conversation.language == "tr"
    assert replies[0].startswith("I can only reply in English. If you would like an interpreter")
    assert LABEL_EN not in " ".join(replies)
    # A chat language the council turned off is treated the same way.
    settings.BOROUGH_ASSISTANT_LANGUAGES = ["ur"]
    punjabi = _other_chat(chat)
    punjabi.start()
    _in_language(punjabi, "pa")
    replies = punjabi.say("ਮੇਰੇ ਕੂੜੇਦਾਨ ਦੇ ਦਿਨ ਵੇਖੋ")
    assert replies[0].startswith("I can only reply in English.")
    assert "ਮਸ਼ੀਨੀ ਅਨੁਵਾਦ" not in " ".join(replies)


def test_the_label_is_shown_once_and_a_reviewed_language_has_none(chat):
    chat.start()
    _in_language(chat, "pa")
    first = chat.say("ਮੇਰੇ ਕੂੜੇਦਾਨ ਦੇ ਦਿਨ ਵੇਖੋ")  # the Punjabi "Check my bin days" button
    assert first[0].endswith(LABEL_EN) and first[0].startswith("ਮਸ਼ੀਨੀ ਅਨੁਵਾਦ")
    assert first[1].startswith("ਤੁਹਾਡਾ ਪੋਸਟਕੋਡ ਕੀ ਹੈ?")
    assert chat.say("ਰੱਦ ਕਰੋ") == ["ਮੈਂ ਉਹ ਬੰਦ ਕਰ ਦਿੱਤਾ ਹੈ। ਮੈਂ ਤੁਹਾਡੀ ਹੋਰ ਕੀ ਮਦਦ ਕਰ ਸਕਦਾ ਹਾਂ?"]
    assert not chat.conversation.state["mode"]  # cancel, typed in Punjabi, stopped it
    assert turns.machine_made("pa")
    assert not turns.machine_made("pl")  # the portal's reviewed Polish is never labelled

    polish = _other_chat(chat)
    polish.start()
    _in_language(polish, "pl")
    replies = polish.say("Sprawdź moje dni odbioru śmieci")
    assert not any("Machine translation" in reply for reply in replies)


def test_the_agent_sees_the_conversation_language(client, chat, agent):
    chat.start()
    _in_language(chat, "pa")
    chat.say("ਕਿਸੇ ਵਿਅਕਤੀ ਨਾਲ ਗੱਲ ਕਰੋ")  # the Punjabi "Talk to a person" button
    conversation = chat.conversation
    assert conversation.status == conversation.Status.WAITING
    staff = Client()
    staff_login(staff, agent)
    page = staff.get(f"/hub/live-chat/{conversation.pk}/").content.decode()
    assert "Punjabi (the assistant replied in machine translation, not yet reviewed)" in page


@pytest.mark.parametrize("language", CHAT_LANGUAGES)
def test_typed_answer_words_are_understood_and_never_ambiguous(language):
    data = yaml.safe_load((turns.ANSWER_WORDS_FILE).read_text(encoding="utf-8"))
    words = data[language]
    assert set(words) == {"yes", "no", "skip", "cancel"}
    for kind, listed in words.items():
        for word in listed:
            assert turns.answer_word(language, word) == kind, (language, word)
    # No word means two things, in any pair of languages.
    kinds: dict[str, str] = {}
    for other in data.values():
        for kind, listed in other.items():
            for word in listed:
                assert kinds.setdefault(word.casefold(), kind) == kind, word
    # The catalogue's own buttons are in the lists, so a pressed button is understood.
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    buttons = {e.msgid: e.msgstr for e in po}
    assert turns.answer_word(language, buttons["Yes"]) == "yes"
    assert turns.answer_word(language, buttons["No"]) == "no"
    assert turns.answer_word(language, buttons["Skip"]) == "skip"


def _assistant_msgids() -> set[str]:
    """Every msgid borough/assistant asks gettext for (its own words, not the understanding's)."""
    found: set[str] = set()
    root = Path(settings.BASE_DIR) / "borough" / "assistant"
    call = re.compile(r"\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*((?:\"[^\"]*\"\s*)+)\)")
    for path in root.rglob("*.py"):
        if "nlu" in path.parts or "migrations" in path.parts:
            continue
        for match in call.finditer(path.read_text(encoding="utf-8")):
            found.add("".join(re.findall(r"\"([^\"]*)\"", match.group(1))))
    return found


@pytest.mark.parametrize("language", CHAT_LANGUAGES)
def test_every_assistant_string_polish_has_is_translated_in_each_chat_language(language):
    polish = {
        e.msgid
        for e in polib.pofile(str(LOCALE / "pl" / "LC_MESSAGES" / "django.po")).translated_entries()
    }
    wanted = _assistant_msgids() & polish
    assert len(wanted) > 70  # the extraction works
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid: e.msgstr for e in po.translated_entries() if "fuzzy" not in e.flags}
    assert sorted(wanted - set(translated)) == []
    for msgid, msgstr in translated.items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        assert msgstr != msgid or not re.search(r"[a-z]{4}", msgid), msgid  # really translated
    # The header says who made it and that nobody has reviewed it yet.
    assert "not reviewed" in po.metadata["X-Machine-Translation"]
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert {(e.msgid, e.msgstr) for e in mo if e.msgid} == {
        (e.msgid, e.msgstr) for e in po.translated_entries()
    }, "Run `python scripts/compile_messages.py` and commit the .mo"


@pytest.mark.parametrize("language", CHAT_LANGUAGES)
def test_each_chat_language_translates_the_services_residents_report_most(catalogue, language):
    data = yaml.safe_load((TRANSLATIONS / f"{language}.yaml").read_text(encoding="utf-8"))
    assert "MACHINE-MADE" in (TRANSLATIONS / f"{language}.yaml").read_text(encoding="utf-8")
    most = {
        "report-missed-bin", "report-fly-tipping", "report-pothole", "report-housing-repair",
        "report-noise", "request-new-bin", "book-bulky-waste-collection",
    }  # fmt: skip
    assert most <= set(data["services"])
    for slug, words in data["services"].items():
        service = service_get(slug)
        assert service is not None, slug
        assert words["name"] and words["what_happens_next"], slug
        for question in service.form.questions:
            local = (words.get("questions") or {}).get(question.id)
            assert local and local.get("label"), f"{slug}.{question.id}"
            assert bool(local.get("hint")) == bool(question.hint), f"{slug}.{question.id} hint"
            assert set(local.get("options") or {}) == {o.value for o in question.options}


def test_a_bengali_resident_hears_the_status_of_their_request_in_bengali(client, chat, make_case):
    user = ResidentUserFactory()
    case = make_case(resident=ResidentFactory(user=user))
    client.force_login(user)
    said = _journey(chat, "bn", ["একটি অনুরোধ দেখুন", case.reference])  # "Check a request"
    assert said[0][-1].startswith("আপনার অনুরোধের রেফারেন্স নম্বর কী?")
    status = case.service.flow.public_label(case.state)
    assert said[1][-1].startswith(f"অনুরোধ {case.reference} (ময়লা সংগ্রহ না হওয়ার কথা জানান): {status}।")
    assert chat.conversation.language == "bn"


SCRIPTS = {
    "pa": "GURMUKHI",
    "hi": "DEVANAGARI",
    "gu": "GUJARATI",
    "ta": "TAMIL",
    "bn": "BENGALI",
    "ur": "ARABIC",
    "ar": "ARABIC",
}


@pytest.mark.parametrize(("language", "script"), SCRIPTS.items())
def test_each_catalogue_is_written_in_its_own_script(language, script):
    """No letter of another script slipped in (Devanagari in Punjabi, Bengali in Assamese
    forms...): every non-Latin letter is in the language's Unicode block. Latin is allowed for
    names kept in English (Samaritans, Housing Options, the example email)."""
    import unicodedata

    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    service_text = (TRANSLATIONS / f"{language}.yaml").read_text(encoding="utf-8")
    texts = [e.msgstr for e in po] + [service_text.split("services:", 1)[1]]
    wrong = {
        ch
        for text in texts
        for ch in text
        if ch.isalpha() and not ch.isascii() and not unicodedata.name(ch).startswith(script)
    }
    assert wrong == set()


def test_a_residents_words_in_another_language_are_marked_for_screen_readers(chat):
    """WCAG 3.1.2 (language of parts): the page is English, the resident's messages Punjabi."""
    chat.start()
    _in_language(chat, "pa")
    chat.say("ਮੇਰਾ ਕੂੜਾ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ")
    page = chat.page()
    assert '<div class="app-chat__text" lang="pa">ਮੇਰਾ ਕੂੜਾ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ</div>' in page
    english = [line for line in page.splitlines() if "Hello. I am the council" in line]
    assert english and 'lang="pa"' not in english[0]


def test_the_assistants_replies_in_another_language_are_marked_for_screen_readers(chat):
    """The assistant answers a Punjabi message in Punjabi on an English page: its reply is
    marked lang="pa"; the English greeting before it is not marked."""
    chat.start()
    chat.say("ਮੇਰਾ ਕੂੜਾ ਇਸ ਹਫ਼ਤੇ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ")
    messages = list(chat.conversation.messages.order_by("seq"))
    assert [m.language[:2] for m in messages] == ["en"] + ["pa"] * (len(messages) - 1)
    page = chat.page()
    marked = re.findall(r'<div class="app-chat__text" lang="pa">', page)
    assert len(marked) == len(messages) - 1
    assert '<div class="app-chat__text">Hello. I am the council' in page


def test_replies_in_the_pages_own_language_are_not_marked(chat, client):
    """On the Polish site a Polish chat's replies are in the page's language: no lang."""
    client.cookies["borough_language"] = "pl"
    chat.start()
    chat.say("Nikt nie odebrał moich śmieci w tym tygodniu")
    page = chat.page()
    assert "Nikt nie odebrał" in page
    assert 'class="app-chat__text" lang=' not in page
