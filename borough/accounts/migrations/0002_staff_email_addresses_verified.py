"""Staff who signed in before allauth keep signing in: their council email counts as verified
(allauth requires a verified address, ACCOUNT_EMAIL_VERIFICATION = "mandatory")."""

from django.db import migrations


def staff_emails_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    have = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=user_id, email=email, verified=True, primary=True)
            for user_id, email in User.objects.filter(kind="staff").values_list("id", "email")
            if user_id not in have
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(staff_emails_verified, migrations.RunPython.noop)]
