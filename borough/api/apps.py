from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "borough.api"
    label = "api"
    verbose_name = "API"
