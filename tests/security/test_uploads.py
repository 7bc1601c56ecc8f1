"""Issue 16, uploads: a hostile client over HTTP. Files enter only through an upload Borough
checked and issued an id for; bodies over the cap are refused before they are read; photos
with too many pixels and PDFs with active content are refused; uploads are rate limited; files
no case keeps are deleted. Each refusal also shows that nothing was written."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from borough.cases.models import Case
from borough.catalogue.filecheck import _ACTIVE_BYTES, pdf_active_content
from borough.catalogue.inputs import store_upload
from borough.catalogue.models import Upload
from borough.catalogue.tasks import uploads_purge_hourly
from borough.clients.models import Scope
from borough.contacts.services import form_session_save, form_session_start
from borough.core.actors import ResidentActor
from tests.factories import ResidentFactory
from tests.signing_in import staff_login

from . import hostile_pdfs

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
PIXEL = Image.new("RGB", (4, 3), (10, 120, 200))


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def stored_files(storage) -> list:
    return [p for p in storage.rglob("*") if p.is_file()]


def png(size=(4, 3), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def pothole(catalogue):
    return catalogue["report-pothole"]


@pytest.fixture
def keys(new_api_client):
    return (
        new_api_client(Scope.CASES_WRITE, Scope.CASES_READ, name="Back office").raw_key,
        new_api_client(Scope.CASES_WRITE, name="Other supplier").raw_key,
    )


def upload(client, key: str, content: bytes, name: str = "photo.png", content_type="image/png"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        f"{BASE}/uploads", {"file": file}, headers={"Authorization": f"Bearer {key}"}
    )


def pothole_case(client, key: str, photo) -> object:
    body = {
        "service": "report-pothole",
        "answers": {
            "location": {"uprn": 100021500001, "description": "Outside number 1"},
            "where_on_street": "road",
            "size": "small",
            "photo": photo,
        },
    }
    return client.post(
        f"{BASE}/cases",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    return error


# ------------------------------------------------------------ files are only what Borough kept


def test_an_upload_is_checked_and_its_type_and_name_are_decided_by_borough(
    client, keys, gazetteer, pothole, storage, waste_officer
):
    key, _other = keys
    response = upload(client, key, png(), name="evil.html", content_type="text/html")
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["content_type"], made["name"]) == ("image/png", "evil.png")
    created = pothole_case(client, key, made["id"])
    assert created.status_code == 201, created.content
    case = Case.objects.get(reference=created.json()["reference"])
    assert case.answers["photo"] == {
        "upload": made["id"],
        "name": "evil.png",
        "content_type": "image/png",
        "size": made["size"],
    }
    kept = Upload.objects.get(pk=made["id"])
    assert (kept.case_id, kept.answer, kept.uploader) == (case.pk, "photo", "api_client")

    # The hub serves it as what it is, as an attachment, and tells browsers not to guess.
    case.team.memberships.get_or_create(user=waste_officer, defaults={"role": "officer"})
    staff_login(client, waste_officer)
    served = client.get(f"/hub/cases/{case.reference}/files/photo/")
    assert served.status_code == 200, served.status_code
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"] == 'attachment; filename="evil.png"'


def test_a_case_answer_naming_another_residents_stored_file_is_refused(
    client, keys, gazetteer, pothole, storage
):
    """The attack of issue 16: a photo answer naming a stored path, typed text/html."""
    key, _other = keys
    theirs = store_upload(
        pothole.form.by_id["photo"],
        SimpleUploadedFile("their-home.png", png()),
        actor=ResidentActor(),
    )
    path = Upload.objects.get(pk=theirs["upload"]).path
    forged = {"name": "evil.html", "path": path, "content_type": "text/html", "size": 10}
    files_before = stored_files(storage)
    for answer in (forged, theirs["upload"], {"upload": theirs["upload"]}):
        error = assert_envelope(pothole_case(client, key, answer), 400, "bad_request")
        assert error["details"][0]["field"] == "answers.photo"
    assert not Case.objects.exists()
    assert Upload.objects.get(pk=theirs["upload"]).case_id is None
    assert stored_files(storage) == files_before


def test_another_clients_unknown_or_used_upload_ids_are_refused(
    client, keys, gazetteer, pothole, storage
):
    key, other = keys
    others = upload(client, other, png()).json()["id"]
    assert_envelope(pothole_case(client, key, others), 400, "bad_request")
    assert_envelope(pothole_case(client, key, "0" * 32), 400, "bad_request")
    assert_envelope(pothole_case(client, key, "../../etc/passwd"), 400, "bad_request")
    assert not Case.objects.exists()
    mine = upload(client, key, png()).json()["id"]
    assert pothole_case(client, key, mine).status_code == 201
    assert_envelope(pothole_case(client, key, mine), 400, "bad_request")  # used already
    assert Case.objects.count() == 1
    assert Upload.objects.get(pk=others).case_id is None


def test_an_upload_needs_a_key_with_the_scope_for_creating_cases(client, new_api_client, storage):
    reader = new_api_client(Scope.CASES_READ).raw_key
    assert_envelope(upload(client, reader, png()), 403, "scope_missing")
    assert_envelope(upload(client, "not-a-key", png()), 401, "authentication_failed")
    assert not Upload.objects.exists() and not stored_files(storage)


# ------------------------------------------------------------------ bodies over the cap


class CountingStream:
    """A request body that says how much of it was read."""

    def __init__(self, size: int):
        self.left = size
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = self.left if size is None or size < 0 else min(size, self.left)
        self.left -= size
        self.read_bytes += size
        return b"x" * size

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


SIXTY_MB = 60 * 1024 * 1024


@pytest.mark.parametrize("path", ["/services/report-pothole/questions/photo/", f"{BASE}/uploads"])
def test_a_60mb_body_is_refused_from_its_length_without_reading_it(
    client, keys, catalogue, storage, path
):
    key, _other = keys
    body = CountingStream(SIXTY_MB)
    response = client.generic(
        "POST",
        path,
        content_type="multipart/form-data; boundary=xyz",
        headers={"Authorization": f"Bearer {key}"},
        CONTENT_LENGTH=str(SIXTY_MB),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert body.read_bytes == 0  # the view (and the form parser) never ran
    if path.startswith(BASE):
        assert_envelope(response, 413, "payload_too_large")
    else:
        assert "The file you sent is too big" in response.content.decode()
    assert not Upload.objects.exists() and not stored_files(storage)


def test_a_chunked_body_is_read_only_up_to_the_cap(client, catalogue, storage, settings):
    body = CountingStream(SIXTY_MB)
    response = client.generic(
        "POST",
        "/services/report-pothole/questions/photo/",
        content_type="multipart/form-data; boundary=xyz",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert body.read_bytes == settings.BOROUGH_MAX_REQUEST_BYTES + 1
    assert not Upload.objects.exists() and not stored_files(storage)


# ------------------------------------------------------------ photos that cost too much


@pytest.mark.parametrize("size", [(5000, 5000), (12000, 12000)], ids=["25MP", "144MP-bomb"])
def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded(client, keys, storage, size):
    key, _other = keys
    bomb = png(size, mode="1")  # tiny on disk, huge when decoded
    assert len(bomb) < 2 * 1024 * 1024
    error = assert_envelope(upload(client, key, bomb), 422, "validation_failed")
    assert "24 megapixels" in error["details"][0]["message"]
    assert not Upload.objects.exists() and not stored_files(storage)


# ------------------------------------------------------------------------ hostile PDFs

HOSTILE = [
    hostile_pdfs.with_javascript,
    hostile_pdfs.with_embedded_file,
    hostile_pdfs.with_launch_on_page_open,
    hostile_pdfs.with_xfa_form,
    hostile_pdfs.encrypted,
    hostile_pdfs.with_escaped_javascript_name,
    hostile_pdfs.with_escaped_launch_name,
    hostile_pdfs.with_javascript_in_object_stream,
]


@pytest.mark.parametrize("make", HOSTILE, ids=[m.__name__ for m in HOSTILE])
def test_a_pdf_with_active_content_is_refused(client, keys, storage, make):
    key, _other = keys
    pdf = make()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # a real PDF a viewer would open
    response = upload(client, key, pdf, name="letter.pdf", content_type="application/pdf")
    error = assert_envelope(response, 422, "validation_failed")
    assert "PDF" in error["details"][0]["message"]
    assert not Upload.objects.exists() and not stored_files(storage)


@pytest.mark.parametrize(
    "make",
    [
        hostile_pdfs.with_escaped_javascript_name,
        hostile_pdfs.with_escaped_launch_name,
        hostile_pdfs.with_javascript_in_object_stream,
    ],
)
def test_the_parser_finds_what_a_byte_search_misses(make):
    pdf = make()
    assert not any(name in pdf for name in _ACTIVE_BYTES)
    assert pdf_active_content(PdfReader(io.BytesIO(pdf)))


@pytest.mark.parametrize("make", [hostile_pdfs.plain, hostile_pdfs.with_goto_open_action])
def test_a_pdf_that_only_shows_pages_is_kept_as_sent(client, keys, storage, make):
    key, _other = keys
    pdf = make()
    response = upload(client, key, pdf, name="letter.pdf", content_type="application/pdf")
    assert response.status_code == 201, response.content
    kept = Upload.objects.get(pk=response.json()["id"])
    assert (storage / kept.path).read_bytes() == pdf


# --------------------------------------------------------------------------- rate limit


def test_uploads_are_rate_limited_per_api_client(client, keys, storage, settings):
    settings.BOROUGH_RATE_LIMITS = {**settings.BOROUGH_RATE_LIMITS, "upload": "2/h"}
    key, other = keys
    assert upload(client, key, png()).status_code == 201
    assert upload(client, key, png()).status_code == 201
    refused = upload(client, key, png())
    assert_envelope(refused, 429, "rate_limited")
    assert int(refused["Retry-After"]) > 0
    assert Upload.objects.count() == 2 and len(stored_files(storage)) == 2
    assert upload(client, other, png()).status_code == 201  # another client has its own count


def _walk_to_photo(client) -> str:
    base = "/services/report-pothole/"
    location = client.post(base)["Location"]
    client.post(location, {"step": "postcode", "postcode": "UB8 1QA"})
    answers = {
        "location": {"location": "uprn:100021500001", "location-description": "By the kerb"},
        "where_on_street": {"where_on_street": "road"},
        "size": {"size": "small"},
        "depth": {"depth": ""},
    }
    while not location.endswith("/photo/"):
        question_id = location.split("/")[-2]
        location = client.post(location, {"step": "answer", **answers[question_id]})["Location"]
    return location


def test_uploads_on_the_portal_are_rate_limited(client, gazetteer, pothole, storage, settings):
    settings.BOROUGH_RATE_LIMITS = {**settings.BOROUGH_RATE_LIMITS, "upload": "1/h"}
    photo_page = _walk_to_photo(client)

    def send():
        file = SimpleUploadedFile("pothole.png", png(), content_type="image/png")
        return client.post(photo_page, {"step": "answer", "photo": file})

    assert send().status_code == 302
    refused = send()
    assert refused.status_code == 429
    assert "You have sent too many requests" in refused.content.decode()
    assert Upload.objects.count() == 1 and len(stored_files(storage)) == 1


# -------------------------------------------------------------------------------- purge


def test_files_no_case_keeps_are_purged(client, keys, gazetteer, pothole, storage, make_case):
    key, _other = keys
    photo = pothole.form.by_id["photo"]

    def resident_upload() -> Upload:
        answer = store_upload(photo, SimpleUploadedFile("p.png", png()), actor=ResidentActor())
        return Upload.objects.get(pk=answer["upload"])

    day_ago = timezone.now() - dt.timedelta(hours=25)
    abandoned, fresh, saved, expired = (resident_upload() for _ in range(4))
    Upload.objects.filter(pk__in=[abandoned.pk, saved.pk, expired.pk]).update(created_at=day_ago)
    # A signed-in resident saved a form holding ``saved``: kept while the saved form is.
    session = form_session_start(service=pothole, channel="web")
    form_session_save(
        token=session.token, user=None, answers={"photo": saved.as_answer()}, postcodes={}
    )
    Upload.objects.filter(pk=expired.pk).update(held_until=timezone.now() - dt.timedelta(days=1))
    used_id = upload(client, key, png()).json()["id"]
    reference = pothole_case(client, key, used_id).json()["reference"]
    gone_id = upload(client, key, png()).json()["id"]
    gone_case = pothole_case(client, key, gone_id).json()["reference"]
    gone_path = Upload.objects.get(pk=gone_id).path
    Case.objects.filter(reference=gone_case).delete()

    assert uploads_purge_hourly.call_local() == 3

    left = set(Upload.objects.values_list("pk", flat=True))
    assert left == {fresh.pk, saved.pk, used_id}
    assert Upload.objects.get(pk=used_id).case.reference == reference
    kept_paths = {storage / u.path for u in Upload.objects.all()}
    assert set(stored_files(storage)) == kept_paths
    assert not (storage / abandoned.path).exists() and not (storage / gone_path).exists()


# ------------------------------------------------------------------ the hub's own forms


def test_a_photo_an_agent_uploads_for_a_resident_is_recorded_as_theirs_and_kept_by_the_case(
    client, agent, gazetteer, pothole, storage
):
    resident = ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com")
    staff_login(client, agent)
    first = client.post(
        f"/hub/residents/{resident.pk}/requests/new/",
        {"service": "report-pothole", "channel": "phone"},
    )["Location"]
    base = first.rsplit("/", 2)[0] + "/"
    client.post(base + "location/", {"step": "postcode", "postcode": "UB8 1QA"})
    client.post(base + "location/", {"location": "uprn:100021500001", "location-description": ""})
    client.post(base + "where_on_street/", {"where_on_street": "road"})
    client.post(base + "size/", {"size": "small"})
    client.post(base + "depth/", {"depth": ""})
    photo = SimpleUploadedFile("IMG 01<script>.jpg", png(), content_type="image/jpeg")
    check_url = client.post(base + "photo/", {"photo": photo})["Location"]
    assert check_url.endswith("/check/")
    kept = Upload.objects.get()
    assert (kept.uploader, kept.user, kept.case) == ("staff", agent, None)
    assert (kept.content_type, kept.name) == ("image/png", "IMG 01-script.png")

    client.post(check_url, {"minutes": "3"})
    case = Case.objects.get()
    kept.refresh_from_db()
    assert (kept.case, kept.answer) == (case, "photo")
    assert case.answers["photo"]["upload"] == kept.pk
