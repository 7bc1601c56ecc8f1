from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "borough.observability"
    label = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        # Before the first request builds the middleware chain: the request instrumentation
        # adds its own middleware to settings.MIDDLEWARE (docs/adr: observability).
        from . import errors, telemetry  # noqa: PLC0415 - once the registry is ready

        telemetry.telemetry_start()
        errors.sentry_start()
