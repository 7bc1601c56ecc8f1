from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "borough.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from borough.cases.signals import case_event_recorded

        from . import receivers, tasks  # noqa: F401 (registers the Huey tasks)

        case_event_recorded.connect(receivers.case_event_recorded, dispatch_uid="integrations")
