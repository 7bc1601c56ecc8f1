from django.urls import path, re_path

from . import sandbox_views, views

app_name = "payments"

urlpatterns = [
    path("payments/webhooks/govuk-pay/", views.govuk_pay_webhook, name="webhook"),
    # The embedded sandbox: each view answers 404 unless GOVUK_PAY_SANDBOX is on.
    re_path(r"^sandbox/pay/v1/(?P<path>[a-z0-9/]+)$", sandbox_views.api, name="sandbox_api"),
    path("sandbox/pay/card/<str:payment_id>/", sandbox_views.card, name="sandbox_card"),
]
