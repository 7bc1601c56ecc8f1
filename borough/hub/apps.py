from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "borough.hub"
    label = "hub"
