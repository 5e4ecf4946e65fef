"""Writes for accounts: registration, sharing consent lifecycle and account deletion."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ClinicianProfile, PatientProfile, Share, User


class ShareError(ValidationError):
    """A share invitation cannot be redeemed; the message says why."""


@transaction.atomic
def patient_register(*, email: str, password: str, **profile) -> User:
    """Create a patient account and its profile (timezone, demographics, family history)."""
    user = User.objects.create_user(email=email, password=password, role=User.Role.PATIENT)
    PatientProfile.objects.create(user=user, **profile)
    return user


@transaction.atomic
def clinician_register(*, email: str, password: str, name: str, organisation: str = "") -> User:
    user = User.objects.create_user(email=email, password=password, role=User.Role.CLINICIAN)
    ClinicianProfile.objects.create(user=user, name=name, organisation=organisation)
    return user


def share_create(
    *,
    patient: User,
    scope_diary: bool = True,
    scope_insights: bool = True,
    scope_notes: bool = False,
    ends_on: date | None = None,
) -> Share:
    """Create a single-use invitation the patient hands to a clinician (code or link)."""
    if not patient.is_patient:
        raise ValidationError("Only patients can share their diary.")
    if not (scope_diary or scope_insights):
        raise ValidationError("Choose at least the diary or the insights to share.")
    if ends_on is not None and ends_on < timezone.localdate():
        raise ValidationError({"ends_on": "The end date cannot be in the past."})
    return Share.objects.create(
        patient=patient,
        scope_diary=scope_diary,
        scope_insights=scope_insights,
        scope_notes=scope_notes,
        ends_on=ends_on,
    )


@transaction.atomic
def share_redeem(*, clinician: User, code: str) -> Share:
    """Bind an invitation to a clinician. Invitations are single use and expire."""
    if not clinician.is_clinician:
        raise ShareError("Only clinician accounts can redeem a share code.")
    normalized = (code or "").strip().upper().replace("-", "").replace(" ", "")
    share = Share.objects.select_for_update().filter(code=normalized).first()
    if share is None:
        raise ShareError("This code is not valid. Check it with your patient.")
    if share.revoked_at is not None:
        raise ShareError("The patient has withdrawn this invitation.")
    if share.clinician_id is not None:
        raise ShareError("This code has already been used.")
    if share.invite_expires_at <= timezone.now():
        raise ShareError("This code has expired. Ask your patient for a new one.")
    share.clinician = clinician
    share.redeemed_at = timezone.now()
    share.save(update_fields=["clinician", "redeemed_at"])
    return share


def share_revoke(*, patient: User, share_id) -> Share:
    """Withdraw consent immediately (pages, API and existing tokens all check live shares)."""
    share = Share.objects.get(pk=share_id, patient=patient)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account and all diary data (cascade). Shares go with it.

    Access-log rows are kept with the patient/actor set to NULL: they record that a read
    happened, never what was read.
    """
    from diary.models import Dose  # diary depends on accounts, not the other way round

    Share.objects.filter(patient=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    # A dose PROTECTs its medication, which would block the cascade from the user: doses first.
    Dose.objects.filter(patient=user).delete()
    user.delete()
