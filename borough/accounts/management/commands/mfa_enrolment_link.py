"""Email a member of staff a link to set up their authenticator app, and print it: how the
first administrator of a new Borough gets theirs (later ones come from the hub's Staff sign-in
page)."""

from django.core.management.base import BaseCommand, CommandError

from borough.accounts.enrolment import LINK_HOURS, EnrolmentRefused, mfa_enrolment_link_send
from borough.accounts.models import User
from borough.core.actors import SystemActor


class Command(BaseCommand):
    help = (
        "Email a member of staff a single-use link to set up their authenticator app "
        f"(it lasts {LINK_HOURS} hours), and print it."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the staff member's sign-in email address")

    def handle(self, *args, email: str, **options):
        member = User.objects.filter(email__iexact=email.strip()).first()
        if member is None or not member.is_council_staff:
            raise CommandError(f"There is no active staff account with the email address {email}")
        try:
            url = mfa_enrolment_link_send(
                staff_member=member, actor=SystemActor("mfa-enrolment-link")
            )
        except EnrolmentRefused:
            raise CommandError(f"{email} already has an authenticator app") from None
        self.stdout.write(url)
