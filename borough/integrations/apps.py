from django.apps import AppConfig

from borough.cases.signals import case_event_recorded


class IntegrationsConfig(AppConfig):
    name = "borough.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        # The receivers and tasks use models, which can only be imported once the apps are
        # ready; importing ``tasks`` also registers the Huey tasks.
        from . import receivers, tasks  # noqa: F401, PLC0415

        case_event_recorded.connect(receivers.case_event_recorded, dispatch_uid="integrations")
