"""The case page's duplicates and links: suggested duplicates, a reference typed by hand,
linked cases on both pages, unlinking, and errors that point at the field."""

from decimal import Decimal

import pytest
from django.core import mail

from borough.accounts.models import Team
from borough.cases.models import Case, CaseLink, Status
from tests.hub.case_page import act, fresh, page
from tests.signing_in import staff_login

# --- Duplicates ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_suggested_duplicates_are_shown_and_marking_one_closes_this_case(
    client, make_case, case, waste_officer, django_capture_on_commit_callbacks
):
    original = make_case(100021500002)  # next door, about 8 m away
    far = make_case(100021500003)
    Case.objects.filter(pk=far.pk).update(latitude=Decimal("51.550000"))
    staff_login(client, waste_officer)
    html = page(client, case)
    assert "Is this a duplicate?" in html
    assert f">{original.reference}</a>" in html and far.reference not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, case, "duplicate", original=original.reference)
    assert response.status_code == 302
    html = page(client, case)
    assert f"Closed as a duplicate of {original.reference}" in html
    assert "Is this a duplicate?" not in html
    assert original.reference in mail.outbox[-1].body
    html = page(client, original)
    assert f"{case.reference} was closed as a duplicate of this case" in html
    assert f'href="/hub/cases/{case.reference}/"' in html


@pytest.mark.django_db
def test_a_reference_typed_by_hand_is_checked(
    client, make_case, case, waste_officer, highways_officer, catalogue
):
    other_service = make_case(100021500002)
    Case.objects.filter(pk=other_service.pk).update(service=catalogue["request-new-bin"])
    hidden = make_case(100021500003)
    Case.objects.filter(pk=hidden.pk).update(team=Team.objects.get(slug="highways"))
    staff_login(client, waste_officer)
    cases = [
        ("", "Enter a case reference"),
        ("ZZZZ-ZZZZ", "There is no case you can see with the reference ZZZZ-ZZZZ"),
        (hidden.reference, f"There is no case you can see with the reference {hidden.reference}"),
        (case.reference, "A case cannot be a duplicate of itself"),
        (other_service.reference, "is a request for a different service"),
    ]
    for typed, message in cases:
        html = act(client, case, "duplicate", original_reference=typed).content.decode()
        assert '<a href="#original_reference">' in html and message in html, typed
    assert fresh(case).status == Status.NEW
    response = act(client, case, "duplicate", original_reference=make_case().reference.lower())
    assert response.status_code == 302 and fresh(case).status == Status.CLOSED


# --- Links --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_linked_cases_show_on_both_pages_and_can_be_unlinked(
    client, make_case, case, waste_officer
):
    other = make_case(100021500004)
    staff_login(client, waste_officer)
    response = act(client, case, "link", other_reference=other.reference, link_reason="Same bins")
    assert response.status_code == 302
    for this, that in ((case, other), (other, case)):
        html = page(client, this)
        assert (
            f'<a class="govuk-link" href="/hub/cases/{that.reference}/">{that.reference}</a>'
            in (html)
        )
        assert "Reason: Same bins" in html and f"Linked to {that.reference}" in html
    html = act(client, case, "link", other_reference=other.reference).content.decode()
    assert f"This case is already linked to {other.reference}" in html
    assert act(client, other, "unlink", other=case.reference).status_code == 302
    assert not CaseLink.objects.exists()
    assert f"No longer linked to {other.reference}" in page(client, case)


@pytest.mark.django_db
def test_link_errors_point_at_the_field(client, case, waste_officer):
    staff_login(client, waste_officer)
    html = act(client, case, "link", other_reference=case.reference).content.decode()
    assert '<a href="#other_reference">A case cannot be linked to itself</a>' in html
    html = act(client, case, "unlink", other=case.reference).content.decode()
    assert f"This case is not linked to {case.reference}" in html
