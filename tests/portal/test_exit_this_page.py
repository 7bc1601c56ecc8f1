"""GOV.UK "Exit this page" (issue 22, point 6): on the chat and on the pages for domestic abuse
and safeguarding concerns, never on ordinary pages; it goes where the council set."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

EXIT = re.compile(r'<a href="([^"]+)" role="button"[^>]*govuk-exit-this-page__button')


def _exit_links(html: str) -> list[str]:
    return EXIT.findall(html)


@pytest.mark.parametrize("path", ["/help/domestic-abuse/", "/help/report-a-concern/", "/chat/"])
def test_pages_for_people_at_risk_have_exit_this_page(client, path):
    html = client.get(path).content.decode()
    assert _exit_links(html) == ["https://www.bbc.co.uk/weather"]
    assert 'data-module="govuk-exit-this-page"' in html
    assert 'rel="nofollow noreferrer"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/help/", "/help/council-tax-bands/"])
def test_ordinary_pages_do_not(client, path):
    assert _exit_links(client.get(path).content.decode()) == []


@pytest.mark.django_db
def test_the_council_chooses_where_it_goes_and_the_chat_widget_knows_it(client, settings):
    settings.EXIT_THIS_PAGE_URL = "https://www.example.org/news"
    assert _exit_links(client.get("/help/domestic-abuse/").content.decode()) == [
        "https://www.example.org/news"
    ]
    # The chat widget on every page carries it, for its own exit button.
    assert 'data-exit-url="https://www.example.org/news"' in client.get("/").content.decode()


def test_the_domestic_abuse_page_gives_the_helpline_and_the_housing_number(client):
    html = client.get("/help/domestic-abuse/").content.decode()
    assert "0808 2000 247" in html and "020 7946 0300" in html and "999" in html


def test_exit_this_page_in_polish(client, settings):
    cookie = f"{settings.LANGUAGE_COOKIE_NAME}=pl"
    html = client.get("/help/domestic-abuse/", HTTP_COOKIE=cookie).content.decode()
    assert "Wyjdź z tej strony" in html
    assert 'data-i18n.press-one-more-time="Shift: naciśnij jeszcze 1 raz, aby wyjść."' in html
    translation.activate(settings.LANGUAGE_CODE)
