"""Print a new VAPID key pair for Web Push, as lines for the environment (.env)."""

from django.core.management.base import BaseCommand
from py_vapid import Vapid

from accounts import push


class Command(BaseCommand):
    help = "Print a new VAPID key pair (VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY) for Web Push."

    def handle(self, *args, **options):
        key = Vapid()
        key.generate_keys()
        private = key.private_key.private_numbers().private_value.to_bytes(32, "big")
        self.stdout.write(f"VAPID_PRIVATE_KEY={push.b64url(private)}")
        self.stdout.write(f"VAPID_PUBLIC_KEY={push.public_key_of(key)}")
