"""``manage.py import_diary EMAIL FILE.csv [--create] [--dry-run]``: load a daily CSV.

The contract of ``design/architecture.md``: atomic (a bad row is reported as ``line N: ...`` on
stderr and nothing is written), idempotent (a re-import changes nothing), ``--create`` makes the
patient account when missing, with an unusable password (they set one through password reset).
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts import services as account_services
from accounts.models import User, validate_timezone
from diary import csv_import


class Command(BaseCommand):
    help = "Import a daily diary CSV (design/diary-csv.md) into a patient's diary."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The patient's account email.")
        parser.add_argument("file", help="Path of the CSV file ('-' reads standard input).")
        parser.add_argument(
            "--create", action="store_true", help="Create the patient account if it is missing."
        )
        parser.add_argument(
            "--timezone",
            default="UTC",
            help="Time zone of an account made with --create (IANA name, default UTC).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, email: str, file: str, create: bool, timezone: str, **options):
        text = self._read(file)
        with transaction.atomic():
            patient = self._patient(email.strip(), create=create, zone=timezone)
            report = csv_import.import_csv(patient, text, dry_run=options["dry_run"])
            if not report.ok:
                transaction.set_rollback(True)  # an account made by --create goes too
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if not report.ok:
            for problem in report.errors:
                self.stderr.write(str(problem))
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _read(self, file: str) -> str:
        try:
            if file == "-":
                import sys

                data = sys.stdin.buffer.read()
            else:
                data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{file} is not UTF-8 text (byte {error.start}); save it as CSV UTF-8."
            ) from None

    def _patient(self, email: str, *, create: bool, zone: str) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            if not create:
                raise CommandError(f"No account for {email}; use --create to make one.")
            try:
                validate_email(email)
                validate_timezone(zone)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            user = account_services.patient_register(email=email, password=None, timezone=zone)
            self.stdout.write(f"Created patient account {user.email} (no password set).")
        if not user.is_patient:
            raise CommandError(f"{email} is not a patient account.")
        return user
