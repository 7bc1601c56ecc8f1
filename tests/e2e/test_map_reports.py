"""Reporting on a map (issue 25), in a real browser: a resident reports a pothole by dropping a pin
with the mouse; one neighbour follows the report's area by email, another follows an area by text
message from the free-standing page (a pin dropped with the mouse); residents on a phone and on a
desktop find the first report nearby and support it instead of reporting it again, and both
subscribers get the update; and a resident reports one by keyboard only with JavaScript off, by
postcode. Mouse pins, support and alerts happen at 1280px and at 375px; every new page is checked
with axe-core."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role
from borough.cases.models import Case, Supporter
from borough.cases.workflow import case_add_note
from borough.core.actors import StaffActor
from borough.notify.models import Message
from borough.places.tiles import render_tiles, world_pixel
from tests.factories import StaffFactory

START = "/services/report-pothole/"
ACACIA = (51.545260, -0.478690)  # a few metres from 2 Acacia Avenue


@pytest.fixture
def tiles(settings, tmp_path, gazetteer):
    settings.BOROUGH_MAP_TILE_DIR = tmp_path
    render_tiles(tmp_path, min_zoom=13, max_zoom=16)


def drop_pin_with_the_mouse(page, point) -> None:
    """Click the map where ``point`` is, worked out from the map's centre and zoom."""
    config = json.loads(page.locator("#app-map-config").text_content())
    canvas = page.locator("[data-map-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cx, cy = world_pixel(*config["centre"], config["zoom"])
    px, py = world_pixel(*point, config["zoom"])
    page.mouse.click(box["x"] + box["width"] / 2 + px - cx, box["y"] + box["height"] / 2 + py - cy)


def answer_the_pothole_questions(page) -> None:
    page.get_by_label("On the road").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Smaller than a dinner plate").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # depth: optional
    page.get_by_role("button", name="Continue").click()  # photo: optional
    page.get_by_role("button", name="Accept and send").click()


@pytest.mark.django_db(transaction=True)
def test_pin_report_nearby_support_and_an_alert(visit, live_server, catalogue, tiles, settings):
    settings.BOROUGH_NOTIFY_PROVIDER = "outbox"  # as through Notify: texts can be sent
    # 1. A pothole reported by dropping a pin with the mouse (desktop).
    first = visit(width=1280, csp_for_axe=True)
    page = first.page
    page.goto(f"{live_server.url}{START}")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", name="Or drop a pin on the map")).to_be_visible()
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    first.assert_accessible()
    drop_pin_with_the_mouse(page, ACACIA)
    expect(page.locator("[data-map-status]")).to_contain_text("Pin dropped")
    page.get_by_role("button", name="Continue with this place").click()
    expect(page.get_by_text("You dropped a pin on Acacia Avenue")).to_be_visible()
    expect(page.get_by_text("There are no open reports of this kind near here.")).to_be_visible()
    first.assert_accessible()
    page.get_by_role("button", name="Continue").click()
    answer_the_pothole_questions(page)
    reference = page.get_by_test_id("reference").inner_text()
    case = Case.objects.get(reference=reference)
    assert case.street_id == 20750001 and case.latitude is not None

    # 2. A neighbour on a phone follows reports within 500 metres, confirming by email.
    neighbour = visit(width=375, csp_for_axe=True)
    page = neighbour.page
    page.goto(f"{live_server.url}/reports/{reference}/")
    neighbour.assert_accessible()
    page.get_by_role("link", name="Get alerts about this report or reports near it").click()
    page.get_by_label("New reports and updates within 500 metres of this report").check()
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address").fill("nextdoor@example.com")
    page.get_by_role("button", name="Get alerts").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    neighbour.assert_accessible()
    body = Message.objects.get(template="alert_confirm", to="nextdoor@example.com").body
    page.goto(live_server.url + re.search(r"/alerts/confirm/\S+/", body).group(0))
    page.get_by_role("button", name="Start the emails").click()
    expect(page.get_by_role("heading", name="Your emails have started")).to_be_visible()

    # 2b. Another neighbour, at a desktop, follows an area by text message without a report:
    # a pin dropped with the mouse on the follow-an-area page, 200 metres around it.
    texter = visit(width=1280, csp_for_axe=True)
    page = texter.page
    page.goto(f"{live_server.url}/alerts/area/")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    texter.assert_accessible()
    drop_pin_with_the_mouse(page, ACACIA)
    expect(page.locator("[data-map-status]")).to_contain_text("Pin dropped")
    page.get_by_label("Within 200 metres").check()
    page.get_by_label("Text message").check()
    page.get_by_label("UK mobile number").fill("07700 900982")
    page.get_by_role("button", name="Follow this area").click()
    expect(page.get_by_role("heading", name="Check your phone")).to_be_visible()
    text = Message.objects.get(template="alert_confirm", to="+447700900982")
    page.goto(live_server.url + re.search(r"/alerts/confirm/\S+/", text.body).group(0))
    page.get_by_role("button", name="Start the text messages").click()
    expect(page.get_by_role("heading", name="Your text messages have started")).to_be_visible()

    # 3. Residents on a phone and at a desktop drop a pin nearby with the mouse, find the first
    # report and support it.
    for supporters, width in enumerate((375, 1280), start=1):
        third = visit(width=width, csp_for_axe=True)
        page = third.page
        page.goto(f"{live_server.url}{START}")
        page.get_by_role("button", name="Start now").click()
        drop_pin_with_the_mouse(page, ACACIA)
        page.get_by_role("button", name="Continue with this place").click()
        expect(page.get_by_role("heading", name="Reports nearby")).to_be_visible()
        expect(page.locator(".app-nearby .leaflet-interactive").first).to_be_attached()
        third.assert_accessible()
        page.get_by_role("button", name=f"This is my problem too ({reference})").click()
        expect(
            page.get_by_text(f"Thank you: we have added you to report {reference}")
        ).to_be_visible()
        third.assert_accessible()
        assert Supporter.objects.filter(case=case).count() == supporters
        assert third.console_errors == []
    assert Case.objects.count() == 1  # no duplicate

    # 4. The council updates the report: the subscribers are emailed (with a one-click
    # unsubscribe) and texted (with "Reply STOP" and a link).
    case_add_note(
        case=case,
        text="Inspected",
        public=True,
        actor=StaffActor(
            user=StaffFactory(membership__team=case.team, membership__role=Role.OFFICER)
        ),
    )
    update = Message.objects.get(template="alert_update", to="nextdoor@example.com")
    assert f"/reports/{reference}/" in update.body and "Stop these emails" in update.body
    text = Message.objects.get(template="alert_update", to="+447700900982")
    assert text.channel == "sms" and "Reply STOP" in text.body and "/alerts/stop/" in text.body
    assert first.console_errors == [] and texter.console_errors == []


def tab_to(page, selector: str) -> None:
    """Press Tab until ``selector`` has the focus."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def enter_to_send(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.django_db(transaction=True)
def test_a_pothole_by_keyboard_only_without_javascript(visit, live_server, catalogue, tiles):
    for width in (1280, 375):
        resident = visit(javascript=False, width=width)
        page = resident.page
        keys = page.keyboard

        page.goto(f"{live_server.url}{START}")
        tab_to(page, "button.govuk-button")
        enter_to_send(page)
        # No JavaScript: no map, the postcode route instead.
        expect(page.get_by_role("heading", name="Or drop a pin on the map")).to_be_hidden()
        tab_to(page, "#postcode")
        keys.type("UB8 1QA")
        enter_to_send(page)
        resident.assert_accessible()
        tab_to(page, "input[name=location][value='usrn:20750001']")
        keys.press("Space")
        tab_to(page, "textarea")
        keys.type("In the road outside number 2")
        tab_to(page, "button[type=submit]")
        enter_to_send(page)
        for selector in ("#where_on_street", "#size"):
            tab_to(page, selector)
            keys.press("Space")
            tab_to(page, "button[type=submit]")
            enter_to_send(page)
        for _optional in ("depth", "photo"):
            tab_to(page, "button[type=submit]")
            enter_to_send(page)
        tab_to(page, "button[type=submit]")
        enter_to_send(page)
        reference = page.get_by_test_id("reference").inner_text()
        case = Case.objects.get(reference=reference)
        assert case.street_id == 20750001
        assert case.location_description == "In the road outside number 2"
