from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "borough.payments"
    label = "payments"
    verbose_name = "Payments (GOV.UK Pay)"

    def ready(self) -> None:
        # Imported here, not at the top: models must be ready first. The sandbox's webhooks go
        # to Borough's own receiver, as Pay's go to the URL set in Pay's admin tool.
        from . import checks, sandbox, webhooks  # noqa: F401, PLC0415

        if webhooks.webhook_receive_safely not in sandbox.webhook_sink:
            sandbox.webhook_sink.append(webhooks.webhook_receive_safely)
