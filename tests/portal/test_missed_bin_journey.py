"""The missed-bin journey through the portal's pages, as a browser without JavaScript sees it."""

import datetime as dt

import pytest

from borough.cases.models import Case
from borough.contacts.models import FormSession

START = "/services/report-missed-bin/"
Q = START + "questions/"


def start(client):
    response = client.post(START)
    assert response.status_code == 302
    assert response["Location"] == Q + "address/"
    return response


def choose_address(client):
    client.post(Q + "address/", {"step": "postcode", "postcode": "ub8 1qa"})
    return client.post(Q + "address/", {"step": "answer", "address": "100021500002"})


def answer_all(client, service):
    start(client)
    choose_address(client)
    bin_type = service.form.by_id["bin_type"].options[0].value
    client.post(Q + "bin_type/", {"bin_type": bin_type})
    client.post(Q + "bin_out/", {"bin_out": "yes"})
    today = dt.date.today()
    client.post(
        Q + "collection_date/",
        {
            "collection_date-day": today.day,
            "collection_date-month": today.month,
            "collection_date-year": today.year,
        },
    )
    return client.post(Q + "details/", {"details": "Only our side of the road was missed"})


@pytest.mark.django_db
def test_home_page_lists_the_service(client, catalogue):
    response = client.get("/")
    assert response.status_code == 200
    assert START.encode() in response.content


@pytest.mark.django_db
def test_a_resident_reports_a_missed_bin_and_gets_a_reference(client, missed_bin, gazetteer):
    response = answer_all(client, missed_bin)
    assert response["Location"] == START + "check-answers/"
    check = client.get(START + "check-answers/")
    page = check.content.decode()
    assert "2 Acacia Avenue, Uxbridge, UB8 1QA" in page
    assert "Only our side of the road was missed" in page
    response = client.post(START + "check-answers/")
    assert response["Location"] == START + "confirmation/"
    case = Case.objects.get()
    confirmation = client.get(START + "confirmation/").content.decode()
    assert "Request sent" in confirmation
    assert case.reference in confirmation
    assert case.answers["details"] == "Only our side of the road was missed"
    session = FormSession.objects.get()
    assert session.outcome == FormSession.Outcome.SUBMITTED and session.case == case


@pytest.mark.django_db
def test_a_double_submit_makes_one_case(client, missed_bin, gazetteer):
    answer_all(client, missed_bin)
    first = client.post(START + "check-answers/")
    second = client.post(START + "check-answers/")
    assert first["Location"] == second["Location"] == START + "confirmation/"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_postcode_gets_a_clear_error(client, missed_bin, gazetteer):
    start(client)
    response = client.post(Q + "address/", {"step": "postcode", "postcode": "UB9 9ZZ"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "We cannot find any addresses at UB9 9ZZ" in page
    assert '<a href="#postcode">' in page
    assert page.count("govuk-error-message") == 1
    assert "<title>Error:" in page


@pytest.mark.django_db
def test_a_malformed_postcode_and_a_missing_one_get_their_own_messages(
    client, missed_bin, gazetteer
):
    start(client)
    assert (
        "Enter a real postcode"
        in client.post(Q + "address/", {"step": "postcode", "postcode": "12345"}).content.decode()
    )
    assert (
        "Enter a postcode"
        in client.post(Q + "address/", {"step": "postcode", "postcode": ""}).content.decode()
    )


@pytest.mark.django_db
def test_an_address_not_in_the_gazetteer_is_refused(client, missed_bin, gazetteer):
    start(client)
    client.post(Q + "address/", {"step": "postcode", "postcode": "UB8 1QA"})
    response = client.post(Q + "address/", {"step": "answer", "address": "100021500009"})
    assert response.status_code == 302  # a real property, even if at another postcode
    response = client.post(Q + "address/", {"step": "answer", "address": "123"})
    assert "Select an address from the list" in response.content.decode()


@pytest.mark.django_db
def test_a_missing_answer_shows_the_error_summary_and_keeps_earlier_answers(
    client, missed_bin, gazetteer
):
    start(client)
    choose_address(client)
    response = client.post(Q + "bin_type/", {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#bin_type"' in page
    # The address chosen before is still there.
    bin_type = missed_bin.form.by_id["bin_type"].options[0].value
    assert client.post(Q + "bin_type/", {"bin_type": bin_type})["Location"] == Q + "bin_out/"


@pytest.mark.django_db
def test_an_invalid_date_is_shown_back_with_what_was_typed(client, missed_bin, gazetteer):
    start(client)
    choose_address(client)
    client.post(Q + "bin_type/", {"bin_type": missed_bin.form.by_id["bin_type"].options[0].value})
    client.post(Q + "bin_out/", {"bin_out": "yes"})
    response = client.post(
        Q + "collection_date/",
        {"collection_date-day": "31", "collection_date-month": "2", "collection_date-year": "2026"},
    )
    page = response.content.decode()
    assert "Enter a real date" in page
    assert 'value="31"' in page


@pytest.mark.django_db
def test_a_bin_not_put_out_leads_to_an_exit_page_and_no_case(client, missed_bin, gazetteer):
    start(client)
    choose_address(client)
    client.post(Q + "bin_type/", {"bin_type": missed_bin.form.by_id["bin_type"].options[0].value})
    response = client.post(Q + "bin_out/", {"bin_out": "no"})
    assert response["Location"] == START + "cannot-continue/bin_out/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert FormSession.objects.get().outcome == FormSession.Outcome.NOT_ELIGIBLE
    # Skipping ahead to check answers does not get round the exit.
    assert client.get(START + "check-answers/")["Location"] == START + "cannot-continue/bin_out/"
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_change_links_return_to_check_answers(client, missed_bin, gazetteer):
    answer_all(client, missed_bin)
    response = client.post(Q + "details/?change=1", {"details": "Changed my mind", "change": "1"})
    assert response["Location"] == START + "check-answers/"
    assert "Changed my mind" in client.get(START + "check-answers/").content.decode()


@pytest.mark.django_db
def test_questions_cannot_be_reached_without_starting(client, missed_bin, gazetteer):
    assert client.get(Q + "bin_type/")["Location"] == START
    assert client.get(START + "check-answers/")["Location"] == START
    assert client.get(START + "confirmation/")["Location"] == START


@pytest.mark.django_db
def test_unknown_services_and_questions_are_not_found(client, missed_bin, gazetteer):
    assert client.get("/services/no-such-service/").status_code == 404
    start(client)
    response = client.get(Q + "no_such_question/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_later_question_cannot_be_answered_before_earlier_ones(client, missed_bin, gazetteer):
    start(client)
    response = client.get(Q + "details/")
    assert response["Location"] == Q + "address/"


@pytest.mark.django_db
def test_every_online_service_start_page_renders(client, catalogue):
    for slug, service in catalogue.items():
        response = client.get(f"/services/{slug}/")
        if not service.is_online:  # councillors' enquiries, phone messages: never a start page
            assert response.status_code == 404, slug
            continue
        assert response.status_code == 200, slug
        assert service.name in response.content.decode()


@pytest.mark.django_db
def test_home_page_shows_categories_in_the_catalogue_order(client, catalogue):
    from borough.catalogue.models import Category

    page = client.get("/").content.decode()
    names = list(Category.objects.order_by("position").values_list("name", flat=True))
    positions = [page.index(f">{name}</a></h3>") for name in names]
    assert positions == sorted(positions)
