from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "borough.governance"
    label = "governance"
    verbose_name = "Information governance"

    def ready(self) -> None:
        # A process asking for evidence to be kept from retention (processes.signals).
        from . import receivers  # noqa: F401, PLC0415
