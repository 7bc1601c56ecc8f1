"""The council's brand without a fork (issue 25): logo, brand colour checked for contrast, footer
links, contact details and a site-wide banner, from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from borough.core.branding import brand_colour_problem, contrast_ratio, footer_links

ROOT = Path(__file__).resolve().parents[2]


def test_contrast_follows_wcag():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#1d70b8", "#ffffff"), 2) == 5.17  # GOV.UK blue
    assert brand_colour_problem("#1d70b8") is None


def test_a_brand_colour_too_pale_for_white_text_is_refused_with_the_reason():
    problem = brand_colour_problem("#ffdd00")
    assert "contrast ratio of 1.35:1" in problem and "at least 4.5:1" in problem
    assert "like #1d70b8" in brand_colour_problem("blue")


def test_the_settings_do_not_load_with_a_pale_brand_colour():
    env = {**os.environ, "BOROUGH_BRAND_COLOUR": "#ffdd00", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "BOROUGH_BRAND_COLOUR #ffdd00 has a contrast ratio of 1.35:1" in result.stderr


def test_footer_links_must_be_label_and_address():
    assert footer_links(["Council tax=https://example.gov.uk/ct"]) == [
        ("Council tax", "https://example.gov.uk/ct")
    ]
    with pytest.raises(ValueError, match="Label=https://address"):
        footer_links(["javascript:alert(1)"])


@pytest.mark.django_db
def test_every_page_carries_the_brand_banner_links_and_contact(client, settings):
    settings.BOROUGH_LOGO_URL = "https://cdn.example.gov.uk/logo.svg"
    settings.BOROUGH_BRAND_COLOUR = "#005a30"
    settings.BOROUGH_FOOTER_LINKS = [("Council tax", "https://example.gov.uk/ct")]
    settings.BOROUGH_CONTACT_PHONE = "01895 250111"
    settings.BOROUGH_CONTACT_EMAIL = "contact@example.gov.uk"
    settings.BOROUGH_SITE_BANNER = "Bin collections are delayed by snow"
    response = client.get("/help/")
    page = response.content.decode()
    assert 'src="https://cdn.example.gov.uk/logo.svg" alt="Demo Borough Council"' in page
    assert "Bin collections are delayed by snow" in page
    assert 'href="https://example.gov.uk/ct">Council tax<' in page
    assert 'href="tel:01895250111"' in page and "contact@example.gov.uk" in page
    assert "https://cdn.example.gov.uk" in response["Content-Security-Policy"]
    css = client.get("/brand.css")
    assert css["Content-Type"] == "text/css"
    assert ".govuk-generic-header{background:#005a30}" in css.content.decode()
