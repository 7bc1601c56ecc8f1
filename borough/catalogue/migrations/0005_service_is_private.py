"""Issue 16: a service can be private (its requests are never listed in public). Services
already stored are private when located at an address, as the catalogue file's default is;
the next ``load_catalogue`` sets what each service's definition says."""

from django.db import migrations, models


def default_privacy(apps, schema_editor):
    Service = apps.get_model("catalogue", "Service")
    for service in Service.objects.all():
        location = next(
            (q for q in service.questions or [] if isinstance(q, dict) and q.get("case_location")),
            None,
        )
        private = location is None or location.get("type") == "address"
        Service.objects.filter(pk=service.pk).update(is_private=private)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0004_uploads_upload"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="is_private",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(default_privacy, migrations.RunPython.noop),
    ]
