"""The case timeline says what really happened to a public update (issue 17, point 13):
emailed, or not sent and why, never "Sent to resident" to someone the council cannot reach."""

import pytest
from django.core import mail

from borough.cases.models import Case
from borough.people.models import Resident
from tests.signing_in import staff_login


def post_update(client, case, text, capture):
    version = Case.objects.get(pk=case.pk).version
    with capture(execute=True):
        response = client.post(
            f"/hub/cases/{case.reference}/update/", {"update_text": text, "version": version}
        )
    assert response.status_code == 302
    return client.get(f"/hub/cases/{case.reference}/").content.decode().split(">Timeline</h2>")[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "details, said",
    [
        ({}, "Not sent: no contact details for the resident"),
        ({"phone": "+447700900982"}, "Not sent: no email address for the resident, phone them"),
        (
            {"email": "ama@example.com", "email_updates": False},
            "Not emailed: the resident turned off email updates",
        ),
    ],
)
def test_an_update_the_resident_cannot_be_sent_says_so(
    client, make_case, waste_officer, django_capture_on_commit_callbacks, details, said
):
    resident = Resident.objects.create(first_name="Ama", last_name="Owusu", **details)
    case = make_case(resident=resident)
    staff_login(client, waste_officer)
    timeline = post_update(client, case, "Crew on the way", django_capture_on_commit_callbacks)
    assert said in timeline
    assert "Sent to resident" not in timeline and "Emailed to the resident" not in timeline
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_update_emailed_says_so(
    client, make_case, waste_officer, django_capture_on_commit_callbacks
):
    resident = Resident.objects.create(first_name="Ama", last_name="Owusu", email="a@example.com")
    case = make_case(resident=resident)
    staff_login(client, waste_officer)
    timeline = post_update(client, case, "Crew on the way", django_capture_on_commit_callbacks)
    assert "Emailed to the resident<" in timeline and "Not sent" not in timeline
    assert len(mail.outbox) == 1
