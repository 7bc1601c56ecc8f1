"""Every page of the portal, the Resident Hub and the account pages passes axe-core's WCAG 2.2 AA
rules at desktop (1280px) and mobile (375px) widths, and nothing overflows sideways at 375px.
Portal and account pages are also checked once with JavaScript off at mobile width.

The list of pages is checked against the URL confs: a new named page in the portal, hub or
account URLs must be added to ``PAGES`` below (and so get checked) or to ``SKIP`` with a reason,
or ``test_every_named_page_is_checked_or_skipped`` fails.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from borough.accounts.models import Role, Team
from borough.cases.tracking import case_tracking_token
from borough.core.actors import ResidentActor, StaffActor, SystemActor
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory

# Named URL patterns that are not pages a person reads, with the reason.
SKIP = {
    # POST-only actions (they redirect back to a page that is checked).
    "hub:cases_bulk": "POST-only bulk change of the work queue",
    "hub:saved_view_save": "POST-only: saves a view of the work queue",
    "hub:saved_view_delete": "POST-only: deletes a saved view",
    "hub:case_action": "POST-only: every change to a case",
    "hub:process_retry": "POST-only: runs a failed process instance again",
    "hub:template_delete": "POST-only: deletes a response template",
    "hub:api_client_deactivate": "POST-only: deactivates an API client",
    "hub:resident_contact": "POST-only: records a contact with a resident",
    "hub:resident_language": "POST-only: sets the language we write to a resident in "
    "(redirects to hub:resident, which is checked)",
    "hub:webhook_active": "POST-only: pauses or resumes a webhook subscription",
    "hub:webhook_replay": "POST-only: sends a webhook delivery again",
    "hub:connector_route": "POST-only: routes a service to a connector (errors re-render "
    "hub:connectors, which is checked)",
    "hub:connector_active": "POST-only: turns a connector off or on",
    "hub:staff_set_up_link": "POST-only: emails a member of staff a set-up link",
    # Not walked here (namespace "integrations"): /integrations/inbound/<slug>/ is a JSON
    # endpoint for other systems, tested in tests/integrations/test_connectors.py.
    "portal:saved_form_delete": "POST-only: discards a saved form",
    "portal:language": "sets the language cookie and redirects back",
    "hub:payments_reconciliation_csv": "CSV download of the day's payments reconciliation",
    "hub:assist_payment_return": "GOV.UK Pay's return to an agent: needs a MOTO payment the "
    "browser's own agent took (its declined page is checked with axe-core at 375 and 1280 px "
    "in test_payments_staff)",
    "portal:payment_return": "GOV.UK Pay's return: needs a payment of the browser's own form "
    "(its declined page is checked with axe-core in test_payments)",
    "portal:chat_payment": "a chat's signed link to pay: redirects to check answers (checked)",
    "hub:logout": "old address of account_logout, kept for links",
    "hub:calls_my_phone": "POST-only: saves an agent's SIP address (errors re-render hub:calls)",
    "hub:call_take": "POST-only: takes a call (errors re-render hub:call, which is checked)",
    "hub:calls_callback_done": "POST-only: marks a call back made",
    "hub:routing_plan_export": "file download: the routing plan as YAML or JSON",
    "hub:routing_plan_import": "POST-only: imports a plan file (errors re-render "
    "hub:routing_plan, which is checked)",
    "hub:routing_queue_new": "POST-only: adds a call queue (errors re-render hub:routing_plan)",
    # File downloads.
    "hub:case_attachment": "file download: a resident's upload",
    "hub:case_event_file": "file download: a file attached to a case update",
    "portal:bin_days_calendar": "calendar file (.ics)",
    "portal:map_tile": "PNG map tile",
    "portal:brand_css": "stylesheet of the council's brand colour",
    "portal:brand_logo": "image: a logo an administrator uploaded (tests/core/test_branding.py)",
    "portal:report_support": "POST-only: this is my problem too (redirects to portal:report)",
    "portal:my_data": "JSON download of a resident's data",
    "mfa_download_recovery_codes": "text file download of recovery codes",
    # Pages reached only inside a sign-in or an emailed link with a real key.
    "account_confirm_login_code": "needs a login code in progress (login by code is off)",
    "mfa_authenticate": "needs a half-finished sign-in; checked in test_accounts",
    "mfa_activate_totp": "staff here already have an authenticator; checked in test_accounts",
    "account_mfa_enrol": "needs an emailed set-up link with a real token; checked in test_accounts",
    "mfa_reauthenticate": "needs a stale sign-in; same template as mfa_authenticate",
    "account_reauthenticate": "needs a stale sign-in; redirects otherwise",
    # allauth 65.22's confirming by an emailed code: off (ACCOUNT_REAUTHENTICATION_METHODS),
    # both refuse with 403 (tests/deploy/test_production_settings.py).
    "account_request_reauthentication_code": "off: reauthentication by code is not allowed",
    "account_confirm_reauthentication_code": "off: reauthentication by code is not allowed",
    "mfa_view_recovery_codes": "404 until recovery codes are generated (staff here have none)",
    "account_set_password": "only for users without a password; everyone here has one",
    # The resident assistant.
    "assistant:start": "POST-only: starts a chat and redirects to the chat page",
    "assistant:api_conversations": "JSON API (the widget's); the widget is on every page",
    "assistant:api_messages": "JSON API (the widget's); the widget is on every page",
    "hub:livechat_action": "POST-only: take, reply to, raise a request from or close a chat",
    # Information governance (issue 23).
    "hub:governance_ropa_csv": "CSV download of the record of processing activities",
    "hub:governance_hold_place": "POST-only: places a legal hold (errors re-render "
    "hub:governance_retention, which is checked)",
    "hub:governance_hold_release": "POST-only: releases a legal hold",
    "hub:governance_sar_extend": "POST-only: extends a subject access request's deadline",
    "hub:governance_sar_release": "POST-only: releases a subject access request",
    "hub:governance_sar_package": "zip download of a released subject access package",
    "hub:governance_sar_package_pdf": "PDF download of a released subject access package "
    "(its text is read in tests/governance/test_subject_access.py)",
    "hub:governance_right_extend": "POST-only: extends a rectification's or objection's "
    "deadline (errors re-render hub:governance_right, which is checked)",
    "hub:governance_right_posted": "POST-only: records that the outcome letter was posted",
    # GOV.UK Notify (issue 20): callbacks and the sandbox's API are for Notify's client, not
    # people; the sandbox's page is checked below.
    "notify:delivery_receipt": "POST-only: Notify's delivery receipts (a bearer token)",
    "notify:received_text": "POST-only: Notify's received text messages (a bearer token)",
    "notify:returned_letter": "POST-only: Notify's returned letters (a bearer token)",
    "notify:sandbox_api": "JSON API: the Notify sandbox answering Notify's client",
    "notify:sandbox_act": "POST-only: the sandbox prints or returns a letter or texts back "
    "(errors re-render notify:sandbox_index, checked in tests/e2e/test_notify.py)",
    "hub:homes_task_done": "POST-only: records a device's maintenance done (redirects to "
    "hub:homes_devices, which is checked)",
    "hub:inclusion_wipe": "POST-only: records a device's secure wipe (errors re-render "
    "hub:inclusion_devices, which is checked)",
    # The community directory (issue 26).
    "hub:directory_invite": "POST-only: makes a representative's invite link (a one-paragraph "
    "page with the link, from the checked hub:directory's buttons)",
    # Organisation accounts (issue 26).
    "portal:organisation_invite": "POST-only: emails an invitation (errors re-render "
    "portal:organisation, whose empty submit is checked)",
    "portal:organisation_member_remove": "POST-only: removes a member of an organisation",
}

POTHOLE = "/services/report-pothole/"
# A pin on Acacia Avenue in the test gazetteer.
PIN = {"latitude": "51.545260", "longitude": "-0.478690"}

RESIDENT, ANONYMOUS, OFFICER, AGENT, LEAD, ADMIN = (
    "resident",
    "anonymous",
    "officer",
    "agent",
    "team lead",
    "admin",
)


@dataclass
class Page:
    name: str  # the URL pattern's name
    person: str
    path: str
    portal: bool  # also checked with JavaScript off
    submit: str = ""  # a button to press with nothing filled in, to check the error state
    prepare: str = ""  # what to do in the browser's session first (see _prepare)


def named_patterns() -> set[str]:
    """Names of the URL patterns in the portal and hub namespaces and allauth's account URLs."""
    names: set[str] = set()

    def walk(patterns, namespace: str, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace, prefix + str(pattern.pattern), pattern.name

    for namespace, route, name in walk(get_resolver().url_patterns, "", ""):
        if namespace in {"portal", "hub", "assistant", "notify"}:
            names.add(f"{namespace}:{name}")
        elif route.startswith("account/") and name.startswith(("account_", "mfa_")):
            names.add(name)
    return names


def _pages(data: dict) -> list[Page]:
    case, slug = data["case"], data["slug"]
    d = data["directory"]
    i = data["inclusion"]
    token = case_tracking_token(case)
    mine = data["my_case"]
    start = f"/services/{slug}/"
    portal = [
        Page("portal:home", ANONYMOUS, "/", True),
        Page("portal:search", ANONYMOUS, "/search/?q=bin", True),
        # Issue 17: the urgent number banner and help pages among the results
        Page("portal:search", ANONYMOUS, "/search/?q=nowhere+to+sleep+tonight", True),
        Page("portal:category", ANONYMOUS, f"/topics/{data['category']}/", True),
        Page("portal:bin_days", ANONYMOUS, "/bin-days/?postcode=UB8+1QA", True),
        Page("portal:bin_days_at", ANONYMOUS, "/bin-days/100021500002/", True),
        Page("portal:start", ANONYMOUS, start, True),
        # Issue 19: the financial assessment's start page, and its letter in MyAccount.
        Page("portal:start", ANONYMOUS, "/services/care-financial-assessment/", True),
        Page(
            "portal:my_request",
            RESIDENT,
            f"/my-account/requests/{data['assessment_case'].reference}/",
            True,
        ),
        Page("portal:question", RESIDENT, f"{start}questions/bin_type/", True, prepare="form"),
        Page("portal:exit", RESIDENT, data["exit"], True, prepare="form"),
        Page("portal:check", RESIDENT, f"{start}check-answers/", True, prepare="form"),
        Page("portal:confirmation", RESIDENT, f"{start}confirmation/", True, prepare="send"),
        Page("portal:feedback", RESIDENT, f"{start}feedback/", True),
        Page("portal:saved", RESIDENT, f"{start}saved/", True, prepare="save"),
        Page("portal:my_account", RESIDENT, "/my-account/", True),
        Page("portal:my_details", RESIDENT, "/my-account/details/", True),
        Page(
            "portal:subscription_cancel",
            RESIDENT,
            f"/my-account/subscriptions/{data['agreement'].reference}/cancel/",
            True,
        ),
        Page(
            "portal:bulky_day",
            RESIDENT,
            "/services/book-bulky-waste-collection/collection-day/",
            True,
            "Continue to payment",
            prepare="bulky",
        ),
        Page(
            "portal:bulky_cancel",
            RESIDENT,
            f"/my-account/bulky-waste/{data['bulky_booking'].pk}/cancel/",
            True,
        ),
        Page("portal:my_address", RESIDENT, "/my-account/address/?postcode=UB8+1QB", True, "Save"),
        Page("portal:my_request", RESIDENT, f"/my-account/requests/{mine.reference}/", True),
        Page(
            "portal:my_request_action",
            RESIDENT,
            f"/my-account/requests/{mine.reference}/add-information/",
            True,
            "Send",
        ),
        Page("portal:track", ANONYMOUS, f"/track/{case.reference}/{token}/", True),
        Page(
            "portal:track_action",
            ANONYMOUS,
            f"/track/{case.reference}/{token}/add-information/",
            True,
            "Send",
        ),
        # Issue 25: the map page (a location question's postcode step), the page after a pin
        # with reports nearby, a public report, alerts and their emailed links.
        Page("portal:question", RESIDENT, POTHOLE + "questions/location/", True, prepare="map"),
        Page("portal:question", RESIDENT, POTHOLE + "questions/location/", True, prepare="pin"),
        Page("portal:report", ANONYMOUS, f"/reports/{data['pothole'].reference}/", True),
        Page(
            "portal:alert_new",
            ANONYMOUS,
            f"/reports/{data['pothole'].reference}/alerts/",
            True,
            "Get emails",
        ),
        Page("portal:alert_confirm", ANONYMOUS, f"/alerts/confirm/{data['alert_confirm']}/", True),
        Page("portal:alert_end", ANONYMOUS, f"/alerts/stop/{data['alert_end']}/", True),
        Page("portal:follow_area", ANONYMOUS, "/alerts/area/", True, "Follow this area"),
        Page("portal:performance", ANONYMOUS, "/performance/", True),
        Page("portal:accessibility", ANONYMOUS, "/accessibility/", True),
        Page("portal:cookies", ANONYMOUS, "/cookies/", True),
        Page("portal:privacy", ANONYMOUS, "/privacy/", True),
        Page("portal:help", ANONYMOUS, "/help/", True),
        # Sensors in council homes (issue 27): Ama's home has sensors and a damp alert.
        Page("portal:my_home", RESIDENT, "/my-account/your-home/", True, "Send"),
        Page("portal:privacy_home_sensors", ANONYMOUS, "/privacy/home-sensors/", True),
        Page("portal:help_page", ANONYMOUS, "/help/council-tax-bands/", True),
        Page("assistant:chat", RESIDENT, "/chat/", True, "Send", prepare="chat"),
        # The community directory (issue 26).
        Page(
            "portal:directory", ANONYMOUS, "/community-directory/?need=food&postcode=UB8+1QA", True
        ),
        Page("portal:directory", ANONYMOUS, "/community-directory/?postcode=ZZ9+9ZZ", True),
        Page(
            "portal:directory_service",
            ANONYMOUS,
            f"/community-directory/services/{d.parcels.pk}/",
            True,
        ),
        Page(
            "portal:directory_organisations",
            RESIDENT,
            "/community-directory/your-organisations/",
            True,
        ),
        Page(
            "portal:directory_propose",
            RESIDENT,
            f"/community-directory/your-organisations/{d.bank.pk}/propose/",
            True,
            "Send for checking",
        ),
        Page(
            "portal:directory_join", RESIDENT, f"/community-directory/join/{data['invite']}/", True
        ),
        # Organisation accounts and councillors (issue 26).
        Page(
            "portal:my_organisations",
            RESIDENT,
            "/my-account/organisations/",
            True,
            "Register organisation",
        ),
        Page(
            "portal:organisation",
            RESIDENT,
            f"/my-account/organisations/{data['organisation'].pk}/",
            True,
            "Send invitation",
        ),
        Page(
            "portal:organisation_join",
            RESIDENT,
            f"/organisations/join/{data['organisation_invite']}/",
            True,
        ),
        Page("portal:councillor", RESIDENT, "/councillor/", True),
        Page(
            "portal:councillor_enquiry_new",
            RESIDENT,
            "/councillor/enquiries/new/",
            True,
            "Raise the enquiry",
        ),
        Page(
            "portal:councillor_enquiry",
            RESIDENT,
            f"/councillor/enquiries/{data['enquiry'].reference}/",
            True,
        ),
        # Digital inclusion (issue 26): Ama has a laptop offered and a survey to answer, and is
        # also a member of a partner library (so the partner pages show).
        Page("portal:skills_sessions", ANONYMOUS, "/digital-skills/", True),
        Page("portal:session_book", RESIDENT, f"/digital-skills/{i['session'].pk}/book/", True),
        Page("portal:my_devices", RESIDENT, "/my-account/devices/", True),
        Page(
            "portal:loan_accept",
            RESIDENT,
            f"/my-account/devices/{i['loan'].pk}/accept/",
            True,
            "Accept and book",
        ),
        Page(
            "portal:loan_survey",
            RESIDENT,
            f"/my-account/devices/survey/{i['loan'].pk}/",
            True,
            "Send",
        ),
        Page("portal:partner_home", RESIDENT, "/digital-inclusion/partners/", True),
        Page(
            "portal:partner_nominate",
            RESIDENT,
            f"/digital-inclusion/partners/{i['partner'].pk}/nominate/",
            True,
            "Send the nomination",
        ),
        Page(
            "portal:partner_book",
            RESIDENT,
            f"/digital-inclusion/partners/nominations/{i['nomination'].pk}/book/",
            True,
            "Book",
        ),
    ]
    account = [
        Page("account_login", ANONYMOUS, "/account/login/", True, "Sign in"),
        Page("account_signup", ANONYMOUS, "/account/signup/", True),
        Page("account_reset_password", ANONYMOUS, "/account/password/reset/", True),
        Page("account_reset_password_done", ANONYMOUS, "/account/password/reset/done/", True),
        Page(
            "account_reset_password_from_key",
            ANONYMOUS,
            "/account/password/reset/key/1-not-a-key/",
            True,
        ),
        Page(
            "account_reset_password_from_key_done",
            ANONYMOUS,
            "/account/password/reset/key/done/",
            True,
        ),
        Page("account_confirm_email", ANONYMOUS, "/account/confirm-email/not-a-key/", True),
        Page("account_email_verification_sent", ANONYMOUS, "/account/confirm-email/", True),
        Page("account_inactive", ANONYMOUS, "/account/inactive/", True),
        Page("account_request_login_code", ANONYMOUS, "/account/login/code/", True),
        Page("account_email", RESIDENT, "/account/email/", True),
        Page("account_change_password", RESIDENT, "/account/password/change/", True),
        Page("account_logout", RESIDENT, "/account/logout/", True),
        Page("mfa_index", OFFICER, "/account/2fa/", True),
        Page("mfa_deactivate_totp", OFFICER, "/account/2fa/totp/deactivate/", True),
        Page("mfa_generate_recovery_codes", OFFICER, "/account/2fa/recovery-codes/generate/", True),
        Page(
            "account_mfa_enrolment_needed",
            OFFICER,
            "/account/2fa/ask-for-a-set-up-link/",
            True,
        ),
        Page("hub:login", ANONYMOUS, "/hub/sign-in/", True),
    ]
    hub = [
        Page("hub:cases", OFFICER, "/hub/", False),
        Page("hub:saved_view_edit", OFFICER, f"/hub/views/{data['view'].pk}/", False),
        Page("hub:dashboard", LEAD, "/hub/dashboard/", False),
        Page("hub:case", OFFICER, f"/hub/cases/{case.reference}/", False),
        Page("hub:outbox", LEAD, "/hub/outbox/", False),
        Page("hub:outbox_message", LEAD, f"/hub/outbox/{data['message'].pk}/", False),
        Page("hub:outbox_texts", LEAD, "/hub/outbox/texts/", False),
        Page("notify:sandbox_index", ANONYMOUS, "/sandbox/notify/", True),
        Page("hub:templates", LEAD, "/hub/templates/", False),
        Page("hub:template_create", LEAD, "/hub/templates/new/", False, "Save template"),
        Page("hub:template_edit", LEAD, f"/hub/templates/{data['template'].pk}/", False),
        Page("hub:api_clients", ADMIN, "/hub/api-clients/", False),
        Page("hub:api_client_new", ADMIN, "/hub/api-clients/new/", False),
        Page("hub:webhooks", ADMIN, "/hub/webhooks/", False),
        Page("hub:branding", ADMIN, "/hub/branding/", False),
        Page("hub:webhook_new", ADMIN, "/hub/webhooks/new/", False, "Add the subscription"),
        Page("hub:webhook", ADMIN, f"/hub/webhooks/{data['subscription'].pk}/", False),
        Page("hub:connectors", ADMIN, "/hub/connectors/", False, "Save where cases go"),
        Page("hub:connector_new", ADMIN, "/hub/connectors/new/", False, "Add the connector"),
        Page("hub:connector", ADMIN, f"/hub/connectors/{data['connector'].pk}/", False),
        Page("hub:staff_sign_in", ADMIN, "/hub/staff-sign-in/", False),
        Page("hub:insights", LEAD, "/hub/insights/", False),
        Page("hub:processes", LEAD, "/hub/processes/", False),
        Page("hub:process", LEAD, "/hub/processes/missed-bin/", False),
        Page("hub:decision", ADMIN, "/hub/processes/decisions/missed_bin_outcome/", False),
        Page("hub:process_task", ADMIN, f"/hub/processes/tasks/{data['process_task'].pk}/", False),
        Page("hub:insights_service", LEAD, f"/hub/insights/services/{slug}/", False),
        Page("hub:insights_channel", LEAD, "/hub/insights/channels/web/", False),
        Page("hub:payments_reconciliation", ADMIN, "/hub/payments/reconciliation/", False),
        Page("hub:permit_lookup", ADMIN, "/hub/parking-permits/?vrm=AB12CDE", False),
        Page("hub:resident", AGENT, f"/hub/residents/{data['resident'].pk}/", False),
        Page("hub:resident_access", ADMIN, f"/hub/residents/{data['resident'].pk}/access/", False),
        Page(
            "hub:resident_search",
            AGENT,
            f"/hub/residents/?q={data['resident'].last_name}",
            False,
        ),
        Page(
            "hub:assist_start",
            AGENT,
            f"/hub/residents/{data['resident'].pk}/requests/new/",
            False,
            "Start",
        ),
        Page("hub:assist_question", AGENT, data["assist_question"], False),
        Page("hub:assist_exit", AGENT, data["assist_exit"], False),
        Page("hub:assist_check", AGENT, data["assist_check"], False),
        # The single view (the data team's pages; admins may use them too).
        Page("hub:singleview_search", ADMIN, "/hub/single-view/?name=owusu", False),
        Page("hub:singleview_person", ADMIN, "/hub/single-view/people/PER000000001/", False),
        Page(
            "hub:singleview_household",
            ADMIN,
            "/hub/single-view/households/HH-100021500001/",
            False,
        ),
        Page("hub:singleview_review", ADMIN, "/hub/single-view/review/", False),
        Page(
            "hub:singleview_review_pair",
            ADMIN,
            f"/hub/single-view/review/{data['review_pair'].pk}/",
            False,
            "Save decision",
        ),
        Page("hub:singleview_quality", ADMIN, "/hub/single-view/data-quality/", False),
        # Information governance (admins may use it, as the complaints and information team).
        Page("hub:governance", ADMIN, "/hub/governance/", False),
        Page(
            "hub:governance_asset_new",
            ADMIN,
            "/hub/governance/register/new/",
            False,
            "Save in the register",
        ),
        Page(
            "hub:governance_asset",
            ADMIN,
            f"/hub/governance/register/own:{data['asset'].pk}/",
            False,
        ),
        Page(
            "hub:governance_asset_edit",
            ADMIN,
            f"/hub/governance/register/{data['asset'].pk}/edit/",
            False,
        ),
        Page("hub:governance_ropa", ADMIN, "/hub/governance/record-of-processing/", False),
        Page(
            "hub:governance_retention", ADMIN, "/hub/governance/retention/", False, "Place the hold"
        ),
        Page("hub:governance_sars", ADMIN, "/hub/governance/requests/", False),
        Page("hub:governance_erasure", ADMIN, "/hub/governance/erasure/", False, "Erase the data"),
        Page("hub:governance_breaches", ADMIN, "/hub/governance/breaches/", False),
        Page("hub:governance_dpias", ADMIN, "/hub/governance/dpias/", False),
        Page(
            "hub:governance_dpia_new", ADMIN, "/hub/governance/dpias/new/", False, "Save the DPIA"
        ),
        Page("hub:governance_dpia", ADMIN, f"/hub/governance/dpias/{data['dpia'].pk}/", False),
        Page(
            "hub:governance_breach_new",
            ADMIN,
            "/hub/governance/breaches/new/",
            False,
            "Log the breach",
        ),
        Page(
            "hub:governance_breach",
            ADMIN,
            f"/hub/governance/breaches/{data['breach'].pk}/",
            False,
            "Record the report",
        ),
        Page(
            "hub:governance_sar_new",
            ADMIN,
            "/hub/governance/requests/new/",
            False,
            "Log the request",
        ),
        Page("hub:governance_sar", ADMIN, f"/hub/governance/requests/{data['sar'].pk}/", False),
        # Rectification and objection (issue 23, point 4): the list with a correction waiting
        # for its source system, both forms, a request to decide and a decided one whose
        # outcome letter is waiting to be posted.
        Page("hub:governance_rights", ADMIN, "/hub/governance/rights/", False),
        Page(
            "hub:governance_right_new",
            ADMIN,
            "/hub/governance/rights/new/rectification/",
            False,
            "Log the request",
        ),
        Page(
            "hub:governance_right_new",
            ADMIN,
            "/hub/governance/rights/new/objection/",
            False,
            "Log the request",
        ),
        Page(
            "hub:governance_right",
            ADMIN,
            f"/hub/governance/rights/{data['rectification'].pk}/",
            False,
            "Decide and tell the person",
        ),
        Page(
            "hub:governance_right", ADMIN, f"/hub/governance/rights/{data['objection'].pk}/", False
        ),
        Page("hub:inclusion", ADMIN, "/hub/inclusion/", False),
        Page(
            "hub:inclusion_nomination",
            ADMIN,
            f"/hub/inclusion/nominations/{data['inclusion']['nomination'].pk}/",
            False,
            "Record the return",
        ),
        Page("hub:inclusion_devices", ADMIN, "/hub/inclusion/devices/", False),
        Page(
            "hub:inclusion_resident",
            ADMIN,
            f"/hub/inclusion/residents/{data['resident'].pk}/",
            False,
            "Nominate",
        ),
        Page("hub:inclusion_sessions", ADMIN, "/hub/inclusion/sessions/", False, "Add the session"),
        Page(
            "hub:inclusion_session",
            ADMIN,
            f"/hub/inclusion/sessions/{data['inclusion']['session'].pk}/",
            False,
        ),
        Page("hub:homes", ADMIN, "/hub/homes/", False),
        Page("hub:homes_home", ADMIN, f"/hub/homes/properties/{data['home']}/?days=7", False),
        Page("hub:homes_devices", ADMIN, "/hub/homes/devices/", False),
        Page("hub:homes_rules", ADMIN, "/hub/homes/rules/", False),
        Page("hub:livechat", AGENT, "/hub/live-chat/", False),
        Page("hub:calls", AGENT, "/hub/calls/", False),
        Page("hub:call", AGENT, f"/hub/calls/{data['call'].pk}/", False),
        Page("hub:calls_callbacks", AGENT, "/hub/calls/callbacks/", False),
        Page("hub:calls_wallboard", AGENT, "/hub/calls/wallboard/", False),
        Page("hub:routing_plan", ADMIN, "/hub/routing-plan/", False),
        Page("hub:routing_line_new", ADMIN, "/hub/routing-plan/lines/new/", False, "Save the line"),
        Page("hub:routing_line", ADMIN, "/hub/routing-plan/lines/repairs/", False),
        Page("hub:directory", ADMIN, "/hub/directory/", False),
        Page("hub:organisation_search", AGENT, "/hub/organisations/?q=corner", False),
        Page("hub:organisation", AGENT, f"/hub/organisations/{data['organisation'].pk}/", False),
        Page(
            "hub:directory_proposal",
            ADMIN,
            f"/hub/directory/proposals/{data['proposal'].pk}/",
            False,
            "Save decision",
        ),
        Page(
            "hub:livechat_chat",
            AGENT,
            f"/hub/live-chat/{data['chat'].pk}/",
            False,
            "Send reply",
        ),
    ]
    return portal + account + hub


LISTED = {
    "portal:report", "portal:alert_new", "portal:alert_confirm", "portal:alert_end",
    "portal:follow_area", "hub:branding",
    "portal:home", "portal:search", "portal:category", "portal:bin_days", "portal:bin_days_at",
    "portal:start", "portal:question", "portal:exit", "portal:saved", "portal:check",
    "portal:confirmation", "portal:feedback", "portal:my_account", "portal:my_details",
    "portal:subscription_cancel", "hub:payments_reconciliation",
    "portal:bulky_day", "portal:bulky_cancel",
    "portal:my_address",
    "portal:my_request", "portal:my_request_action", "portal:track", "portal:track_action",
    "portal:performance", "portal:accessibility", "portal:cookies", "portal:privacy",
    "portal:help", "portal:help_page",
    "account_login", "account_signup", "account_reset_password", "account_reset_password_done",
    "account_reset_password_from_key", "account_reset_password_from_key_done",
    "account_confirm_email", "account_email_verification_sent", "account_inactive",
    "account_request_login_code", "account_email", "account_change_password", "account_logout",
    "mfa_index", "mfa_deactivate_totp", "mfa_generate_recovery_codes",
    "account_mfa_enrolment_needed", "hub:staff_sign_in",
    "hub:login", "hub:cases", "hub:saved_view_edit", "hub:dashboard", "hub:case", "hub:outbox",
    "hub:outbox_message", "hub:templates", "hub:template_create", "hub:template_edit",
    "hub:outbox_texts", "notify:sandbox_index",
    "hub:api_clients", "hub:api_client_new", "hub:webhooks", "hub:webhook_new", "hub:webhook",
    "hub:connectors", "hub:connector_new", "hub:connector", "hub:insights", "hub:insights_service",
    "hub:insights_channel", "hub:resident", "hub:resident_search", "hub:assist_start",
    "hub:assist_question", "hub:resident_access", "hub:assist_exit", "hub:assist_check",
    "assistant:chat", "hub:livechat",
    "hub:livechat_chat",
    "hub:calls", "hub:call", "hub:calls_callbacks", "hub:calls_wallboard", "hub:routing_plan",
    "hub:routing_line_new", "hub:routing_line",
    "hub:singleview_search", "hub:singleview_person", "hub:singleview_household",
    "hub:singleview_review", "hub:singleview_review_pair", "hub:singleview_quality",
    "hub:governance", "hub:governance_asset_new", "hub:governance_asset",
    "hub:governance_asset_edit", "hub:governance_ropa", "hub:governance_retention",
    "hub:governance_sars", "hub:governance_sar_new", "hub:governance_sar",
    "hub:governance_erasure", "hub:governance_breaches", "hub:governance_breach_new",
    "hub:governance_breach", "hub:governance_dpias", "hub:governance_dpia_new",
    "hub:governance_dpia", "hub:governance_rights", "hub:governance_right_new",
    "hub:governance_right",
    "portal:my_home", "portal:privacy_home_sensors", "hub:homes", "hub:homes_home",
    "hub:homes_devices", "hub:homes_rules",
    "hub:processes", "hub:process", "hub:decision", "hub:process_task",
    "hub:permit_lookup",
    "portal:directory", "portal:directory_service", "portal:directory_organisations",
    "portal:directory_propose", "portal:directory_join", "hub:directory", "hub:directory_proposal",
    "portal:my_organisations", "portal:organisation", "portal:organisation_join",
    "portal:councillor", "portal:councillor_enquiry_new", "portal:councillor_enquiry",
    "hub:organisation_search", "hub:organisation",
    "portal:skills_sessions", "portal:session_book", "portal:my_devices", "portal:loan_accept",
    "portal:loan_survey", "portal:partner_home", "portal:partner_nominate", "portal:partner_book",
    "hub:inclusion", "hub:inclusion_nomination", "hub:inclusion_devices",
    "hub:inclusion_resident", "hub:inclusion_sessions", "hub:inclusion_session",
}  # fmt: skip


def test_every_named_page_is_checked_or_skipped():
    names = named_patterns()
    assert names - LISTED - set(SKIP) == set(), "add these pages to PAGES (or SKIP, with a reason)"
    assert LISTED & set(SKIP) == set()
    assert (LISTED | set(SKIP)) - names == set(), "these pages no longer exist"


ROUNDS = "USRN,STREAM,WEEKDAY,EVERY_WEEKS,FIRST_DATE\n20750001,general,Monday,2,2026-03-02\n"


def _missed_bin_to_check(client: Client, service, *, exit_too: bool = False) -> str:
    """Answer the missed-bin questions with the test client; returns the exit page's path."""
    start = f"/services/{service.slug}/"
    q = start + "questions/"
    client.post(start)
    client.post(q + "address/", {"step": "postcode", "postcode": "ub8 1qa"})
    client.post(q + "address/", {"step": "answer", "address": "100021500002"})
    client.post(q + "bin_type/", {"bin_type": service.form.by_id["bin_type"].options[0].value})
    exit_path = client.post(q + "bin_out/", {"bin_out": "no"})["Location"]
    client.post(q + "bin_out/", {"bin_out": "yes"})
    today = dt.date.today()
    client.post(
        q + "collection_date/",
        {
            "collection_date-day": today.day,
            "collection_date-month": today.month,
            "collection_date-year": today.year,
        },
    )
    client.post(q + "details/", {"details": "Missed again"})
    return exit_path


def _assist(client: Client, resident, service) -> tuple[str, str, str]:
    """An agent starts a request for a resident; returns (question, exit, check) paths."""
    response = client.post(
        f"/hub/residents/{resident.pk}/requests/new/",
        {"service": service.slug, "channel": "phone"},
    )
    first = response["Location"]  # .../requests/<token>/address/
    base = first.rsplit("/", 2)[0] + "/"
    client.post(first, {"step": "postcode", "postcode": "ub8 1qa"})
    client.post(first, {"step": "answer", "address": "100021500002"})
    client.post(base + "bin_type/", {"bin_type": service.form.by_id["bin_type"].options[0].value})
    exit_path = client.post(base + "bin_out/", {"bin_out": "no"})["Location"]
    client.post(base + "bin_out/", {"bin_out": "yes"})
    today = dt.date.today()
    client.post(
        base + "collection_date/",
        {
            "collection_date-day": today.day,
            "collection_date-month": today.month,
            "collection_date-year": today.year,
        },
    )
    check = client.post(base + "details/", {"details": "Missed again"})["Location"]
    return base + "bin_type/", exit_path, check


@pytest.fixture
def every_page(make_case, missed_bin, catalogue, staff_login, tmp_path):
    from borough.assistant.services import conversation_post, conversation_start
    from borough.cases.response_templates import response_template_save
    from borough.hub.services import saved_view_create
    from borough.notify.models import Message
    from borough.people.models import Household
    from borough.places.importer import import_collection_rounds
    from borough.places.models import Property
    from borough.singleview.models import ReviewPair
    from borough.singleview.services import linkage_import
    from tests.singleview.linkage_files import make_linkage_file

    linkage_import(actor=SystemActor("tests"), path=make_linkage_file(tmp_path / "people.duckdb"))
    import_collection_rounds(io.StringIO(ROUNDS))
    waste = Team.objects.get(slug="waste")
    user = ResidentUserFactory(email="ama@example.com")
    household = Household.objects.create(property=Property.objects.get(uprn=100021500001))
    ama = ResidentFactory(first_name="Ama", email="ama@example.com", user=user, household=household)
    people = {
        RESIDENT: user,
        ANONYMOUS: None,
        OFFICER: StaffFactory(membership__team=waste, membership__role=Role.OFFICER),
        AGENT: StaffFactory(
            membership__team=Team.objects.get(slug="customer-experience"),
            membership__role=Role.AGENT,
        ),
        LEAD: StaffFactory(membership__team=waste, membership__role=Role.TEAM_LEAD),
        ADMIN: StaffFactory(membership__team=waste, membership__role=Role.ADMIN),
    }
    case = make_case()
    my_case = make_case(resident=ama)
    lead = people[LEAD]
    agent_client = Client()
    staff_login(agent_client, people[AGENT])
    assist_question, assist_exit, assist_check = _assist(agent_client, ama, missed_bin)
    resident = ResidentActor(resident=ama, user=user)
    chat = conversation_start(actor=resident)
    conversation_post(conversation=chat, text="Report fly-tipping", actor=resident)
    conversation_post(conversation=chat, text="Can I talk to a person?", actor=resident)
    data = {
        "case": case,
        "my_case": my_case,
        "slug": missed_bin.slug,
        "service": missed_bin,
        "exit": _missed_bin_to_check(Client(), missed_bin),
        "category": missed_bin.category.slug,
        "resident": ama,
        "view": saved_view_create(
            actor=StaffActor(people[OFFICER]), name="Mine", query="assigned=me"
        ),
        "template": response_template_save(
            actor=StaffActor(lead),
            team=waste,
            title="Bin on its way",
            body="We will collect it today.",
        ),
        "message": Message.objects.filter(case=my_case).first() or Message.objects.first(),
        "assist_question": assist_question,
        "assist_exit": assist_exit,
        "assist_check": assist_check,
        "agent_client": agent_client,
        "review_pair": ReviewPair.objects.order_by("-match_probability").first(),
        "chat": chat,
    }
    data.update(_map_reports(catalogue["report-pothole"]))
    data["agreement"] = _subscription(user, catalogue)
    data.update(_integrations(people[ADMIN], case))
    data.update(_governance(people[ADMIN], ama))
    _notify(ama, my_case)
    data.update(_homes(ama))
    data.update(_processes(make_case, ama))
    data.update(_bulky(user, catalogue))
    data.update(_directory(people[ADMIN], user))
    data.update(_organisations(user, catalogue))
    data["inclusion"] = _inclusion(people[ADMIN], ama, user)
    data["call"] = _calls(ama)
    return people, data


def _calls(ama):
    """A routing plan of one line (issue 21); Ama calls it, the assistant notices a sign, she
    asks for a person and books a call back."""
    from django.utils import timezone

    from borough.telephony import services
    from borough.telephony.models import CallQueue, Line, PhoneNumber

    queue = CallQueue.objects.create(slug="repairs", name="Repairs")
    line = Line.objects.create(
        slug="repairs",
        name="Housing repairs",
        greeting="Housing repairs.",
        opening_hours={"mon": ["08:00-18:00"]},
        queue=queue,
        record_calls=True,
        teams_queue_uri="sip:repairs-cq@council.example",
    )
    PhoneNumber.objects.create(number="+441632960100", line=line)
    ama.phone = "+447700900555"
    ama.save()
    routing = services.route_call(dialled="+441632960100", caller=ama.phone)
    call = services.call_started(
        dialled="+441632960100", caller=ama.phone, channel="sip", routing=routing
    )
    services.call_turn(call, speaker="assistant", text="Housing repairs. How can I help?")
    services.call_turn(call, speaker="caller", text="My heating is off and I live alone")
    services.call_signs(call, signs=["lives alone"], urgent=False)
    services.call_wants_person(call, reason="Heating repair")
    services.book_callback(
        services.call_started(
            dialled="+441632960100", caller=ama.phone, channel="sip", routing=routing
        ),
        when=timezone.now(),
        number=ama.phone,
    )
    return call


def _inclusion(admin, ama, user) -> dict:
    """Ama nominated by a library she is a member of, approved and offered a laptop, with a
    survey to answer; a session ahead with her booked; a returned tablet waiting for its wipe."""
    from django.utils import timezone

    from borough.inclusion import services
    from borough.inclusion import sessions as skills
    from borough.inclusion.models import Device, Partner, SkillsSession, Survey
    from borough.inclusion.rules import default_rules_ensure

    rules = default_rules_ensure()
    partner = Partner.objects.create(name="Central Library", kind=Partner.Kind.LIBRARY)
    partner.members.add(user)
    officer = StaffActor(admin)
    nomination = services.nominate(
        actor=ResidentActor(user=user),
        resident=ama,
        partner=partner,
        kind_wanted="laptop",
        reason="Needs to apply for jobs online",
        rule_ids=[rules["lives-in-borough"].pk, rules["job-seeking"].pk],
        consent=True,
    )
    services.decide(
        actor=officer,
        nomination=nomination,
        approve=True,
        reason="Meets the rules",
        rule_ids=[rules["lives-in-borough"].pk, rules["job-seeking"].pk],
    )
    laptop = Device.objects.create(kind="laptop", serial_number="LP-001", model_name="Lenovo 100e")
    Device.objects.create(
        kind="tablet", serial_number="TB-001", model_name="Galaxy Tab A9", status="awaiting_wipe"
    )
    loan = services.offer(actor=officer, nomination=nomination, device=laptop)
    Survey.objects.create(loan=loan, sent_at=timezone.now())
    start = timezone.now() + dt.timedelta(days=3)
    session = SkillsSession.objects.create(
        title="Getting started online",
        venue="Central Library",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=8,
    )
    skills.book(actor=officer, session=session, resident=ama, channel="phone")
    return {"partner": partner, "nomination": nomination, "loan": loan, "session": session}


def _map_reports(pothole) -> dict:
    """A public pothole report with a pin, and an alert's emailed links (issue 25)."""
    from borough.cases.alerts import alert_start, alert_token
    from borough.cases.create import case_create

    report = case_create(
        actor=ResidentActor(),
        service=pothole,
        answers={
            "location": {"usrn": 20750001, "description": "", **PIN},
            "where_on_street": "road",
            "size": "small",
        },
        channel="web",
    )
    alert = alert_start(
        actor=ResidentActor(), kind="report", email="follow@example.com", case=report
    )
    return {
        "pothole": report,
        "alert_confirm": alert_token(alert, "confirm"),
        "alert_end": alert_token(alert, "end"),
    }


def _subscription(user, catalogue):
    """A garden waste subscription of the resident's that renews each year (issue 20)."""
    from borough.payments.models import Agreement

    return Agreement.objects.create(
        reference="AGR-EVERYPAGE",
        pay_id="a" * 26,
        service=catalogue["subscribe-to-garden-waste"],
        user=user,
        description="Subscribe to garden waste collection",
        amount_pence=13000,
        state="active",
        renews_on=dt.date.today() + dt.timedelta(days=200),
    )


def _notify(resident, case) -> None:
    """A text the resident sent back, one from an unknown number, and a text and a letter in
    the Notify sandbox (so its page shows its forms)."""
    import uuid

    from django.utils import timezone

    from borough.notify.models import ReceivedText, SandboxNotification

    for number, words, on_case in (
        ("447700900982", "The bin is still out", case),
        ("447700900111", "Who is this?", None),
    ):
        ReceivedText.objects.create(
            notify_id=str(uuid.uuid4()),
            source_number=number,
            message=words,
            received_at=timezone.now(),
            case=on_case,
            resident=resident if on_case else None,
        )
    for kind, to, status in (
        ("sms", "07700 900982", "delivered"),
        ("letter", "1 Acacia Avenue, Uxbridge, UB8 1QA", "accepted"),
    ):
        SandboxNotification.objects.create(
            type=kind,
            to=to,
            status=status,
            request={"template_id": str(uuid.uuid4())},
            body=f"{case.reference}: we have your request",
            created_at=timezone.now(),
        )


def _homes(resident) -> dict:
    """Sensors in ``resident``'s home, 80 hours of damp readings ingested: a case is open."""
    import time

    from django.utils import timezone

    from borough.homes import simulator
    from borough.homes.ingest import Ingestor
    from borough.homes.management.commands.homes_simulate import register
    from borough.homes.pipeline import ingest_and_evaluate
    from borough.homes.telemetry import FloodGuard

    uprn = resident.household.property_id
    sim = simulator.homes([uprn], damp=1, boilers=0, silent=0)
    register(sim)
    raw = [
        (t, p, time.monotonic()) for t, p in simulator.history(sim, now=timezone.now(), hours=80)
    ]
    ingest_and_evaluate(Ingestor(FloodGuard(limit=10**6)), raw)
    return {"home": uprn}


def _processes(make_case, resident) -> dict:
    """The shipped processes, a missed bin run through, an assessment waiting for a check, and
    the resident's own assessment with its letter."""
    from borough.processes.models import ProcessStep
    from borough.processes.services import start_financial_assessment, start_process
    from borough.processes.shipped import load_shipped

    load_shipped()
    start_process(key="missed-bin", case=make_case(), actor=SystemActor("tests"))
    start_financial_assessment(
        case=make_case(),
        actor=SystemActor("tests"),
        answers={
            "weekly_income_pence": 30_000,
            "capital_pence": 100_000,
            "care_cost_pence": 20_000,
            "owns_property": True,
        },
    )
    assessment_case = make_case(resident=resident)
    start_financial_assessment(
        case=assessment_case,
        actor=SystemActor("tests"),
        answers={"weekly_income_pence": 30_000, "capital_pence": 0, "care_cost_pence": 20_000},
    )
    return {
        "process_task": ProcessStep.objects.get(step_id="officer_check"),
        "assessment_case": assessment_case,
    }


def _bulky(user, catalogue) -> dict:
    """Collection days in the resident's ward and a paid booking of theirs (processes loaded
    by ``_processes``), for the day choice and cancel pages."""
    from borough.cases.create import case_create
    from borough.payments.models import Payment
    from borough.places.models import Ward
    from borough.processes.models import BulkyBooking, BulkySlot

    ward = Ward.objects.get(code="E05900001")
    slot = BulkySlot.objects.create(
        date=dt.date.today() + dt.timedelta(days=9), ward=ward, capacity=5, booked=1
    )
    BulkySlot.objects.create(date=slot.date + dt.timedelta(days=7), ward=ward, capacity=5)
    service = catalogue["book-bulky-waste-collection"]
    case = case_create(
        actor=ResidentActor(),
        service=service,
        channel="web",
        answers={
            "address": 100021500002,
            "item_count": 2,
            "item_types": ["furniture"],
            "item_list": "1 sofa, 1 table",
            "preferred_date": slot.date.isoformat(),
            "email": "ama@example.com",
        },
    )
    Payment.objects.create(
        service=service,
        form_token="everypage-bulky",
        user=user,
        amount_pence=2000,
        reference="PAY-EVERYPAGE",
        description=service.name,
        pay_id="b" * 26,
        state="success",
        case=case,
    )
    booking = BulkyBooking.objects.create(
        slot=slot,
        form_token="everypage-bulky",
        case=case,
        state="booked",
        held_until=dt.datetime.now(dt.UTC),
    )
    return {"bulky_booking": booking}


def _directory(admin, resident_user) -> dict:
    """The test directory, the resident as the food bank's representative with a change sent,
    and an invite link to the other organisation."""
    from borough.directory.services import invite_token, proposal_create
    from tests.directory.world import build_directory

    d = build_directory()
    d.bank.representatives.add(resident_user)
    change = {
        "name": "Emergency food parcels",
        "description": "Four days of food.",
        "url": "https://foodbank.example/parcels",
        "days": ["MO", "FR"],
        "opens_at": "10:00",
        "closes_at": "13:00",
        "needs": ["food"],
        "location": str(d.near.pk),
    }
    proposal = proposal_create(ResidentActor(user=resident_user), d.bank, change, service=d.parcels)
    return {
        "directory": d,
        "proposal": proposal,
        "invite": invite_token(StaffActor(admin), d.advice),
    }


def _organisations(resident_user, catalogue) -> dict:
    """The resident owns Corner Cafe, which asked for trade waste, with an invitation out; and
    is a councillor for Ashgrove with an enquiry raised (issue 26)."""
    from django.utils import timezone

    from borough.accounts.models import Membership
    from borough.accounts.organisations import invite_create, organisation_create
    from borough.cases.create import case_create
    from borough.cases.enquiries import enquiry_raise
    from borough.places.models import Ward, WardCouncillor

    actor = ResidentActor(user=resident_user)
    cafe = organisation_create(actor, name="Corner Cafe", kind="business")
    case_create(
        actor=actor,
        service=catalogue["trade-waste-collection"],
        answers={
            "address": 100021500001,
            "waste_type": "general",
            "frequency": "weekly",
            "bins": 2,
        },
        channel="web",
        organisation=cafe,
    )
    _, token = invite_create(actor, cafe, email="new@cafe.example", role="member")
    councillors, _ = Team.objects.get_or_create(
        slug="councillors", defaults={"name": "Councillors"}
    )
    Membership.objects.create(user=resident_user, team=councillors, role=Role.COUNCILLOR)
    ward = Ward.objects.get(name="Ashgrove")
    WardCouncillor.objects.create(ward=ward, user=resident_user)
    today = timezone.localdate()
    enquiry = enquiry_raise(
        actor,
        {
            "first_name": "Kofi",
            "last_name": "Mensah",
            "ward": str(ward.pk),
            "consent_method": "in_person",
            "consent_day": str(today.day),
            "consent_month": str(today.month),
            "consent_year": str(today.year),
            "subject": "Overgrown hedge on Acacia Avenue",
            "details": "The hedge blocks the pavement for wheelchair users.",
        },
    )
    return {"organisation": cafe, "organisation_invite": token, "enquiry": enquiry}


def _governance(admin, resident) -> dict:
    """A council entry in the register and a subject access request about ``resident``."""
    from django.utils import timezone

    from borough.governance.breaches import breach_log
    from borough.governance.dpias import dpia_save
    from borough.governance.requests import sar_log
    from borough.governance.rights import rights_decide, rights_log
    from borough.governance.services import asset_save
    from borough.singleview.models import SourceCorrection

    actor = StaffActor(admin)
    asset = asset_save(
        actor=actor,
        data={
            "name": "Housing benefit system",
            "owner": "Head of Revenues",
            "purpose": "Assessing housing benefit",
            "lawful_basis": "legal_obligation",
            "special_category": "yes",
            "article9_condition": "substantial_public_interest",
            "data_categories": "Names, income, health",
            "people_categories": "Claimants",
            "where_held": "On premises",
            "retention": "6 years",
            "security_measures": "Role-based access",
            "dpia_status": "done",
        },
    )
    sar = sar_log(
        actor=actor,
        resident_id=str(resident.pk),
        requester_name=resident.full_name,
        received_on=dt.date.today(),
    )
    breach = breach_log(
        actor=actor,
        title="Lost laptop",
        description="Left on a train",
        discovered_at=timezone.now(),
        risk="risk",
        systems=[],
        data_categories="Names",
    )
    dpia = dpia_save(
        actor=actor,
        data={
            "activity": "Single view",
            "register_key": f"own:{asset.pk}",
            "description": "Linking records",
            "risks": "Wrong matches",
            "measures": "Review queue",
            "outcome": "accepted",
        },
        review_on=dt.date.today() + dt.timedelta(days=365),
    )
    rectification = rights_log(
        actor=actor,
        kind="rectification",
        received_on=dt.date.today(),
        data={
            "resident": str(resident.pk),
            "requester_name": resident.full_name,
            "record": "resident",
            "field": "date_of_birth",
            "corrected_value": "27/3/1980",
            "grounds": "My date of birth is wrong on my letters",
        },
    )
    no_email = ResidentFactory(email="")
    objection = rights_log(
        actor=actor,
        kind="objection",
        received_on=dt.date.today(),
        data={
            "resident": str(no_email.pk),
            "requester_name": no_email.full_name,
            "activity": "single_view",
            "grounds": "I do not want my records joined up",
        },
    )
    rights_decide(
        actor=actor,
        request=objection,
        decision="refused",
        exemption="compelling_grounds",
        reasons="The single view finds people at risk",
    )
    SourceCorrection.objects.create(
        source="council_tax", source_id="CT-100234", field="last_name", value="Owusu-Mensah",
        was="Owusu", reference="RR-1", corrected_at=timezone.now(), corrected_by="user 1",
    )  # fmt: skip
    return {
        "asset": asset,
        "sar": sar,
        "breach": breach,
        "dpia": dpia,
        "rectification": rectification,
        "objection": objection,
    }


def _integrations(admin, case) -> dict:
    """A webhook subscription with a delivery that failed (nothing listens on port 9) and an
    email connector that a case was sent to."""
    from borough.clients.services import api_client_create
    from borough.integrations.services import connector_create, route_set, subscription_create
    from borough.integrations.tasks import case_event_published

    actor = StaffActor(admin)
    client = api_client_create(name="Back office", scopes=["cases.read"], actor=actor).client
    subscription = subscription_create(
        client=client,
        target_url="http://127.0.0.1:9/borough-events",
        event_types=["case.created"],
        actor=actor,
    ).subscription
    connector = connector_create(
        name="Waste back office", kind="email", email="waste.bo@council.example", actor=actor
    ).connector
    route_set(service=case.service, connector=connector, actor=actor)
    # What a new case sets off: its webhook delivery (tried and failed) and its handoff (sent).
    case_event_published.call_local(case.events.get(kind="created").pk)
    return {"subscription": subscription, "connector": connector}


OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def _check(visit, page: Page, failures: list[str], *, width: int, javascript: bool) -> None:
    where = f"{page.name} {page.path} as {page.person} at {width}px" + (
        "" if javascript else " without JavaScript"
    )
    response = visit.page.goto(visit.base + page.path)
    if response is None or response.status >= 400:
        failures.append(f"{where}: HTTP {response and response.status}")
        return
    violations = visit.axe()
    if violations:
        failures.append(f"{where}: {json.dumps(violations)}")
    if width < 400 and not visit.page.evaluate(OVERFLOW):
        wide = visit.page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            " > window.innerWidth).slice(-3).map(e => e.tagName + '.' + e.className)"
        )
        failures.append(f"{where}: overflows sideways: {wide}")
    if page.submit and width < 400:
        button = visit.page.get_by_role("button", name=page.submit, exact=True)
        if not button.count():
            failures.append(f"{where}: no {page.submit} button")
            return
        # The POSTs of the form pages so far count against the per-address "submit" rate
        # limit; start afresh so the empty submit shows its error, not "too many attempts".
        cache.clear()
        # Pressing the button loads a new page; wait for it rather than look at the old one.
        with visit.page.expect_navigation():
            button.first.click()
        if visit.page.locator(".govuk-error-summary").count():
            violations = visit.axe()
            if violations:
                failures.append(f"{where} after an empty {page.submit}: {json.dumps(violations)}")
        else:
            failures.append(f"{where}: pressing {page.submit} with nothing showed no error")


