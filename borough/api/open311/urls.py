"""Open311 GeoReport v2 (mounted at /open311/v2/). Every resource ends in .xml or .json."""

from django.urls import path

from . import views

app_name = "open311"

urlpatterns = [
    path("discovery.<str:fmt>", views.discovery, name="discovery"),
    path("services.<str:fmt>", views.service_list, name="services"),
    path("services/<str:code>.<str:fmt>", views.service_definition, name="service"),
    path("requests.<str:fmt>", views.requests, name="requests"),
    path("requests/<str:request_id>.<str:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<str:fmt>", views.token_detail, name="token"),
    path(
        "servicerequestupdates.<str:fmt>",
        views.service_request_updates,
        name="servicerequestupdates",
    ),
]
