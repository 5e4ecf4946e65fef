"""``manage.py export_diary EMAIL [--start DATE] [--end DATE]``: the daily CSV on stdout."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from diary import csv_export


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Write a patient's diary as daily CSV (design/diary-csv.md) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The patient's account email.")
        parser.add_argument("--start", help="First day to include (YYYY-MM-DD).")
        parser.add_argument("--end", help="Last day to include (YYYY-MM-DD).")

    def handle(self, *args, email: str, start=None, end=None, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None or not user.is_patient:
            raise CommandError(f"No patient account for {email}.")
        text = csv_export.export_csv(
            user, start=_date(start) if start else None, end=_date(end) if end else None
        )
        self.stdout.write(text, ending="")
