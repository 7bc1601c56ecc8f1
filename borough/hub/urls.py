from allauth.account.views import logout
from django.urls import path

from . import api_clients, assist, insights, livechat, outbox, views

app_name = "hub"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("bulk/", views.cases_bulk, name="cases_bulk"),
    path("views/", views.saved_view_save, name="saved_view_save"),
    path("views/<int:view_id>/", views.saved_view_edit, name="saved_view_edit"),
    path("views/<int:view_id>/delete/", views.saved_view_remove, name="saved_view_delete"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("sign-in/", views.sign_in, name="login"),
    # Kept so links to the old address still work; the hub menu posts to account_logout.
    path("sign-out/", logout, name="logout"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/<slug:action>/", views.case_action, name="case_action"),
    path(
        "cases/<str:reference>/files/<slug:question_id>/",
        views.case_attachment,
        name="case_attachment",
    ),
    path(
        "cases/<str:reference>/events/<int:event_id>/file/",
        views.case_event_file,
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
    path("templates/", views.templates_list, name="templates"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("templates/<int:template_id>/delete/", views.template_delete, name="template_delete"),
    path("api-clients/", api_clients.api_clients, name="api_clients"),
    path("api-clients/new/", api_clients.api_client_new, name="api_client_new"),
    path(
        "api-clients/<int:client_id>/deactivate/",
        api_clients.api_client_deactivate_view,
        name="api_client_deactivate",
    ),
    path("insights/", insights.overview, name="insights"),
    path("insights/services/<slug:slug>/", insights.service, name="insights_service"),
    path("insights/channels/<slug:channel>/", insights.channel, name="insights_channel"),
    path("residents/<int:resident_id>/", views.resident_detail, name="resident"),
    path("residents/<int:resident_id>/contacts/", views.resident_contact, name="resident_contact"),
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
