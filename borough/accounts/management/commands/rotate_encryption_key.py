"""Encrypt every secret Borough keeps again with the first of BOROUGH_FIELD_ENCRYPTION_KEYS.

Rotation (docs/how-to/deploy.md, "Keys and rotation"): make a key (``--new-key``), put it first
in BOROUGH_FIELD_ENCRYPTION_KEYS keeping the old one after it, restart, run this command, then
remove the old key.
"""

from django.core.management.base import BaseCommand, CommandError

from borough.accounts.keys import encryption_keys_rotate
from borough.core.actors import SystemActor
from borough.core.encryption import DecryptionFailed, EncryptionKeyMissing, new_key


class Command(BaseCommand):
    help = (
        "Encrypt every stored secret again with the first key of "
        "BOROUGH_FIELD_ENCRYPTION_KEYS, after which the other keys can be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="only print a new random key to put first in BOROUGH_FIELD_ENCRYPTION_KEYS",
        )

    def handle(self, *args, **options):
        if options.get("new_key"):
            self.stdout.write(new_key())
            return
        try:
            rotated = encryption_keys_rotate(actor=SystemActor("rotate-encryption-key"))
        except (DecryptionFailed, EncryptionKeyMissing) as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        for where, count in rotated.counts.items():
            self.stdout.write(f"{where}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{rotated.total} secrets are now encrypted with the first key. Keys after it "
                "in BOROUGH_FIELD_ENCRYPTION_KEYS can be removed."
            )
        )
