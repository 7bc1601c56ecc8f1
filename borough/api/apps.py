from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ApiConfig(AppConfig):
    name = "borough.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from borough.cases.models import Case, CaseEvent  # noqa: PLC0415 - registry ready

        from .open311.cache import cases_changed  # noqa: PLC0415

        # Open311's cached request lists are a new version once a case or its timeline changes.
        for model in (Case, CaseEvent):
            for signal in (post_save, post_delete):
                uid = f"open311-{model.__name__}-{id(signal)}"
                signal.connect(cases_changed, sender=model, dispatch_uid=uid)
