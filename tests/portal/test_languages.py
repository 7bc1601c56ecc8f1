"""Residents can use the portal in Polish: switcher, translated text and service content."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import engines
from django.utils import translation
from django.utils.translation.template import templatize

from borough.catalogue.models import Service
from borough.catalogue.selectors import service_search
from borough.catalogue.services import catalogue_read, translations_read

LOCALE = Path(settings.BASE_DIR) / "borough" / "locale" / "pl" / "LC_MESSAGES"
RESIDENT_TEMPLATES = [
    Path(settings.BASE_DIR) / "borough" / "portal" / "templates",
    Path(settings.BASE_DIR) / "borough" / "templates" / "includes",
    Path(settings.BASE_DIR) / "borough" / "templates" / "questions",
    Path(settings.BASE_DIR) / "borough" / "templates" / "errors",
    Path(settings.BASE_DIR) / "borough" / "templates" / "base.html",
    Path(settings.BASE_DIR) / "borough" / "assistant" / "templates",
]
POLISH = {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=pl"}


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request in Polish leaves Polish active in this thread (as Django's LocaleMiddleware
    does); later tests expect the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", verbosity=0)


def _template_msgids() -> set[str]:
    """Every msgid the resident templates ask for (what makemessages would extract)."""
    found = set()
    for root in RESIDENT_TEMPLATES:
        for path in [root] if root.is_file() else sorted(root.rglob("*.html")):
            code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            for match in re.finditer(r"\bn?gettext\(u?'((?:[^'\\]|\\.)*)'", code):
                found.add(match.group(1).replace("\\'", "'").replace("\\n", "\n"))
    return found


def test_every_resident_template_string_has_a_polish_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    translated = {
        e.msgid
        for e in po
        if "fuzzy" not in e.flags
        and not e.obsolete
        and (e.msgstr.strip() or all(v.strip() for v in e.msgstr_plural.values()))
    }
    used = _template_msgids()
    assert len(used) > 150  # the extraction itself works
    missing = sorted(used - translated)
    assert missing == []
    assert len(translated) > 150


def test_the_compiled_catalogue_says_what_the_po_file_says():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    wanted = {
        (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in po.translated_entries()
    }
    compiled = {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo if e.msgid}
    assert compiled == wanted, "Run `python scripts/compile_messages.py` and commit the .mo"


def test_switcher_link_sets_the_language_cookie_and_goes_back(client, catalogue):
    response = client.get("/language/pl/", {"next": "/services/report-missed-bin/"})
    assert response.status_code == 302
    assert response["Location"] == "/services/report-missed-bin/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    page = client.get("/services/report-missed-bin/").content.decode()
    assert '<html lang="pl"' in page
    assert "Zgłoś nieodebrane śmieci" in page and "Rozpocznij" in page


def test_switcher_refuses_other_sites_and_unknown_languages(client):
    response = client.get("/language/pl/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/language/xx/").status_code == 404


def test_english_pages_offer_polish_and_set_no_cookie(client, catalogue):
    response = client.get("/")
    page = response.content.decode()
    assert '<html lang="en-GB"' in page
    assert 'hreflang="pl"' in page and ">Polski<" in page
    assert not response.cookies


def test_polish_question_pages_and_errors(client, catalogue):
    client.get("/language/pl/")  # the client keeps the cookie, as a browser would
    client.post("/services/report-missed-bin/")
    page = client.get("/services/report-missed-bin/questions/address/").content.decode()
    assert "Pod jakim adresem nie odebrano śmieci?" in page and "Kod pocztowy" in page
    errors = client.post(
        "/services/report-missed-bin/questions/address/", {"step": "postcode", "postcode": ""}
    ).content.decode()
    assert "Wystąpił problem" in errors and "Proszę podać kod pocztowy" in errors


def test_service_form_is_translated_but_keeps_its_values(catalogue):
    service = Service.objects.get(slug="report-missed-bin")
    with translation.override("pl"):
        question = service.form.by_id["bin_type"]
        assert question.label == "Który pojemnik nie został opróżniony?"
        assert [o.value for o in question.options][0] == "general_waste"
        assert question.option_label("recycling") == "Recykling (niebieski pojemnik)"
        exit_route = service.form.by_id["bin_out"].routes[0]
        assert exit_route.exit_title.startswith("Nie możemy")
        assert service.form.by_id["collection_date"].required_error == "Proszę podać datę"
    with translation.override("en-gb"):
        assert service.form.by_id["bin_type"].label == "Which bin was not collected?"
        assert service.form.by_id["bin_type"].option_label("recycling") == "Recycling (blue bin)"


def test_a_service_without_a_translation_falls_back_to_english(client, catalogue):
    # Every shipped service has Polish; a council's own catalogue may not.
    Service.objects.filter(slug="report-graffiti").update(translations={})
    page = client.get("/services/report-graffiti/", **POLISH).content.decode()
    assert '<html lang="pl"' in page
    assert Service.objects.get(slug="report-graffiti").name in page
    assert "Rozpocznij" in page  # the portal's own words are still Polish
    # The English text is marked as English for screen readers (WCAG 3.1.2, language of parts).
    assert '<h1 class="govuk-heading-xl" lang="en-GB">' in page
    translated = client.get("/services/report-pothole/", **POLISH).content.decode()
    assert '<h1 class="govuk-heading-xl">Zgłoś dziurę w drodze</h1>' in translated


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("nie zabrano śmieci", "report-missed-bin"),
        ("dziura w drodze", "report-pothole"),
        ("nielegalne wysypisko", "report-fly-tipping"),
        ("przeprowadzka podatek", "tell-us-you-have-moved"),
    ],
)
def test_polish_search_finds_the_service(catalogue, query, slug):
    with translation.override("pl"):
        results = service_search(query)
    assert results and results[0].slug == slug


def test_staff_pages_stay_english_whatever_the_cookie(client, waste_officer):
    from tests.signing_in import staff_login

    staff_login(client, waste_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    response = client.get("/hub/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en-GB"' in page
    assert "Polski" not in page


def test_translation_file_names_only_real_services_questions_and_options(catalogue):
    import yaml

    data = yaml.safe_load(
        (Path(settings.BASE_DIR) / "borough/catalogue/data/translations/pl.yaml").read_text()
    )
    for slug, words in data["services"].items():
        service = Service.objects.filter(slug=slug).first()  # online or not (member enquiries)
        assert service is not None, slug
        for question_id, question_words in (words.get("questions") or {}).items():
            question = service.form.by_id.get(question_id)
            assert question is not None, f"{slug}.{question_id}"
            values = {o.value for o in question.options}
            assert set(question_words.get("options") or {}) <= values, f"{slug}.{question_id}"


def _missing_polish(definition, words: dict) -> list[str]:
    """Every piece of a service's English text that its Polish entry does not translate."""
    missing = [
        field
        for field in ("name", "summary", "description", "what_happens_next", "fee_description")
        if getattr(definition, field) and not words.get(field)
    ]
    for question in definition.form.questions:
        polish = (words.get("questions") or {}).get(question.id) or {}
        where = f"questions.{question.id}"
        missing += [
            f"{where}.{key}"
            for key in ("label", "hint", "error_required", "unit")
            if getattr(question, key) and not polish.get(key)
        ]
        options = polish.get("options") or {}
        for option in question.options:
            found = options.get(option.value)
            label, hint = (
                (found, "")
                if isinstance(found, str)
                else ((found or {}).get("label"), (found or {}).get("hint"))
            )
            if not label or (option.hint and not hint):
                missing.append(f"{where}.options.{option.value}")
        exits = [route for route in question.routes if route.exit_title]
        translated_exits = polish.get("exits") or []
        if len(translated_exits) < len(exits) or not all(
            e.get("title") and e.get("body") for e in translated_exits
        ):
            missing.append(f"{where}.exits")
    return missing


