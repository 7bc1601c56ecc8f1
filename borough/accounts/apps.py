from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "borough.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import signals  # noqa: F401, PLC0415 - connects allauth's MFA receivers once apps are loaded
