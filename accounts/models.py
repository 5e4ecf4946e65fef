"""Users, their patient or clinician profile, sharing consent and the access audit log."""

import secrets
import uuid
from datetime import date, timedelta
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Invitation codes are read aloud and typed, so: 31 unambiguous symbols (no 0/O, 1/I/L), shown
# in groups of four. 12 symbols = 59 bits; with the redeem limits (accounts.services) an attacker
# gets at most SHARE_CODE_FAILURES_PER_GROUP guesses an hour at any one code's first group, so
# the chance of hitting a given code in its lifetime stays below 1e-9 (docs/security.md).
SHARE_INVITE_HOURS = 72
SHARE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHARE_CODE_LENGTH = 12
SHARE_CODE_GROUP = 4


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """An account, identified by email. Role decides which profile and pages apply."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        CLINICIAN = "clinician", "Clinician"
        ADMIN = "admin", "Administrator"

    email = models.EmailField(unique=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PATIENT)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["patient", "clinician", "admin"]), name="user_role_valid"
            )
        ]

    def __str__(self):
        return self.email

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == self.Role.CLINICIAN

    @property
    def display_name(self) -> str:
        if self.is_clinician and hasattr(self, "clinician_profile"):
            return self.clinician_profile.name or self.email
        return self.email


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"Unknown time zone “{value}”; use an IANA name like Europe/Paris.")


def validate_date_of_birth(value: date) -> None:
    """Web form and API alike: a date of birth from 1900 up to today."""
    if not date(1900, 1, 1) <= value <= timezone.localdate():
        raise ValidationError("Enter a date of birth between 1900 and today.")


class FamilyHistory(models.TextChoices):
    UNKNOWN = "unknown", "Don't know"
    NO = "no", "No"
    PARENT_OR_SIBLING = "first_degree", "Yes — parent, sibling or child"
    OTHER_RELATIVE = "other", "Yes — other relative"


class PatientProfile(models.Model):
    """What the diary needs to know about a patient: local day, demographics, family links."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        INTERSEX = "intersex", "Intersex"
        UNDISCLOSED = "undisclosed", "Prefer not to say"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_profile"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # Optional identity for the clinician report: a clinician recognises a name and a date of
    # birth, not an e-mail address.
    full_name = models.CharField(max_length=120, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_date_of_birth])
    year_of_birth = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.UNDISCLOSED)
    diagnoses = models.TextField(
        blank=True, max_length=1000, help_text="Diagnoses you have been given, one per line."
    )
    family_history_migraine = models.CharField(
        max_length=12, choices=FamilyHistory.choices, default=FamilyHistory.UNKNOWN
    )
    family_history_chronic_pain = models.CharField(
        max_length=12, choices=FamilyHistory.choices, default=FamilyHistory.UNKNOWN
    )
    usual_bedtime = models.TimeField(default="23:00")
    usual_wake_time = models.TimeField(default="07:00")
    reminder_enabled = models.BooleanField(default=False)  # the daily check-in reminder
    reminder_time = models.TimeField(default="20:00")
    # Opt-in: the check-in asks "Period today?" and the insights look at the ICHD-3 A1.1
    # menstrual pattern (and adjust the other onset analyses for the perimenstrual days).
    tracks_cycle = models.BooleanField(
        default=False, help_text="Ask about periods on the check-in and look for a cycle pattern."
    )
    remind_follow_ups = models.BooleanField(default=False)
    remind_questionnaires = models.BooleanField(default=False)
    # No reminder between these local times (may span midnight); one due then waits for the end.
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(year_of_birth__isnull=True)
                | Q(year_of_birth__gte=1900, year_of_birth__lte=2100),
                name="patient_year_of_birth_range",
            ),
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="patient_quiet_hours_both_or_neither",
            ),
        ]

    # Edited on the Notifications page (and through `PATCH /api/v1/me/` with the rest).
    NOTIFICATION_FIELDS = (
        "reminder_enabled",
        "reminder_time",
        "remind_follow_ups",
        "remind_questionnaires",
        "quiet_hours_start",
        "quiet_hours_end",
    )
    # What a patient may edit about themself (web profile form and `PATCH /api/v1/me/`).
    EDITABLE_FIELDS = (
        "timezone",
        "full_name",
        "date_of_birth",
        "year_of_birth",
        "sex",
        "diagnoses",
        "family_history_migraine",
        "family_history_chronic_pain",
        "usual_bedtime",
        "usual_wake_time",
        *NOTIFICATION_FIELDS,
        "tracks_cycle",
    )

    def __str__(self):
        return f"Patient profile of {self.user}"

    def clean(self):
        super().clean()
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValidationError(
                {"quiet_hours_end": "Give both ends of the quiet hours, or neither."}
            )
        if self.quiet_hours_start is not None and self.quiet_hours_start == self.quiet_hours_end:
            raise ValidationError({"quiet_hours_end": "Quiet hours must end at another time."})
        if (self.reminder_enabled or self.remind_questionnaires) and self.is_quiet(
            self.reminder_time
        ):
            # It would wait for the quiet hours to end and, past its 3-hour window, never come.
            raise ValidationError(
                {"reminder_time": "This time is inside your quiet hours: choose another one."}
            )

    def is_quiet(self, clock) -> bool:
        """Whether a local clock time falls in the quiet hours (which may span midnight)."""
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start is None or end is None or clock is None:
            return False
        return start <= clock < end if start < end else clock >= start or clock < end

    @property
    def diagnosis_list(self) -> list[str]:
        return [line.strip() for line in self.diagnoses.splitlines() if line.strip()]


class ClinicianProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician_profile"
    )
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return self.name


def new_share_code() -> str:
    return "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(SHARE_CODE_LENGTH))


def normalize_share_code(code: str) -> str:
    """Codes are read aloud and typed: ignore case, spaces and dashes."""
    return "".join(str(code or "").split()).replace("-", "").upper()


def format_share_code(code: str) -> str:
    """``ABCDEFGHJKMN`` -> ``ABCD-EFGH-JKMN``, the way patients read it out."""
    return "-".join(code[i : i + SHARE_CODE_GROUP] for i in range(0, len(code), SHARE_CODE_GROUP))


def default_invite_expiry():
    return timezone.now() + timedelta(hours=SHARE_INVITE_HOURS)


class Share(models.Model):
    """A patient's consent for one clinician to read parts of their diary.

    Created as an invitation (single-use code, expires after 72 hours), bound to a clinician on
    redemption, active until ``ends_on`` passes or the patient revokes it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares_given"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shares_received",
    )
    code = models.CharField(max_length=16, unique=True, default=new_share_code)
    scope_diary = models.BooleanField(default=True)
    scope_insights = models.BooleanField(default=True)
    scope_notes = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    invite_expires_at = models.DateTimeField(default=default_invite_expiry)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["clinician", "revoked_at"], name="share_clinician_idx"),
            models.Index(fields=["patient", "revoked_at"], name="share_patient_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(clinician__isnull=True) | Q(redeemed_at__isnull=False),
                name="share_redeemed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(invite_expires_at__gt=models.F("created_at")),
                name="share_invite_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"Share {self.code} from {self.patient_id}"

    @property
    def code_display(self) -> str:
        return format_share_code(self.code)

    @property
    def scopes(self) -> list[str]:
        names = [("diary", self.scope_diary), ("insights", self.scope_insights)]
        names.append(("notes", self.scope_notes))
        return [name for name, on in names if on]

    @property
    def status(self) -> str:
        now = timezone.now()
        if self.revoked_at:
            return "revoked"
        if self.clinician_id is None:
            return "expired" if self.invite_expires_at <= now else "pending"
        if self.ends_on and self.ends_on < now.date():
            return "ended"
        return "active"


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")


class AccessEvent(models.Model):
    """Append-only record of one clinician read of one patient's data.

    Kept when the patient deletes their account (patient becomes NULL, the email hash stays) so
    the audit trail survives; it never holds diary content.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="access_events_made",
    )
    actor_label = models.CharField(max_length=254)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="access_events",
    )
    action = models.CharField(max_length=40)
    path = models.CharField(max_length=300)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-at"], name="access_patient_at_idx"),
            models.Index(fields=["actor", "patient", "-at"], name="access_actor_patient_idx"),
        ]

    def __str__(self):
        return f"{self.actor_label} {self.action} {self.patient_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


class TokenDevice(models.Model):
    """A human name for a per-device API token, so a user can tell which one to revoke."""

    token = models.OneToOneField("knox.AuthToken", on_delete=models.CASCADE, related_name="device")
    name = models.CharField(max_length=80, blank=True)

    def __str__(self):
        return self.name or "device"


class ShareCodeAttempt(models.Model):
    """One failed attempt to redeem an invitation code, from the web page or the API.

    Kept in the database so every worker and both paths count the same failures (a worker's
    local-memory cache counts alone). Holds the code's first group, never the whole code, and
    the source address; purged after LOCKOUT_LOG_RETENTION_DAYS like the lockout log.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    code_group = models.CharField(max_length=SHARE_CODE_GROUP)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="share_code_attempts",
    )

    class Meta:
        indexes = [
            models.Index(fields=["ip_address", "at"], name="code_attempt_ip_idx"),
            models.Index(fields=["code_group", "at"], name="code_attempt_group_idx"),
            models.Index(fields=["clinician", "at"], name="code_attempt_clinician_idx"),
        ]

    def __str__(self):
        return f"Failed code {self.code_group}… from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (RFC 8030): where to post a reminder and the keys to
    encrypt it for that browser alone (RFC 8291). Created by the browser, deleted with the
    account, or when the push service says it is gone (404/410)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=2048, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's P-256 public key, base64url
    auth = models.CharField(max_length=40)  # the 16-byte authentication secret, base64url
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Push subscription {self.pk} of {self.user_id}"