@pytest.mark.django_db(transaction=True)
def test_every_page_passes_axe_at_desktop_and_mobile_widths(visit, live_server, every_page):
    people, data = every_page
    pages = _pages(data)
    assert {page.name for page in pages} == LISTED
    failures: list[str] = []
    for person, user in people.items():
        mine = [page for page in pages if page.person == person]
        if not mine:
            continue
        runs = [(1280, True), (375, True)]
        if any(page.portal for page in mine):
            runs.append((375, False))
        for width, javascript in runs:
            browser = visit(javascript=javascript, width=width, csp_for_axe=True)
            browser.base = live_server.url
            if person == AGENT:
                # The agent's requests in progress live in the session of the client that
                # started them.
                from django.conf import settings

                name = settings.SESSION_COOKIE_NAME
                cookie = data["agent_client"].cookies[name].value
                browser.context.add_cookies(
                    [{"name": name, "value": cookie, "url": live_server.url}]
                )
            elif user is not None:
                browser.sign_in(live_server, user)
            for page in mine:
                if page.portal or javascript:
                    if page.prepare:
                        # The form's pages need answers in the session first.
                        _prepare(browser, page, data["service"])
                    _check(browser, page, failures, width=width, javascript=javascript)
            browser.close()
    assert failures == [], "\n".join(failures)


