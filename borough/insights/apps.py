from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "borough.insights"
    label = "insights"
    verbose_name = "Insights"
