from django.apps import AppConfig
from django.core import checks

from borough.core.checks_secrets import secret_keys_check


class ClientsConfig(AppConfig):
    name = "borough.clients"
    label = "clients"
    verbose_name = "API clients"

    def ready(self):
        # The keys API keys are hashed with and secrets encrypted with (ADR 0028).
        checks.register(secret_keys_check, checks.Tags.security, deploy=True)
