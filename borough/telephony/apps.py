from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "borough.telephony"
    label = "telephony"
    verbose_name = "Telephony (routing plan, calls, call queue)"
