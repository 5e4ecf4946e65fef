"""``manage.py seed_demo``: the demo world of the architecture contract, idempotent.

patient@example.com (with ~6 months of diary), patient2@example.com, and clinician@example.com
who has an active share from the first patient; all with password ``demo-pass-123``.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import ClinicianProfile, FamilyHistory, PatientProfile, Share, User

DEMO_PASSWORD = "demo-pass-123"
PATIENTS = (
    (
        "patient@example.com",
        {
            "timezone": "Europe/London",
            "year_of_birth": 1988,
            "sex": PatientProfile.Sex.FEMALE,
            "diagnoses": "Migraine without aura\nFibromyalgia (suspected)",
            "family_history_migraine": FamilyHistory.PARENT_OR_SIBLING,
            "family_history_chronic_pain": FamilyHistory.PARENT_OR_SIBLING,
        },
    ),
    (
        "patient2@example.com",
        {
            "timezone": "America/New_York",
            "year_of_birth": 1986,
            "sex": PatientProfile.Sex.FEMALE,
            "diagnoses": "Episodic migraine",
            "family_history_migraine": FamilyHistory.OTHER_RELATIVE,
            "family_history_chronic_pain": FamilyHistory.NO,
            "tracks_cycle": True,  # her attacks cluster around her period (diary.demo)
        },
    ),
)


def _account(email: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, role=role)
    else:
        user.role = role
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


class Command(BaseCommand):
    help = "Create or refresh the demo patients, clinician, share and diaries (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=182, help="Days of diary per patient.")

    @transaction.atomic
    def handle(self, *args, days: int, **options):
        patients = []
        for index, (email, profile) in enumerate(PATIENTS):
            user = _account(email, User.Role.PATIENT)
            PatientProfile.objects.update_or_create(user=user, defaults=profile)
            patients.append((index, user))
        clinician = _account("clinician@example.com", User.Role.CLINICIAN)
        ClinicianProfile.objects.update_or_create(
            user=clinician,
            defaults={"name": "Dr Sam Rivera", "organisation": "Riverside Headache Clinic"},
        )
        first = patients[0][1]
        share = (
            Share.objects.filter(patient=first, clinician=clinician, revoked_at__isnull=True)
            .order_by("created_at")
            .first()
        )
        if share is None:
            share = Share(patient=first, clinician=clinician)
        share.scope_diary = share.scope_insights = share.scope_notes = True
        share.ends_on = None
        if share.redeemed_at is None:
            from django.utils import timezone

            share.redeemed_at = timezone.now()
        share.save()
        self._seed_diaries(patients, days)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo ready: patient@example.com, patient2@example.com, clinician@example.com "
                f"(password {DEMO_PASSWORD})."
            )
        )

    def _seed_diaries(self, patients, days: int) -> None:
        try:
            from diary.demo import seed_patient_diary
        except ImportError:
            return
        for index, user in patients:
            seed_patient_diary(patient=user, days=days, seed=1000 + index, persona=index)
