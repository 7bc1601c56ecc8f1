from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "borough.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self):
        from . import checks  # noqa: F401, PLC0415 - registers the system check once apps are loaded
