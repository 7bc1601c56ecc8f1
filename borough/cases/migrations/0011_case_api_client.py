"""Issue 16: each case records the API client that sent it (only that client may update it).

Cases sent before are matched to their client where that can be told: an Open311 request's
idempotency key names the client's id; a request's contact names the client
("Open311 request from ...", "API request from ...")."""

import re

import django.db.models.deletion
from django.db import migrations, models

_OPEN311_KEY = re.compile(r"^open311:(\d+):")
_REASONS = ("Open311 request from ", "API request from ")


def record_clients(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    ApiClient = apps.get_model("clients", "ApiClient")
    Contact = apps.get_model("contacts", "Contact")
    clients = {c.name: c.pk for c in ApiClient.objects.all()}
    if not clients:
        return
    known = set(clients.values())
    for case in Case.objects.filter(channel="api", api_client__isnull=True).iterator():
        client_id = None
        match = _OPEN311_KEY.match(case.idempotency_key or "")
        if match and int(match.group(1)) in known:
            client_id = int(match.group(1))
        else:
            for reason in Contact.objects.filter(case_id=case.pk).values_list("reason", flat=True):
                for prefix in _REASONS:
                    if reason.startswith(prefix) and reason[len(prefix) :] in clients:
                        client_id = clients[reason[len(prefix) :]]
        if client_id is not None:
            Case.objects.filter(pk=case.pk).update(api_client_id=client_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_queue_search_covering_indexes"),
        ("clients", "0001_api_clients_from_api"),
        ("contacts", "0003_form_sessions_saved"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="api_client",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="clients.apiclient",
            ),
        ),
        migrations.RunPython(record_clients, migrations.RunPython.noop),
    ]
