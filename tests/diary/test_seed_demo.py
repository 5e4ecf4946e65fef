from io import StringIO

import pytest
from django.core.management import call_command

from accounts.access import readable_patients
from accounts.models import Share, User

pytestmark = pytest.mark.django_db


def _counts():
    from diary.models import Day, Dose, HeadacheAttack

    return (
        User.objects.count(),
        Share.objects.count(),
        Day.objects.count(),
        HeadacheAttack.objects.count(),
        Dose.objects.count(),
    )


def test_seed_demo_creates_the_contract_accounts_and_share():
    call_command("seed_demo", days=30, stdout=StringIO())
    patient = User.objects.get(email="patient@example.com")
    clinician = User.objects.get(email="clinician@example.com")
    assert User.objects.get(email="patient2@example.com").is_patient
    assert patient.check_password("demo-pass-123")
    assert clinician.is_clinician and clinician.check_password("demo-pass-123")
    assert list(readable_patients(clinician)) == [patient]


def test_seed_demo_is_idempotent():
    call_command("seed_demo", days=30, stdout=StringIO())
    first = _counts()
    call_command("seed_demo", days=30, stdout=StringIO())
    assert _counts() == first
