"""A resident pays for a request on the portal through the embedded GOV.UK Pay sandbox."""

from __future__ import annotations

import pytest

from borough.cases.models import Case
from borough.payments import sandbox
from borough.payments.models import Payment, PayState, SandboxPayment

from .conftest import fill_form, path_of, pay

pytestmark = pytest.mark.django_db

DECLINED = "4000000000000002"
EXPIRED = "4000000000000069"
ERROR = "4000000000000119"


def test_the_start_page_and_check_answers_show_the_fee(client, bulky):
    start = client.get(f"/services/{bulky.slug}/").content.decode()
    assert "What you pay depends on your answers" in start and "£10 for each item" in start
    check = fill_form(client, bulky, {"item_count": {"item_count": "3"}})
    page = client.get(check).content.decode()
    assert 'data-testid="amount-due"' in page and "£30" in page
    assert "Continue to payment" in page and "Accept and send" not in page


def test_a_free_service_is_sent_without_paying(client, catalogue, gazetteer):
    service = catalogue["report-missed-bin"]
    check = fill_form(client, service)
    assert "Continue to payment" not in client.get(check).content.decode()
    assert client.post(check)["Location"].endswith("/confirmation/")
    assert not Payment.objects.exists()


def test_paying_with_the_success_card_makes_one_case(client, bulky, no_webhooks):
    check = fill_form(client, bulky, {"item_count": {"item_count": "4"}})
    response = client.post(check)
    assert response.status_code == 302 and "/sandbox/pay/card/" in response["Location"]
    assert not Case.objects.exists(), "no case before the payment succeeded"
    payment = Payment.objects.get()
    assert payment.amount_pence == 4000 and payment.state == PayState.CREATED
    back = pay(client, response["Location"])
    assert back == f"/services/{bulky.slug}/payment/{payment.token}/"
    confirmation = client.get(back)
    assert confirmation["Location"].endswith("/confirmation/")
    case = Case.objects.get()
    payment.refresh_from_db()
    assert payment.state == PayState.SUCCESS and payment.case == case
    assert case.reference in client.get(confirmation["Location"]).content.decode()
    # Coming back again, or submitting the old page again, makes nothing more.
    assert client.get(back).status_code in {302, 404}
    client.post(check)
    assert Case.objects.count() == 1 and SandboxPayment.objects.count() == 1


def test_declined_then_success_keeps_the_answers_and_charges_once(client, bulky, no_webhooks):
    check = fill_form(client, bulky)
    back = pay(client, client.post(check)["Location"], DECLINED)
    page = client.get(back)
    assert page.status_code == 200
    assert "Your payment was declined" in page.content.decode()
    assert not Case.objects.exists()
    retry = client.post(check)  # "Try to pay again" posts the kept answers
    assert "/sandbox/pay/card/" in retry["Location"]
    second = Payment.objects.exclude(state=PayState.FAILED).get()
    assert client.get(pay(client, retry["Location"]))["Location"].endswith("/confirmation/")
    second.refresh_from_db()
    assert second.state == PayState.SUCCESS
    assert Case.objects.count() == 1
    assert list(Payment.objects.values_list("state", flat=True).order_by("created_at")) == [
        PayState.FAILED,
        PayState.SUCCESS,
    ]


@pytest.mark.parametrize(
    ("card", "action", "says"),
    [
        (EXPIRED, "pay", "Your payment was declined"),
        (ERROR, "pay", "Sorry, there was a problem with your payment"),
        ("", "cancel", "You cancelled your payment"),
    ],
)
def test_every_failure_has_its_page_and_nothing_is_made(
    client, bulky, no_webhooks, card, action, says
):
    check = fill_form(client, bulky)
    back = pay(client, client.post(check)["Location"], card, action)
    page = client.get(back).content.decode()
    assert says in page and "Try to pay again" in page
    assert not Case.objects.exists()


def test_an_abandoned_payment_is_offered_again_not_charged_twice(client, bulky, no_webhooks):
    check = fill_form(client, bulky)
    first = client.post(check)["Location"]
    payment = Payment.objects.get()
    # The resident comes back without paying (the browser's back button, or the return link).
    page = client.get(f"/services/{bulky.slug}/payment/{payment.token}/").content.decode()
    assert "Your payment has not finished" in page and "Continue paying" in page
    again = client.post(check)["Location"]
    assert again == first, "the payment in progress is reused"
    assert SandboxPayment.objects.count() == 1


def test_changing_the_answers_cancels_the_payment_in_progress(client, bulky, no_webhooks):
    check = fill_form(client, bulky, {"item_count": {"item_count": "1"}})
    client.post(check)
    client.post(
        f"/services/{bulky.slug}/questions/item_count/?change=1",
        {"step": "answer", "item_count": "2"},
    )
    client.post(check)
    states = dict(SandboxPayment.objects.values_list("request__amount", "state"))
    assert states == {1000: "cancelled", 2000: "created"}


def test_closing_the_tab_after_paying_still_makes_the_booking(
    client, bulky, django_capture_on_commit_callbacks
):
    """The sandbox's webhook reaches Borough when the card is taken: no return needed."""
    check = fill_form(client, bulky)
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, client.post(check)["Location"])  # and never follow the return
    payment = Payment.objects.get()
    assert payment.state == PayState.SUCCESS and payment.case is not None
    # When they do come back, they see the same request.
    back = client.get(f"/services/{bulky.slug}/payment/{payment.token}/")
    assert back["Location"].endswith("/confirmation/")
    assert Case.objects.count() == 1


