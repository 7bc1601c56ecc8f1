"""Rate limits on what anyone can do without signing in: a clear 429 page, and nothing lost."""

from __future__ import annotations

import pytest

from borough.cases.models import Case
from borough.core.ratelimit import parse_rate
from tests.portal.test_missed_bin_journey import START, answer_all


@pytest.fixture
def strict(settings):
    settings.BOROUGH_RATE_LIMITS = {**settings.BOROUGH_RATE_LIMITS, "submit": "2/h"}


@pytest.mark.django_db
def test_too_many_submissions_get_a_429_and_keep_the_answers(client, missed_bin, gazetteer, strict):
    for _ in range(2):
        answer_all(client, missed_bin)
        assert client.post(START + "check-answers/")["Location"] == START + "confirmation/"
    answer_all(client, missed_bin)
    response = client.post(START + "check-answers/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert "You have sent too many requests" in page
    assert "Nothing you have entered has been lost" in page
    assert Case.objects.count() == 2
    # The answers are still there: check answers shows them.
    assert "2 Acacia Avenue" in client.get(START + "check-answers/").content.decode()


@pytest.mark.django_db
def test_the_limit_is_per_client_and_a_forged_forwarded_header_does_not_dodge_it(
    client, missed_bin, gazetteer, strict
):
    for _ in range(2):
        answer_all(client, missed_bin)
        client.post(START + "check-answers/")
    answer_all(client, missed_bin)
    forged = client.post(START + "check-answers/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.status_code == 429
    other = client.post(START + "check-answers/", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    assert Case.objects.count() == 3


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    client, missed_bin, gazetteer, strict, settings
):
    settings.BOROUGH_TRUSTED_PROXIES = 1
    for address in ("203.0.113.1", "203.0.113.1"):
        answer_all(client, missed_bin)
        client.post(START + "check-answers/", HTTP_X_FORWARDED_FOR=address)
    answer_all(client, missed_bin)
    assert (
        client.post(START + "check-answers/", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    )
    assert (
        client.post(START + "check-answers/", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
    )


def test_rates_are_written_plainly():
    assert parse_rate("30/h") == (30, 3600)
    assert parse_rate("5/m") == (5, 60)
    with pytest.raises(ValueError, match="A rate looks like"):
        parse_rate("lots")
