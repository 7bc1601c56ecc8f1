from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_service_not_fixed_online"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="fee_rule",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
