from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "borough.processes"
    label = "processes"
    verbose_name = "Processes"

    def ready(self) -> None:
        # The shipped processes' service tasks register themselves by name when imported.
        from . import library, receivers  # noqa: F401, PLC0415
