"""Request lists are cached (issue 24): a change made through Borough shows at once, a change
that bypasses saving shows once the list expires, and 0 seconds turns the cache off."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from borough.cases.models import Case

from .conftest import form_post, parse_json

pytestmark = pytest.mark.django_db

LIST = "/open311/v2/requests.json"


def _statuses(client, **params):
    return [r["status"] for r in parse_json(client.get(LIST, params))]


def test_a_new_request_shows_in_the_next_list_at_once(client, pothole_fields, settings):
    settings.BOROUGH_OPEN311_CACHE_SECONDS = 300
    form_post(client, LIST, pothole_fields)
    assert len(parse_json(client.get(LIST))) == 1
    form_post(client, LIST, pothole_fields)
    assert len(parse_json(client.get(LIST))) == 2


def test_a_bulk_change_shows_when_the_list_expires(client, pothole_fields, settings):
    settings.BOROUGH_OPEN311_CACHE_SECONDS = 300
    form_post(client, LIST, pothole_fields)
    assert _statuses(client) == ["open"]
    Case.objects.update(status="closed")  # no save(): the cached list is still served
    assert _statuses(client) == ["open"]
    # Other parameters, or another caller's access, are other lists.
    assert _statuses(client, extended_statuses="true") == ["closed"]
    cache.clear()  # as when the seconds have passed
    assert _statuses(client) == ["closed"]


def test_no_cache_with_zero_seconds(client, pothole_fields, settings):
    settings.BOROUGH_OPEN311_CACHE_SECONDS = 0
    form_post(client, LIST, pothole_fields)
    assert _statuses(client) == ["open"]
    Case.objects.update(status="closed")
    assert _statuses(client) == ["closed"]
