from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "borough.portal"
    label = "portal"

    def ready(self) -> None:
        # The assistant answers "where can I get help with ..." from the community directory;
        # it cannot import the directory (the house plan), so the portal, which may, says how.
        from borough.assistant.helpfinders import register  # noqa: PLC0415 - app registry ready

        from .directory import directory_help  # noqa: PLC0415 - app registry ready

        register(directory_help)
