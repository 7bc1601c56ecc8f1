"""Refuse to start with a notification provider that does not exist; warn when real GOV.UK
Notify is set up without what it needs."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from .services import PROVIDERS, TEMPLATES

# The messages sent to residents, by every channel, and to staff by email: what a council's
# Notify templates must cover.
RESIDENT_MESSAGES = ("case_acknowledgement", "case_update")


@register()
def notify_provider_known(app_configs, **kwargs):
    name = getattr(settings, "BOROUGH_NOTIFY_PROVIDER", "notify")
    if name in PROVIDERS:
        return []
    return [
        Error(
            f"BOROUGH_NOTIFY_PROVIDER is {name!r}",
            hint=f"Use one of: {', '.join(PROVIDERS)}",
            id="notify.E001",
        )
    ]


def templates_missing() -> list[str]:
    """Which ``kind.channel`` pairs real Notify has no template for."""
    wanted = [f"{key}.email" for key in TEMPLATES] + [
        f"{key}.{channel}" for key in RESIDENT_MESSAGES for channel in ("sms", "letter")
    ]
    return [pair for pair in wanted if not settings.NOTIFY_TEMPLATES.get(pair)]


@register(Tags.security, deploy=True)
def govuk_notify_configured(app_configs, **kwargs):
    problems: list[CheckMessage] = []
    if settings.NOTIFY_SANDBOX or getattr(settings, "BOROUGH_NOTIFY_PROVIDER", "") != "notify":
        return problems
    if not settings.NOTIFY_CALLBACK_TOKEN:
        problems.append(
            Warning(
                "NOTIFY_CALLBACK_TOKEN is not set: Notify's delivery receipts, residents' "
                "texts and returned letters will be refused",
                hint="Set the bearer token you give Notify's callbacks (docs/how-to/notify.md)",
                id="notify.W001",
            )
        )
    missing = templates_missing()
    if missing:
        problems.append(
            Error(
                f"No GOV.UK Notify template for: {', '.join(missing)}",
                hint="Set BOROUGH_NOTIFY_TEMPLATES (docs/how-to/notify.md)",
                id="notify.E002",
            )
        )
    return problems
