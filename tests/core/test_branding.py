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


# ---------------------------------------------------------------- set in the hub (admins only)


def _png(size=(120, 40), colour=(255, 255, 255)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _form(**changes):
    data = {
        "council_name": "Cyngor Sir Ynys Môn",
        "brand_colour": "#005a30",
        "footer_links": "Council tax=https://example.gov.uk/ct\nJobs=https://jobs.example.gov.uk",
        "contact_phone": "01248 750057",
        "contact_email": "contact@example.gov.uk",
        "contact_address": "Council Offices, Llangefni LL77 7TW",
        "site_banner": "Bin collections are delayed by snow",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_admin_sets_the_brand_in_the_hub_and_every_page_shows_it_at_once(
    client, admin, staff_login
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from borough.core.models import AuditEvent

    staff_login(client, admin)
    assert 'value="Demo Borough Council"' in client.get("/hub/branding/").content.decode()
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = client.post("/hub/branding/", {**_form(), "logo": logo})
    assert response.status_code == 302
    page = client.get("/help/").content.decode()
    assert "Bin collections are delayed by snow" in page
    assert 'alt="Cyngor Sir Ynys Môn"' in page and "© Cyngor Sir Ynys Môn" in page
    assert 'href="https://jobs.example.gov.uk">Jobs<' in page and 'href="tel:01248750057"' in page
    logo_url = page.split('class="app-header-logo" src="')[1].split('"')[0]
    served = client.get(logo_url)
    assert served["Content-Type"] == "image/png" and served.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        served["X-Content-Type-Options"] == "nosniff"
        and "sandbox" in served["Content-Security-Policy"]
    )
    css_url = page.split('rel="stylesheet" href="/brand.css')[1].split('"')[0]
    assert "background:#005a30" in client.get("/brand.css" + css_url).content.decode()

    # The banner is changed again: the history says who changed what, and when.
    client.post("/hub/branding/", _form(site_banner=""))
    assert "Bin collections are delayed" not in client.get("/help/").content.decode()
    history = client.get("/hub/branding/").content.decode().split(">History</h2>")[1]
    assert history.count("admin@council.example") == 2
    assert "Site-wide banner: removed" in history
    assert "Organisation name, Brand colour, Footer links, Telephone, Email address" in history
    assert "Site-wide banner, Logo: “Bin collections are delayed by snow”" in history
    audits = AuditEvent.objects.filter(object_type="brand").order_by("at")
    assert [event.actor_id for event in audits] == [admin.pk, admin.pk]
    assert audits.last().changed_fields == ["site_banner"]
    # The logo is kept from the version that uploaded it.
    assert logo_url in client.get("/help/").content.decode()


@pytest.mark.django_db
def test_a_change_reaches_every_worker_through_the_shared_cache(
    admin, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from borough.core.actors import StaffActor
    from borough.core.brand import CACHE_KEY, brand_current, brand_save

    assert brand_current().site_banner == ""  # the environment's, now cached
    with django_capture_on_commit_callbacks(execute=True):
        brand_save(actor=StaffActor(admin), entered=_form())
    # Another worker reads the cache, not its memory: it sees the new version.
    assert cache.get(CACHE_KEY).site_banner == "Bin collections are delayed by snow"
    cache.clear()  # a cold cache (a restarted Redis) reads the newest version from the database
    assert brand_current().council_name == "Cyngor Sir Ynys Môn"


@pytest.mark.django_db
def test_a_pale_colour_bad_links_and_a_bad_logo_are_refused_and_nothing_is_saved(
    client, admin, staff_login
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from borough.core.models import BrandVersion

    staff_login(client, admin)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(
        "/hub/branding/",
        {**_form(brand_colour="#ffdd00", footer_links="javascript:alert(1)"), "logo": fake},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "White text on #ffdd00 has a contrast ratio of 1.35:1" in page
    assert "at least 4.5:1. Choose a darker colour" in page
    assert "Label=https://address" in page and "The logo must be a PNG or JPEG" in page
    assert 'value="Cyngor Sir Ynys Môn"' in page  # what was typed is kept
    huge = SimpleUploadedFile("logo.png", _png((1600, 40)), content_type="image/png")
    response = client.post("/hub/branding/", {**_form(), "logo": huge})
    assert "at most 1200 pixels wide" in response.content.decode()
    assert not BrandVersion.objects.exists()


@pytest.mark.django_db
def test_only_administrators_may_open_or_change_the_brand(client, waste_officer, staff_login):
    assert client.get("/hub/branding/").status_code == 302  # not signed in: to sign in
    staff_login(client, waste_officer)
    assert client.get("/hub/branding/").status_code == 403
    assert client.post("/hub/branding/", _form()).status_code == 403
    assert "Bin collections are delayed" not in client.get("/help/").content.decode()


def test_a_page_without_the_database_shows_the_environments_brand(client, settings):
    """No database (down, or a test without one): the page still renders, with the environment's
    brand, and nothing is cached."""
    settings.BOROUGH_SITE_BANNER = "From the environment"
    page = client.get("/no-such-page/").content.decode()
    assert "From the environment" in page and "Page not found" in page
