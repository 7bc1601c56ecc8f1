from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "borough.demo"
    label = "demo"
    verbose_name = "Demo borough generator"
