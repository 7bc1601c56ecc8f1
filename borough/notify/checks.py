"""Refuse to start with a notification provider that does not exist."""

from django.conf import settings
from django.core.checks import Error, register

from .services import PROVIDERS


@register()
def notify_provider_known(app_configs, **kwargs):
    name = getattr(settings, "BOROUGH_NOTIFY_PROVIDER", "outbox")
    if name in PROVIDERS:
        return []
    return [
        Error(
            f"BOROUGH_NOTIFY_PROVIDER is {name!r}",
            hint=f"Use one of: {', '.join(PROVIDERS)}",
            id="notify.E001",
        )
    ]
