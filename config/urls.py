from django.contrib import admin
from django.urls import include, path

from borough.accounts import views as account_views
from borough.accounts.admin_site import admin_site_secure
from borough.api.v1.api import api as api_v1
from borough.core import views as core_views
from borough.observability import views as observability_views

admin.site.site_header = "Borough administration"
admin.site.site_title = "Borough administration"
admin_site_secure(admin.site)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", observability_views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # Before allauth's own: staff set up an authenticator app only through an admin's link.
    path("account/2fa/totp/activate/", account_views.activate_totp),
    path(
        "account/2fa/set-up-link/<str:token>/",
        account_views.mfa_enrolment,
        name="account_mfa_enrol",
    ),
    path(
        "account/2fa/ask-for-a-set-up-link/",
        account_views.mfa_enrolment_needed,
        name="account_mfa_enrolment_needed",
    ),
    path("account/", include("allauth.urls")),
    path("hub/", include("borough.hub.urls")),
    path("open311/v2/", include("borough.api.open311.urls")),
    path("openreferral/", include("borough.api.openreferral.urls")),
    path("api/v1/", api_v1.urls),
    path("integrations/", include("borough.integrations.urls")),
    path("chat/", include("borough.assistant.urls")),
    path("", include("borough.payments.urls")),
    path("", include("borough.notify.urls")),
    path("", include("borough.processes.urls")),
    path("", include("borough.portal.urls")),
]

handler400 = "borough.core.views.bad_request"
handler429 = "borough.accounts.views.too_many_attempts"
handler403 = "borough.core.views.permission_denied"
handler404 = "borough.core.views.page_not_found"
handler500 = "borough.core.views.server_error"
