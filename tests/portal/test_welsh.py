"""Welsh (Cymraeg) as a third portal language for councils in Wales (issue 25): turned on by a
setting, chosen with the GOV.UK language navigation component, every resident template string
translated, and labelled as machine-made until a Welsh speaker reviews it (ADR 0032)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from tests.portal.test_languages import _template_msgids

ROOT = Path(__file__).resolve().parents[2]
WELSH = ROOT / "borough" / "locale" / "cy" / "LC_MESSAGES"
WITH_WELSH = [("en-gb", "English"), ("cy", "Cymraeg"), ("pl", "Polski")]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def welsh_council(settings):
    """What BOROUGH_WELSH=true gives (config.settings)."""
    settings.LANGUAGES = WITH_WELSH
    return settings


def test_every_resident_template_string_has_a_welsh_translation_with_its_placeholders():
    po = polib.pofile(str(WELSH / "django.po"))
    translated = {e.msgid for e in po if e.msgstr.strip() or e.msgstr_plural}
    missing = sorted(_template_msgids() - translated)
    assert missing == []
    for entry in po:
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        assert len(forms) == (4 if entry.msgid_plural else 1), entry.msgid
        for form in forms:
            english = entry.msgid_plural or entry.msgid
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(english)), form
    assert "not reviewed" in po.metadata["X-Machine-Translation"]
    mo = polib.mofile(str(WELSH / "django.mo"))
    assert {e.msgid for e in mo if e.msgid} == {e.msgid for e in po}, "run compile_messages.py"


@pytest.mark.django_db
def test_a_welsh_council_offers_cymraeg_and_the_portal_speaks_it_with_a_machine_label(
    client, welsh_council
):
    page = client.get("/").content.decode()
    nav = re.search(r'<nav class="govuk-language-navigation.*?</nav>', page, re.S).group(0)
    assert re.findall(r'lang="([^"]+)"', nav) == ["en-GB", "cy", "cy", "pl", "pl"]
    assert 'hreflang="cy"' in nav and ">Cymraeg<" in nav
    response = client.get("/language/cy/", {"next": "/alerts/area/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    page = client.get("/alerts/area/").content.decode()
    assert '<html lang="cy"' in page
    assert "Dilyn adroddiadau mewn ardal" in page and "Cod post" in page
    assert "Cyfieithwyd y dudalen hon gan beiriant" in page
    assert 'aria-current="true" lang="cy">Cymraeg<' in page
    # A Welsh error message, the form kept.
    page = client.post("/alerts/area/", {"email": "a@example.com"}).content.decode()
    assert "Rhowch god post, neu gollyngwch bin ar y map" in page
    assert "Gwall:" in page
    # Polish is reviewed: no label.
    client.get("/language/pl/")
    assert "translated by machine" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_council_in_england_offers_no_welsh(client):
    assert ">Cymraeg<" not in client.get("/").content.decode()
    assert client.get("/language/cy/").status_code == 404


def test_the_setting_turns_welsh_on():
    env = {**os.environ, "BOROUGH_WELSH": "true", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.LANGUAGES)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "('cy', 'Cymraeg')" in result.stdout
