"""Deploy checks for GOV.UK Pay: real Pay needs a key and the webhook's signing secret."""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def govuk_pay_configured(app_configs, **kwargs):
    problems: list[CheckMessage] = []
    if settings.GOVUK_PAY_SANDBOX:
        return problems
    if not settings.GOVUK_PAY_API_KEY:
        problems.append(
            Warning(
                "GOVUK_PAY_API_KEY is not set: residents cannot pay for paid services",
                hint="Set the API key from GOV.UK Pay's admin tool (docs/how-to/payments.md)",
                id="payments.W001",
            )
        )
    if not settings.GOVUK_PAY_WEBHOOK_SECRET:
        problems.append(
            Warning(
                "GOVUK_PAY_WEBHOOK_SECRET is not set: Pay's webhooks will be refused, so a "
                "resident who pays and closes the tab gets no request",
                hint="Set the webhook's signing secret from GOV.UK Pay's admin tool",
                id="payments.W002",
            )
        )
    return problems
