"""The embedded DVLA Vehicle Enquiry Service sandbox over HTTP, at ``/sandbox/dvla-ves/``
(only with ``DVLA_VES_SANDBOX`` on): the same API as the DVLA's, answering only the sandbox's
documented test registrations (``ves.SANDBOX_VEHICLES``). Every answer carries a header saying
it is a sandbox."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import ves


@csrf_exempt  # an API called with an x-api-key header, as the DVLA's is
@require_http_methods(["POST"])
def api(request, path: str):
    if not settings.DVLA_VES_SANDBOX:
        raise Http404("The DVLA vehicle enquiry sandbox is off")
    status, data = ves.sandbox_handle(
        "POST", f"/{path}", {"x-api-key": request.headers.get("x-api-key", "")}, request.body
    )
    response = HttpResponse(
        json.dumps(data).encode(), status=status, content_type="application/json"
    )
    response["X-Borough-Sandbox"] = "DVLA Vehicle Enquiry Service sandbox: test data only"
    return response
