from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "borough.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # The SLA check's Huey schedule lives with the check; the consumer discovers only
        # ``tasks`` modules, and ``tasks`` may not import the check (it imports no action).
        from . import alerts, sla  # noqa: F401, PLC0415  (Huey tasks; the alerts receiver)
        from .signals import case_event_recorded  # noqa: PLC0415

        case_event_recorded.connect(alerts.case_event_recorded, dispatch_uid="cases-alerts")
