from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "borough.assistant"
    label = "assistant"
    verbose_name = "Resident assistant (chat)"
