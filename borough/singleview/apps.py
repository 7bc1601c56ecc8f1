from django.apps import AppConfig


class SingleViewConfig(AppConfig):
    name = "borough.singleview"
    label = "singleview"
    verbose_name = "Single view"
