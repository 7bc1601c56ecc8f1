from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "borough.clients"
    label = "clients"
    verbose_name = "API clients"