def test_every_service_and_category_of_the_catalogue_has_polish():
    """A service added in English without its Polish fails here, with what is missing."""
    catalogue_file = Path(settings.BASE_DIR) / "borough/catalogue/data/services.yaml"
    catalogue = catalogue_read(catalogue_file)
    polish = translations_read(catalogue_file)["pl"]
    missing = [
        f"categories.{category['slug']}"
        for category in catalogue.categories
        if not (polish["categories"].get(category["slug"]) or {}).get("name")
    ]
    for definition in catalogue.services:
        words = polish["services"].get(definition.slug)
        if not words:
            missing.append(f"services.{definition.slug}")
            continue
        missing += [f"services.{definition.slug}.{m}" for m in _missing_polish(definition, words)]
    assert not missing, "pl.yaml lacks: " + ", ".join(missing)


def test_machine_made_polish_is_labelled_until_reviewed(client, catalogue):
    label = "Ta strona została przetłumaczona maszynowo"
    english_label = "(This page was translated by machine and has not been checked yet.)"
    machine = client.get("/services/report-graffiti/", **POLISH).content.decode()
    assert "Zgłoś graffiti" in machine and label in machine and english_label in machine
    reviewed = client.get("/services/report-pothole/", **POLISH).content.decode()
    assert "Zgłoś dziurę w drodze" in reviewed and english_label not in reviewed
    # A reviewer removes the entry's machine_made line: the label goes.
    service = Service.objects.get(slug="report-graffiti")
    service.translations["pl"].pop("machine_made")
    service.save(update_fields=["translations"])
    checked = client.get("/services/report-graffiti/", **POLISH).content.decode()
    assert "Zgłoś graffiti" in checked and english_label not in checked
    # English pages never carry it.
    assert english_label not in client.get("/services/report-dog-fouling/").content.decode()


def test_polish_template_renders_plural_forms():
    template = engines["django"].from_string(
        "{% load i18n %}{% blocktranslate count days=n %}We aim to deal with it within "
        "{{ days }} working day.{% plural %}We aim to deal with it within {{ days }} working "
        "days.{% endblocktranslate %}"
    )
    with translation.override("pl"):
        assert "5 dni roboczych" in template.render({"n": 5})
        assert "1 dnia roboczego" in template.render({"n": 1})
