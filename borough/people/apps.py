from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "borough.people"
    label = "people"
    verbose_name = "People"

    def ready(self):
        # Imported when the app is ready (the models must be loaded first): connects the email
        # confirmation receivers.
        from . import signals  # noqa: F401, PLC0415
