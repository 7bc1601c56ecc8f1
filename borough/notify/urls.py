from django.urls import path, re_path

from . import sandbox_views, views

app_name = "notify"

urlpatterns = [
    path("notify/callbacks/delivery-receipt/", views.delivery_receipt, name="delivery_receipt"),
    path("notify/callbacks/received-text/", views.received_text, name="received_text"),
    path("notify/callbacks/returned-letter/", views.returned_letter, name="returned_letter"),
    # The embedded sandbox: each view answers 404 unless NOTIFY_SANDBOX is on.
    path("sandbox/notify/", sandbox_views.index, name="sandbox_index"),
    re_path(r"^sandbox/notify/v2/(?P<path>[a-z0-9/-]+)$", sandbox_views.api, name="sandbox_api"),
    path("sandbox/notify/<uuid:notification_id>/", sandbox_views.act, name="sandbox_act"),
]
