"""``/metrics``: Prometheus's text format, only for the monitoring system.

Served to a caller from ``BOROUGH_METRICS_ALLOWED_NETWORKS`` (by default this machine only),
or to one that sends ``Authorization: Bearer <BOROUGH_METRICS_TOKEN>``; anyone else gets a
403. Behind a proxy, the caller's address is the one ``BOROUGH_TRUSTED_PROXIES`` says.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from borough.core.ratelimit import client_address

REFUSED = (
    "Metrics are served only to the monitoring system: from BOROUGH_METRICS_ALLOWED_NETWORKS, "
    "or with the bearer token BOROUGH_METRICS_TOKEN.\n"
)


def metrics_allowed(request) -> bool:
    token = settings.BOROUGH_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in settings.BOROUGH_METRICS_ALLOWED_NETWORKS)


@never_cache
@require_GET
def metrics(request):
    if not metrics_allowed(request):
        return HttpResponse(REFUSED, status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
