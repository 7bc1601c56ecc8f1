"""The channels residents reach the council through."""

from django.db import models


class Channel(models.TextChoices):
    WEB = "web", "Web"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    FACE_TO_FACE = "face_to_face", "Face to face"
    CHAT = "chat", "Web chat"
    VOICE = "voice", "Automated voice"
    LETTER = "letter", "Letter"
    SMS = "sms", "Text message"
    API = "api", "Another system (API)"


# Channels where the resident serves themselves without a member of staff.
SELF_SERVICE_CHANNELS = frozenset({Channel.WEB, Channel.CHAT, Channel.VOICE, Channel.API})
