"""The language each chat message is in, for the chat page's lang attributes (WCAG 3.1.2).

Messages kept before it: a resident's words take their conversation's language (what the page
marked them with until now); the assistant's and agents' stay blank (not known)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def residents_words_in_their_conversations_language(apps, schema_editor):
    ChatMessage = apps.get_model("assistant", "ChatMessage")
    Conversation = apps.get_model("assistant", "Conversation")
    ChatMessage.objects.filter(sender="resident").update(
        language=Subquery(
            Conversation.objects.filter(pk=OuterRef("conversation_id")).values("language")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assistant", "0002_lead_chat_translation"),
    ]

    operations = [
        migrations.AddField(
            model_name="chatmessage",
            name="language",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.RunPython(
            residents_words_in_their_conversations_language, migrations.RunPython.noop
        ),
    ]
