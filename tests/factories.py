"""factory-boy factories shared by all tests."""

import factory
from django.utils import timezone

from accounts.models import ClinicianProfile, PatientProfile, Share, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = User.Role.PATIENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PatientFactory(UserFactory):
    email = factory.Sequence(lambda n: f"patient{n}@example.com")
    role = User.Role.PATIENT
    profile = factory.RelatedFactory(
        "tests.factories.PatientProfileFactory", factory_related_name="user"
    )


class PatientProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientProfile

    user = factory.SubFactory(PatientFactory, profile=None)
    timezone = "Europe/London"


class ClinicianFactory(UserFactory):
    email = factory.Sequence(lambda n: f"clinician{n}@example.com")
    role = User.Role.CLINICIAN
    profile = factory.RelatedFactory(
        "tests.factories.ClinicianProfileFactory", factory_related_name="user"
    )


class ClinicianProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicianProfile

    user = factory.SubFactory(ClinicianFactory, profile=None)
    name = factory.Sequence(lambda n: f"Dr Clinician {n}")
    organisation = "Headache Clinic"


class ShareFactory(factory.django.DjangoModelFactory):
    """An active, redeemed share with diary and insights scopes."""

    class Meta:
        model = Share

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(ClinicianFactory)
    redeemed_at = factory.LazyFunction(timezone.now)
