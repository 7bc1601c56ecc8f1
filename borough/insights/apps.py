from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class InsightsConfig(AppConfig):
    name = "borough.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        # The receivers use the models, which can only be imported once the apps are ready.
        from . import receivers  # noqa: PLC0415

        user_logged_in.connect(
            receivers.resident_signed_in, dispatch_uid="insights-resident-signed-in"
        )
