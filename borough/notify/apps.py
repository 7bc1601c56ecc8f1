from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "borough.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self):
        # Imported here, not at the top: models must be ready first. The sandbox's callbacks go
        # to Borough's own receivers, as Notify's go to the URLs set in Notify's admin pages.
        from . import callbacks, checks, sandbox  # noqa: F401, PLC0415

        for sink, receiver in (
            (sandbox.receipt_sink, callbacks.delivery_receipt_receive),
            (sandbox.received_text_sink, callbacks.received_text_receive),
            (sandbox.returned_letter_sink, callbacks.returned_letter_receive),
        ):
            if receiver not in sink:
                sink.append(receiver)