def test_someone_elses_return_token_finds_nothing(client, bulky, no_webhooks, django_user_model):
    from django.test import Client

    check = fill_form(client, bulky)
    pay(client, client.post(check)["Location"])
    payment = Payment.objects.get()
    stranger = Client()
    fill_form(stranger, bulky)
    response = stranger.get(f"/services/{bulky.slug}/payment/{payment.token}/")
    assert response.status_code == 404
    assert "We cannot find this payment" in response.content.decode()
    payment.refresh_from_db()
    assert payment.case is None, "the stranger's visit did not act on the payment"
    assert stranger.get(f"/services/{bulky.slug}/payment/not-a-token/").status_code == 404


def test_the_return_alone_is_not_trusted(client, bulky, no_webhooks):
    """Coming back before paying makes nothing, whatever the URL says."""
    check = fill_form(client, bulky)
    client.post(check)
    payment = Payment.objects.get()
    page = client.get(f"/services/{bulky.slug}/payment/{payment.token}/?status=success")
    assert page.status_code == 200 and not Case.objects.exists()


def test_the_sandbox_card_page_takes_only_test_cards(client, bulky, no_webhooks):
    check = fill_form(client, bulky)
    card = path_of(client.post(check)["Location"])
    page = client.post(card, {"card_number": "4111111111111111", "action": "pay"})
    assert page.status_code == 200
    assert "Enter one of GOV.UK Pay&#x27;s test card numbers" in page.content.decode()
    assert SandboxPayment.objects.get().state == "started"
    assert sandbox.SUCCESS_CARD in page.content.decode()


@pytest.mark.parametrize("status", [429, 500, 503])
def test_pay_down_or_busy_keeps_the_answers_and_charges_nothing(
    client, bulky, no_webhooks, monkeypatch, status
):
    import requests

    from borough.payments import services
    from borough.payments.client import PayClient

    from .test_contract import Canned

    session = requests.Session()
    session.mount("https://pay.test", Canned(status, {"code": "P0999", "description": "Down"}))
    monkeypatch.setattr(
        services, "pay_client", lambda: PayClient("https://pay.test", "k", session=session)
    )
    check = fill_form(client, bulky)
    page = client.post(check)
    assert page.status_code == 503
    assert "Sorry, there is a problem with the service" in page.content.decode()
    assert "You have not been charged" in page.content.decode()
    assert not Case.objects.exists()
    monkeypatch.undo()  # Pay is back: the same answers go through, with the same attempt
    retry = client.post(check)
    assert "/sandbox/pay/card/" in retry["Location"]
    assert Payment.objects.count() == 1


def test_answers_are_not_kept_longer_than_needed(client, bulky, no_webhooks):
    import datetime as dt

    from django.utils import timezone

    from borough.payments.tasks import unpaid_answers_expire

    check = fill_form(client, bulky)
    pay(client, client.post(check)["Location"], DECLINED)
    client.get(f"/services/{bulky.slug}/payment/{Payment.objects.get().token}/")
    paid = pay(client, client.post(check)["Location"])
    client.get(paid)
    done = Payment.objects.get(state=PayState.SUCCESS)
    assert done.answers == {} and done.case.answers, "the case holds the answers, once"
    unpaid = Payment.objects.get(state=PayState.FAILED)
    assert unpaid.answers and unpaid_answers_expire() == 0  # kept to try again, for now
    later = timezone.now() + dt.timedelta(days=29)
    assert unpaid_answers_expire(now=later) == 1
    unpaid.refresh_from_db()
    assert unpaid.answers == {} and unpaid.email == ""


def test_a_paid_request_is_answered_the_way_chosen_before_paying(
    client, bulky, no_webhooks, settings
):
    """Issue 20: "how do you want to hear" is asked on check answers before paying too; no
    choice keeps the answers and sends nobody to pay; the case made once paid takes it."""
    import uuid

    from borough.people.models import Household
    from borough.places.models import Property
    from tests.factories import ResidentFactory, ResidentUserFactory

    settings.BOROUGH_NOTIFY_PROVIDER = "notify"  # texts and letters too (the Notify sandbox)
    settings.NOTIFY_SANDBOX, settings.NOTIFY_TEMPLATES = True, {}
    settings.NOTIFY_API_KEY = f"borough_test-{uuid.uuid4()}-{uuid.uuid4()}"
    settings.NOTIFY_BASE_URL = "http://notify-sandbox.invalid"
    user = ResidentUserFactory(email="ama@example.com")
    home = Household.objects.create(property=Property.objects.get(uprn=100021500001))
    ResidentFactory(email="ama@example.com", phone="07700 900982", user=user, household=home)
    client.force_login(user)
    check = fill_form(client, bulky)
    page = client.get(check).content.decode()
    assert "How do you want to hear about this request?" in page and "£" in page
    refused = client.post(check, {"contact_by": "pigeon"})
    assert "Select how you want to hear about this request" in refused.content.decode()
    assert not Payment.objects.exists()
    back = pay(client, client.post(check, {"contact_by": "letter"})["Location"])
    assert client.get(back)["Location"].endswith("/confirmation/")
    assert Case.objects.get().contact_by == "letter"
