from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "borough.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Imported here, once the app registry is ready: the deploy checks register themselves
        # and the security events listen to django-axes (borough.core.security_events).
        from axes.signals import user_locked_out  # noqa: PLC0415

        from . import checks  # noqa: F401, PLC0415
        from .security_events import axes_locked_out  # noqa: PLC0415

        user_locked_out.connect(axes_locked_out, dispatch_uid="borough-security-lockout")
