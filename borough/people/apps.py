from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "borough.people"
    label = "people"
    verbose_name = "People"

    def ready(self):
        from . import signals  # noqa: F401 - connects the email confirmation receivers
