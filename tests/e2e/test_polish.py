"""A resident switches the portal to Polish and reports a missed bin in Polish, with and
without JavaScript. Every page is checked with axe-core and says it is in Polish."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from borough.cases.models import Case


def assert_polish(visit) -> None:
    expect(visit.page.locator("html")).to_have_attribute("lang", "pl")
    visit.assert_accessible()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_reports_a_missed_bin_in_polish(
    visit, live_server, catalogue, gazetteer, javascript
):
    visit = visit(javascript=javascript, csp_for_axe=True)
    page = visit.page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    page.get_by_role("navigation", name="Choose a language").get_by_role(
        "link", name="Polski"
    ).click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Usługi urzędu", use_inner_text=True)
    assert_polish(visit)

    page.get_by_label("Szukaj usług urzędu").fill("nie zabrano śmieci")
    page.get_by_role("button", name="Szukaj").click()
    assert_polish(visit)
    page.get_by_role("link", name="Zgłoś nieodebrane śmieci").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Zgłoś nieodebrane śmieci", use_inner_text=True
    )
    assert_polish(visit)
    page.get_by_role("button", name="Rozpocznij").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pod jakim adresem nie odebrano śmieci?", use_inner_text=True
    )
    page.get_by_label("Kod pocztowy").fill("UB9 9ZZ")
    page.get_by_role("button", name="Znajdź adres").click()
    summary = page.locator(".govuk-error-summary")
    assert "Wystąpił problem" in summary.inner_text()
    assert "Nie znaleźliśmy żadnych adresów z kodem UB9 9ZZ" in summary.inner_text()
    assert_polish(visit)
    page.get_by_label("Kod pocztowy").fill("ub8 1qa")
    page.get_by_role("button", name="Znajdź adres").click()
    assert "Znaleziono" in page.locator("main").inner_text()
    assert_polish(visit)
    page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").check()
    page.get_by_role("button", name="Dalej").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Który pojemnik nie został opróżniony?", use_inner_text=True
    )
    page.get_by_role("button", name="Dalej").click()
    assert "Proszę wybrać odpowiedź" in page.locator(".govuk-error-summary").inner_text()
    assert_polish(visit)
    page.get_by_label("Recykling (niebieski pojemnik)").check()
    page.get_by_role("button", name="Dalej").click()

    page.get_by_label("Tak").check()
    page.get_by_role("button", name="Dalej").click()

    today = dt.date.today()
    assert_polish(visit)
    page.get_by_label("Dzień").fill(str(today.day))
    page.get_by_label("Miesiąc").fill(str(today.month))
    page.get_by_label("Rok").fill(str(today.year))
    page.get_by_role("button", name="Dalej").click()

    assert "(nieobowiązkowe)" in page.get_by_role("heading", level=1).inner_text()
    assert_polish(visit)
    page.locator("textarea[name=details]").fill("Pominięto numery nieparzyste")
    page.get_by_role("button", name="Dalej").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Proszę sprawdzić odpowiedzi", use_inner_text=True
    )
    answers = page.locator(".govuk-summary-list").inner_text()
    assert "Recykling (niebieski pojemnik)" in answers and "Tak" in answers
    assert_polish(visit)
    page.get_by_role("button", name="Zaakceptuj i wyślij").click()

    panel = page.locator(".govuk-panel--confirmation")
    assert "Zgłoszenie wysłane" in panel.inner_text()
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert "Co dalej" in page.locator("main").inner_text()
    assert_polish(visit)
    page.get_by_label("Zadowolony(-a)", exact=True).check()
    page.get_by_role("button", name="Wyślij opinię").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dziękujemy za opinię", use_inner_text=True
    )
    assert_polish(visit)

    # The answers are stored as the same values whatever the language.
    case = Case.objects.get(reference=reference)
    assert case.answers["bin_type"] == "recycling"
    assert case.answers["bin_out"] == "yes"

    # And back to English with the same switcher.
    page.get_by_role("navigation", name="Wybierz język").get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en-GB"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you for your feedback", use_inner_text=True
    )
