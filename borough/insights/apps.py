from django.apps import AppConfig


def _resident_signed_in(sender, request, user, **kwargs):
    from .services import sign_in_record

    sign_in_record(user=user)


class InsightsConfig(AppConfig):
    name = "borough.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Only notes the day: the active-residents count needs every day a resident signed
        # in, which ``User.last_login`` (the latest only) cannot give.
        user_logged_in.connect(_resident_signed_in, dispatch_uid="insights-resident-signed-in")
