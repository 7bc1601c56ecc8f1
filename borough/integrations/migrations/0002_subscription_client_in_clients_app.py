# A webhook subscription's client is now clients.ApiClient (ADR 0026): the same table
# (api_apiclient), so only Django's record changes and the database is left as it is.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_api_clients_from_api"),
        ("integrations", "0001_webhooks_and_connectors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="webhooksubscription",
                    name="client",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhook_subscriptions",
                        to="clients.apiclient",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
