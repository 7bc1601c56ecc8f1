from django.urls import path

from . import (
    bin_days,
    bulky_pages,
    councillors,
    directory,
    follow_area,
    form_pages,
    help,
    map_pages,
    my_home,
    myaccount,
    organisations,
    payment_pages,
    reports,
    request_page,
    subscriptions,
    views,
)
from .signed_in_forms import sign_in_to_send

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("topics/<slug:slug>/", views.category, name="category"),
    path("bin-days/", bin_days.bin_days, name="bin_days"),
    path("community-directory/", directory.directory_search, name="directory"),
    path(
        "community-directory/services/<uuid:service_id>/",
        directory.directory_service,
        name="directory_service",
    ),
    path(
        "community-directory/your-organisations/",
        directory.your_organisations,
        name="directory_organisations",
    ),
    path(
        "community-directory/your-organisations/<uuid:organisation_id>/propose/",
        directory.propose,
        name="directory_propose",
    ),
    path("community-directory/join/<str:token>/", directory.join, name="directory_join"),
    path("bin-days/<int:uprn>/", bin_days.bin_days_at, name="bin_days_at"),
    path("bin-days/<int:uprn>/calendar.ics", bin_days.bin_days_calendar, name="bin_days_calendar"),
    path("services/<slug:slug>/", sign_in_to_send(form_pages.service_start), name="start"),
    path(
        "services/<slug:slug>/questions/<slug:question_id>/", form_pages.question, name="question"
    ),
    path(
        "services/<slug:slug>/check-answers/",
        sign_in_to_send(form_pages.check_answers),
        name="check",
    ),
    path("services/<slug:slug>/collection-day/", bulky_pages.choose_day, name="bulky_day"),
    path(
        "services/<slug:slug>/cannot-continue/<slug:question_id>/",
        form_pages.exit_page,
        name="exit",
    ),
    path("services/<slug:slug>/confirmation/", form_pages.confirmation, name="confirmation"),
    path("services/<slug:slug>/saved/", form_pages.saved, name="saved"),
    path(
        "services/<slug:slug>/payment/<str:token>/",
        payment_pages.payment_return,
        name="payment_return",
    ),
    path(
        "services/<slug:slug>/pay-for-chat-request/<str:signed>/",
        payment_pages.chat_payment,
        name="chat_payment",
    ),
    path("services/<slug:slug>/feedback/", form_pages.feedback, name="feedback"),
    path("my-account/", myaccount.my_account, name="my_account"),
    path("my-account/details/", myaccount.my_details, name="my_details"),
    path(
        "my-account/subscriptions/<str:reference>/cancel/",
        subscriptions.subscription_cancel,
        name="subscription_cancel",
    ),
    path(
        "my-account/bulky-waste/<int:pk>/cancel/",
        bulky_pages.cancel_booking,
        name="bulky_cancel",
    ),
    path("my-account/address/", myaccount.my_address, name="my_address"),
    path("my-account/your-home/", my_home.my_home, name="my_home"),
    path("my-account/download/", myaccount.my_data, name="my_data"),
    path(
        "my-account/saved-forms/<uuid:token>/delete/",
        myaccount.saved_form_delete,
        name="saved_form_delete",
    ),
    path("my-account/organisations/", organisations.my_organisations, name="my_organisations"),
    path(
        "my-account/organisations/<int:pk>/",
        organisations.organisation_page,
        name="organisation",
    ),
    path(
        "my-account/organisations/<int:pk>/invite/",
        organisations.organisation_invite,
        name="organisation_invite",
    ),
    path(
        "my-account/organisations/<int:pk>/members/<int:member_pk>/remove/",
        organisations.organisation_member_remove,
        name="organisation_member_remove",
    ),
    path(
        "organisations/join/<str:token>/", organisations.organisation_join, name="organisation_join"
    ),
    path("councillor/", councillors.councillor_home, name="councillor"),
    path(
        "councillor/enquiries/new/",
        councillors.councillor_enquiry_new,
        name="councillor_enquiry_new",
    ),
    path(
        "councillor/enquiries/<str:reference>/",
        councillors.councillor_enquiry,
        name="councillor_enquiry",
    ),
    path("my-account/requests/<str:reference>/", request_page.my_request, name="my_request"),
    path(
        "my-account/requests/<str:reference>/<slug:action>/",
        request_page.my_request_action,
        name="my_request_action",
    ),
    path("track/<str:reference>/<str:token>/", request_page.track, name="track"),
    path(
        "track/<str:reference>/<str:token>/<slug:action>/",
        request_page.track_action,
        name="track_action",
    ),
    path("reports/<str:reference>/", reports.report, name="report"),
    path("reports/<str:reference>/support/", reports.report_support, name="report_support"),
    path("reports/<str:reference>/alerts/", reports.alert_new, name="alert_new"),
    path("alerts/area/", follow_area.follow_area, name="follow_area"),
    path("alerts/confirm/<str:token>/", reports.alert_confirm_page, name="alert_confirm"),
    path("alerts/stop/<str:token>/", reports.alert_end_page, name="alert_end"),
    path("map/tiles/<int:z>/<int:x>/<int:y>.png", map_pages.map_tile, name="map_tile"),
    path("brand.css", views.brand_css, name="brand_css"),
    path("brand/logo/<int:version>/", views.brand_logo, name="brand_logo"),
    path("help/", help.index, name="help"),
    path("help/<slug:slug>/", help.page, name="help_page"),
    path("language/<slug:code>/", views.language, name="language"),
    path("performance/", views.performance, name="performance"),
    path("accessibility/", views.static_page, {"template": "accessibility"}, name="accessibility"),
    path("cookies/", views.static_page, {"template": "cookies"}, name="cookies"),
    path("privacy/", views.static_page, {"template": "privacy"}, name="privacy"),
    path(
        "privacy/home-sensors/",
        views.static_page,
        {"template": "privacy_home_sensors"},
        name="privacy_home_sensors",
    ),
]
