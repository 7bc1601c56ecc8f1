"""Uploaded photos and documents: checked for what they really are, and made safe to keep."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from borough.catalogue.answers import AnswerError
from borough.catalogue.definitions import Question
from borough.catalogue.inputs import store_upload as _store_upload
from borough.catalogue.models import Upload
from borough.core.actors import ResidentActor

pytestmark = pytest.mark.django_db

PHOTO = Question(
    id="photo",
    type="file",
    label="Add a photo",
    accept=("image/jpeg", "image/png", "application/pdf"),
    max_size_mb=10,
)


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def jpeg_with_location(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = {1: "N", 2: (51.0, 32.0, 44.0), 3: "W", 4: (0.0, 28.0, 43.0)}
    exif[0x8825] = gps  # where the photo was taken
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def store_upload(question, file) -> dict:
    """Upload as a resident; the answer, with where Borough keeps the file (not part of it)."""
    answer = _store_upload(question, file, actor=ResidentActor())
    return {**answer, "path": Upload.objects.get(pk=answer["upload"]).path}


def test_a_photo_is_kept_without_its_location_or_camera_details(_storage):
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # it really had GPS data
    stored = store_upload(PHOTO, upload(original, "IMG_2041.jpg"))
    assert stored["content_type"] == "image/jpeg" and stored["name"] == "IMG_2041.jpg"
    kept = Image.open(_storage / stored["path"])
    assert (kept.format, kept.size) == ("JPEG", (64, 48))
    assert dict(kept.getexif()) == {}


def test_anything_hidden_after_the_picture_is_not_kept(_storage):
    hidden = b"<?php system($_GET['c']); ?>"
    stored = store_upload(PHOTO, upload(jpeg_with_location() + hidden, "photo.jpg"))
    assert hidden not in (_storage / stored["path"]).read_bytes()


def test_a_huge_photo_is_made_smaller(_storage):
    out = io.BytesIO()
    Image.new("RGB", (6000, 1000), "white").save(out, format="PNG")
    stored = store_upload(PHOTO, upload(out.getvalue(), "wide.png"))
    assert Image.open(_storage / stored["path"]).size == (3000, 500)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "holiday.jpg", "The selected file must be a"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "drawing.svg",
            "The selected file must be a",
        ),
        (b"\xff\xd8\xff" + b"not really a jpeg" * 10, "broken.jpg", "could not be opened"),
        (
            b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            "letter.pdf",
            "contains scripts or attachments",
        ),
        (b"", "empty.png", "The selected file is empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (11 * 1024 * 1024), "big.png", "smaller than 10MB"),
    ],
    ids=["exe-renamed", "svg-script", "fake-jpeg", "pdf-javascript", "empty", "too-big"],
)
def test_unsafe_or_wrong_files_are_refused_and_nothing_is_kept(_storage, content, name, message):
    with pytest.raises(AnswerError, match=message):
        store_upload(PHOTO, upload(content, name))
    assert not any(_storage.rglob("*.*"))
    assert not Upload.objects.exists()


def test_a_plain_pdf_is_kept(_storage):
    # A real PDF (PDFs are parsed now, issue 16: one without a cross-reference table is not).
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    stored = store_upload(PHOTO, upload(pdf, "tenancy.pdf"))
    assert (_storage / stored["path"]).read_bytes() == pdf
