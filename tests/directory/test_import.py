"""Importing another publisher's Open Referral UK feed (manage.py directory_import)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from borough.directory import oruk
from borough.directory.models import Organisation, Service
from borough.directory.selectors import published_services

pytestmark = pytest.mark.django_db


def test_a_feed_round_trips_and_importing_again_updates(directory, tmp_path):
    feed = [oruk.service_document(s) for s in published_services()]
    Service.objects.all().delete()
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"contents": feed}), encoding="utf-8")
    call_command("directory_import", str(path))
    call_command("directory_import", str(path))
    assert Service.objects.count() == 3
    parcels = Service.objects.get(pk=directory.parcels.pk)
    assert parcels.schedules.get().byday == "MO,WE"
    assert parcels.locations.get().postcode == "UB8 1QB"
    assert [t.name for t in parcels.taxonomy_terms.all()] == ["Food"]


def test_a_bad_feed_says_what_is_wrong_and_imports_nothing(db, tmp_path):
    path = tmp_path / "feed.json"
    good = {
        "id": "6f1c1f4e-8a44-4d2e-9d7e-0c4f0c1f2a11",
        "name": "Lunch club",
        "status": "active",
        "url": "https://example.org",
        "organization": {"id": "0b5a8d52-1f7e-4a43-8f7c-2d9d2a1b3c4d", "name": "Age Concern"},
    }
    path.write_text(json.dumps([good, {"id": "x", "name": "No URL", "status": "open"}]))
    with pytest.raises(CommandError) as refused:
        call_command("directory_import", str(path))
    message = str(refused.value)
    assert "service 2: url is missing" in message and "status 'open'" in message
    assert not Organisation.objects.exists()
