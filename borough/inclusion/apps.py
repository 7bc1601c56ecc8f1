from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "borough.inclusion"
    label = "inclusion"
    verbose_name = "Digital inclusion"

    def ready(self) -> None:
        # Registers the daily reminder task with Huey (imports wait for the app registry).
        from . import tasks  # noqa: F401, PLC0415
