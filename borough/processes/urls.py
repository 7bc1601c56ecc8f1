from django.urls import re_path

from . import sandbox_views

app_name = "processes"

urlpatterns = [
    # The embedded DVLA VES sandbox: answers 404 unless DVLA_VES_SANDBOX is on.
    re_path(
        r"^sandbox/dvla-ves/(?P<path>vehicle-enquiry/v1/vehicles)$",
        sandbox_views.api,
        name="ves_sandbox_api",
    ),
]
