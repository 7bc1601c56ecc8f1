from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "borough.homes"
    label = "homes"
    verbose_name = "Sensors in council homes"
