from allauth.account.views import logout
from django.urls import path

from . import (
    api_clients,
    assist,
    erasure,
    governance,
    insights,
    livechat,
    outbox,
    singleview,
    staff_sign_in,
    subject_access,
    webhooks,
)
from .views import (
    case,
    case_actions,
    dashboard,
    queue,
    residents,
    response_templates,
    saved_views,
    sign_in,
)

app_name = "hub"

urlpatterns = [
    path("", queue.cases, name="cases"),
    path("bulk/", queue.cases_bulk, name="cases_bulk"),
    path("views/", saved_views.saved_view_save, name="saved_view_save"),
    path("views/<int:view_id>/", saved_views.saved_view_edit, name="saved_view_edit"),
    path("views/<int:view_id>/delete/", saved_views.saved_view_remove, name="saved_view_delete"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("sign-in/", sign_in.sign_in, name="login"),
    # Kept so links to the old address still work; the hub menu posts to account_logout.
    path("sign-out/", logout, name="logout"),
    path("cases/<str:reference>/", case.case_detail, name="case"),
    path("cases/<str:reference>/<slug:action>/", case_actions.case_action, name="case_action"),
    path(
        "cases/<str:reference>/files/<slug:question_id>/",
        case.case_attachment,
        name="case_attachment",
    ),
    path(
        "cases/<str:reference>/events/<int:event_id>/file/",
        case.case_event_file,
        name="case_event_file",
    ),
    path("live-chat/", livechat.queue, name="livechat"),
    path("live-chat/<int:conversation_id>/", livechat.chat, name="livechat_chat"),
    path(
        "live-chat/<int:conversation_id>/<slug:action>/",
        livechat.chat_action,
        name="livechat_action",
    ),
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/<int:message_id>/", outbox.outbox_message, name="outbox_message"),
    path("templates/", response_templates.templates_list, name="templates"),
    path("templates/new/", response_templates.template_create, name="template_create"),
    path("templates/<int:template_id>/", response_templates.template_edit, name="template_edit"),
    path(
        "templates/<int:template_id>/delete/",
        response_templates.template_delete,
        name="template_delete",
    ),
    path("api-clients/", api_clients.api_clients, name="api_clients"),
    path("api-clients/new/", api_clients.api_client_new, name="api_client_new"),
    path(
        "api-clients/<int:client_id>/deactivate/",
        api_clients.api_client_deactivate_view,
        name="api_client_deactivate",
    ),
    path("staff-sign-in/", staff_sign_in.staff_sign_in, name="staff_sign_in"),
    path(
        "staff-sign-in/<int:user_id>/set-up-link/",
        staff_sign_in.staff_set_up_link_send,
        name="staff_set_up_link",
    ),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("webhooks/new/", webhooks.webhook_new, name="webhook_new"),
    path("webhooks/<int:subscription_id>/", webhooks.webhook_detail, name="webhook"),
    path("webhooks/<int:subscription_id>/active/", webhooks.webhook_active, name="webhook_active"),
    path(
        "webhooks/deliveries/<int:delivery_id>/replay/",
        webhooks.webhook_replay,
        name="webhook_replay",
    ),
    path("connectors/", webhooks.connectors, name="connectors"),
    path("connectors/new/", webhooks.connector_new, name="connector_new"),
    path("connectors/routes/", webhooks.connector_route, name="connector_route"),
    path("connectors/<int:connector_id>/", webhooks.connector_detail, name="connector"),
    path(
        "connectors/<int:connector_id>/active/",
        webhooks.connector_active,
        name="connector_active",
    ),
    path("insights/", insights.overview, name="insights"),
    path("insights/services/<slug:slug>/", insights.service, name="insights_service"),
    path("insights/channels/<slug:channel>/", insights.channel, name="insights_channel"),
    path("single-view/", singleview.search, name="singleview_search"),
    path("single-view/people/<str:person_id>/", singleview.person, name="singleview_person"),
    path(
        "single-view/households/<str:household_id>/",
        singleview.household,
        name="singleview_household",
    ),
    path("single-view/review/", singleview.review_queue, name="singleview_review"),
    path(
        "single-view/review/<int:pair_id>/",
        singleview.review_pair,
        name="singleview_review_pair",
    ),
    path("single-view/data-quality/", singleview.data_quality, name="singleview_quality"),
    path("governance/", governance.register, name="governance"),
    path("governance/register/new/", governance.asset_new, name="governance_asset_new"),
    path(
        "governance/register/<int:asset_id>/edit/",
        governance.asset_edit,
        name="governance_asset_edit",
    ),
    path("governance/register/<str:key>/", governance.asset, name="governance_asset"),
    path(
        "governance/record-of-processing/",
        governance.record_of_processing,
        name="governance_ropa",
    ),
    path(
        "governance/record-of-processing.csv",
        governance.record_of_processing_csv,
        name="governance_ropa_csv",
    ),
    path("governance/retention/", governance.retention, name="governance_retention"),
    path("governance/retention/holds/", governance.hold_place, name="governance_hold_place"),
    path(
        "governance/retention/holds/<int:hold_id>/release/",
        governance.hold_release,
        name="governance_hold_release",
    ),
    path("governance/erasure/", erasure.erasure, name="governance_erasure"),
    path("governance/requests/", subject_access.requests_list, name="governance_sars"),
    path("governance/requests/new/", subject_access.request_new, name="governance_sar_new"),
    path("governance/requests/<int:sar_id>/", subject_access.request_detail, name="governance_sar"),
    path(
        "governance/requests/<int:sar_id>/extend/",
        subject_access.request_extend,
        name="governance_sar_extend",
    ),
    path(
        "governance/requests/<int:sar_id>/release/",
        subject_access.request_release,
        name="governance_sar_release",
    ),
    path(
        "governance/requests/<int:sar_id>/package.zip",
        subject_access.request_package,
        name="governance_sar_package",
    ),
    path("residents/", residents.resident_search_page, name="resident_search"),
    path("residents/<int:resident_id>/", residents.resident_detail, name="resident"),
    path("residents/<int:resident_id>/access/", residents.resident_access, name="resident_access"),
    path(
        "residents/<int:resident_id>/contacts/", residents.resident_contact, name="resident_contact"
    ),
    path("residents/<int:resident_id>/requests/new/", assist.assist_start, name="assist_start"),
    path("requests/<uuid:token>/check/", assist.assist_check, name="assist_check"),
    path(
        "requests/<uuid:token>/cannot-continue/<slug:question_id>/",
        assist.assist_exit,
        name="assist_exit",
    ),
    path(
        "requests/<uuid:token>/<slug:question_id>/", assist.assist_question, name="assist_question"
    ),
]
