from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "borough.governance"
    label = "governance"
    verbose_name = "Information governance"
