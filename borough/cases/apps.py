from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "borough.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # The SLA check's Huey schedule lives with the check; the consumer discovers only
        # ``tasks`` modules, and ``tasks`` may not import the check (it imports no action).
        # Texts residents send back reach their case through ``inbound`` (notify imports
        # nothing above it, so it is handed the handler here).
        from borough.notify import callbacks  # noqa: PLC0415

        from . import alerts, inbound, sla  # noqa: F401, PLC0415  (Huey tasks; receivers)
        from .signals import case_event_recorded  # noqa: PLC0415

        case_event_recorded.connect(alerts.case_event_recorded, dispatch_uid="cases-alerts")

        # A STOP reply ends text alerts first; any other text goes on the sender's request.
        for handler in (alerts.alert_text_received, inbound.case_text_received):
            if handler not in callbacks.text_handlers:
                callbacks.text_handlers.append(handler)
