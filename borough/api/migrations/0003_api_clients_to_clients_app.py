# API clients and idempotent responses now belong to the clients app (ADR 0026). Their tables
# stay where they are and keep their rows: this only removes the models from the api app's
# record, after the clients app and every foreign key have taken them over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_idempotency_and_key_expiry"),
        ("clients", "0001_api_clients_from_api"),
        ("integrations", "0002_subscription_client_in_clients_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="IdempotentResponse"),
                migrations.DeleteModel(name="ApiClient"),
            ],
            database_operations=[],
        ),
    ]
