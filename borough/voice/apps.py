from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "borough.voice"
    verbose_name = "Voice gateway"
