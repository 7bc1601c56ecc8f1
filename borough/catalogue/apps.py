from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "borough.catalogue"
    label = "catalogue"
    verbose_name = "Service catalogue"
