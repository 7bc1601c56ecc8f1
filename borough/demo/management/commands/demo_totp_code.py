from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from borough.accounts.mfa import totp_code_now, totp_secret
from borough.accounts.models import User
from borough.demo.people import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the code a demo staff account's authenticator app shows now, to sign in to the "
        "demo Resident Hub (embedded mode only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="a demo staff sign-in, e.g. agent@council.example")

    def handle(self, *args, email: str, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_totp_code only works on the demo borough (embedded mode)")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"There is no account with the email address {email}")
        app = Authenticator.objects.filter(user=user, type="totp").first()
        if app is None:
            raise CommandError(f"{email} has no authenticator app set up")
        secret = totp_secret(app)
        if secret != DEMO_TOTP_SECRET:
            raise CommandError(f"{email} uses their own authenticator app, not the demo one")
        self.stdout.write(totp_code_now(secret))
