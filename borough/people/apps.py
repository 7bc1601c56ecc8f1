from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "borough.people"
    label = "people"
    verbose_name = "People"