def _prepare(browser, page: Page, service) -> None:
    """Put answers in the session behind this browser's cookie, with Django's test client."""
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    session = next(c for c in browser.context.cookies() if c["name"] == name)["value"]
    client = Client()
    client.cookies[name] = session
    start = f"/services/{service.slug}/"
    if page.prepare == "chat":
        client.post("/chat/start/", {"message": "When is my bin day?"})
        client.post("/chat/", {"message": "UB8 1QA"})
    elif page.prepare == "form":
        _missed_bin_to_check(client, service)
    elif page.prepare in ("map", "pin"):
        client.post(POTHOLE)
        if page.prepare == "pin":
            client.post(POTHOLE + "questions/location/", {"step": "pin", **PIN})
    elif page.prepare == "bulky":
        from borough.catalogue.models import Service
        from tests.payments.conftest import fill_form

        bulky = Service.objects.get(slug="book-bulky-waste-collection")
        client.post(fill_form(client, bulky))  # check answers: on to choose a day
    elif page.prepare == "send":
        _missed_bin_to_check(client, service)
        client.post(start + "check-answers/")
    elif page.prepare == "save":
        client.post(start)
        client.post(start + "questions/address/", {"step": "postcode", "postcode": "ub8 1qa"})
        client.post(start + "questions/address/", {"step": "answer", "address": "100021500002"})
        client.post(
            start + "questions/bin_type/",
            {"bin_type": service.form.by_id["bin_type"].options[0].value, "action": "save"},
        )
