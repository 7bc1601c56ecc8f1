import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.catalogue.models import Upload
from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Files these tests keep and remove live in a folder of their own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def governance_officer(catalogue):
    """An officer of the complaints and information team: keeps the register, runs retention,
    handles subject access requests."""
    return StaffFactory(
        email="ig.officer@council.example",
        membership__team=Team.objects.get(slug="complaints-and-information"),
        membership__role=Role.OFFICER,
    )


@pytest.fixture
def make_upload():
    def make(case, name="photo.jpg", content=b"\xff\xd8\xff photo bytes"):
        path = default_storage.save(f"uploads/test/{name}", ContentFile(content))
        return Upload.objects.create(
            path=path,
            content_type="image/jpeg",
            name=name,
            size=len(content),
            uploader=Upload.Uploader.RESIDENT,
            case=case,
            answer="photo",
            attached_at=timezone.now(),
        )

    return make


@pytest.fixture
def close_case():
    def close(case, days_ago: int):
        at = timezone.now() - dt.timedelta(days=days_ago)
        type(case).objects.filter(pk=case.pk).update(status="closed", closed_at=at)
        case.refresh_from_db()
        return case

    return close
