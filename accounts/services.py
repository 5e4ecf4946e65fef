"""Writes for accounts: registration, device tokens, sharing consent lifecycle and account
deletion."""

from datetime import date, datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from accounts import access
from accounts.lockout import normalise_email
from accounts.models import (
    SHARE_CODE_GROUP,
    ClinicianProfile,
    PatientProfile,
    PushSubscription,
    Share,
    ShareCodeAttempt,
    TokenDevice,
    User,
    normalize_share_code,
)


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


@transaction.atomic
def token_create(*, user: User, device_name: str = "") -> tuple[AuthToken, str]:
    """Issue a per-device API token; at most ``TOKEN_LIMIT_PER_USER`` stay live.

    At the limit the least recently used token is revoked (knox moves a token's expiry forward
    each time it is used, so the earliest expiry is the device unused the longest): a new phone
    always signs in, and a forgotten one is what gets signed out. The user's row is locked so
    concurrent logins cannot overshoot the limit. Returns the token row and its plaintext.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit:
        live = AuthToken.objects.filter(user=user).order_by(
            F("expiry").asc(nulls_last=True), "created"
        )
        surplus = live.count() - limit + 1
        if surplus > 0:
            oldest = list(live.values_list("digest", flat=True)[:surplus])
            AuthToken.objects.filter(digest__in=oldest).delete()
    token_obj, token = AuthToken.objects.create(user=user)
    TokenDevice.objects.create(token=token_obj, name=(device_name or "")[:80])
    return token_obj, token


def token_revoke(*, user: User, token_id: str) -> bool:
    """Revoke one of the user's device tokens by its public id; False if there is none."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_id).delete()
    return bool(deleted)


def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """Register (or refresh the keys of) one browser for Web Push; True if it is new here.

    An endpoint names one browser: registered before by another account on that browser, it
    now belongs to the account that subscribed last, so reminders never reach the wrong person.
    """
    return PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:200],
            "failure_count": 0,
        },
    )


def push_subscription_delete(*, user: User, endpoint: str) -> bool:
    """Stop Web Push to one of the user's browsers; False if it is not theirs (or unknown)."""
    return bool(PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()[0])


def tokens_revoke_all(*, user: User) -> int:
    """Sign out every phone and app, e.g. when the password changes (a lost phone's token
    must not outlive the password it was made with)."""
    return AuthToken.objects.filter(user=user).delete()[0]


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


# Failed invitation codes allowed per hour, counted in the database (all workers, web and API).
SHARE_CODE_WINDOW = timedelta(hours=1)
SHARE_CODE_FAILURES_PER_SOURCE = 20  # per client address
SHARE_CODE_FAILURES_PER_CLINICIAN = 10  # per clinician account
SHARE_CODE_FAILURES_PER_GROUP = 10  # per code's first group: bounds the guesses at any one code


class ShareRedeemLimited(ShareError):
    """Too many failed codes from this source, account or at this code: answer 429."""


def share_redeem(*, clinician: User, code: str, request=None) -> Share:
    """Bind an invitation to a clinician. Invitations are single use and expire.

    Every failure is counted (source address, clinician, the code's first group) and, past the
    limits, redeeming pauses for an hour. A patient whose code someone tried in vain (a wrong
    code starting like theirs, or theirs after it stopped working) gets an access-log entry.
    """
    if not clinician.is_clinician:
        raise ShareError("Only clinician accounts can redeem a share code.")
    normalized = normalize_share_code(code)
    ip_address = access.client_ip(request)
    _check_share_code_limits(clinician=clinician, code=normalized, ip_address=ip_address)
    try:
        return _share_bind(clinician=clinician, code=normalized)
    except ShareError:
        _share_code_failed(clinician=clinician, code=normalized, request=request)
        raise


def _check_share_code_limits(*, clinician: User, code: str, ip_address: str | None) -> None:
    group = code[:SHARE_CODE_GROUP]
    who = Q(clinician=clinician) | Q(code_group=group)
    if ip_address:
        who |= Q(ip_address=ip_address)
    counts = (
        ShareCodeAttempt.objects.filter(at__gt=timezone.now() - SHARE_CODE_WINDOW)
        .filter(who)
        .aggregate(
            source=Count("pk", filter=Q(ip_address=ip_address) if ip_address else Q(pk=None)),
            clinician=Count("pk", filter=Q(clinician=clinician)),
            group=Count("pk", filter=Q(code_group=group)),
        )
    )
    if (
        counts["source"] >= SHARE_CODE_FAILURES_PER_SOURCE
        or counts["clinician"] >= SHARE_CODE_FAILURES_PER_CLINICIAN
    ):
        raise ShareRedeemLimited("Too many codes that did not work. Try again in an hour.")
    if counts["group"] >= SHARE_CODE_FAILURES_PER_GROUP:
        raise ShareRedeemLimited(
            "This code was tried too many times. Try again in an hour, or ask your patient "
            "for a new code."
        )


@transaction.atomic
def _share_bind(*, clinician: User, code: str) -> Share:
    share = Share.objects.select_for_update().filter(code=code).first() if code else None
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


def _share_code_failed(*, clinician: User, code: str, request=None) -> None:
    """Count a failed code and tell the patients whose code it was, or resembles."""
    exact = Share.objects.filter(code=code).select_related("patient").first() if code else None
    if exact is not None and exact.clinician_id == clinician.pk:
        return  # this clinician's own share, entered again: nothing to count or report
    ShareCodeAttempt.objects.create(
        ip_address=access.client_ip(request),
        code_group=code[:SHARE_CODE_GROUP],
        clinician=clinician,
    )
    if exact is not None:
        access.record_access(
            actor=clinician, patient=exact.patient, action="share_code_reused", request=request
        )
    if len(code) < SHARE_CODE_GROUP:
        return
    resembling = Share.objects.filter(
        code__startswith=code[:SHARE_CODE_GROUP],
        clinician__isnull=True,
        revoked_at__isnull=True,
        invite_expires_at__gt=timezone.now(),
    ).exclude(code=code)
    for share in resembling.select_related("patient"):
        access.record_access(
            actor=clinician, patient=share.patient, action="share_code_guessed", request=request
        )


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
    happened, never what was read. The lockout log (e-mail, address, browser of every log-in
    and failed attempt) and the user's failed share codes go with the account.
    """
    Share.objects.filter(patient=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    lockout_logs_forget(email=user.email)
    user.delete()


LOCKOUT_LOG_MODELS = (AccessAttempt, AccessFailureLog, AccessLog)


def lockout_logs_forget(*, email: str) -> int:
    """Delete every django-axes row about this e-mail, whatever case or spaces it was typed with."""
    username = normalise_email(email)
    deleted = 0
    for model in LOCKOUT_LOG_MODELS:
        rows = model.objects.annotate(key=Lower(Trim("username"))).filter(key=username)
        deleted += model.objects.filter(pk__in=rows.values("pk")).delete()[0]
    return deleted


def lockout_logs_purge(*, older_than: datetime) -> int:
    """Delete lockout-log rows and failed share codes older than ``older_than`` (retention)."""
    deleted = 0
    for model in LOCKOUT_LOG_MODELS:
        deleted += model.objects.filter(attempt_time__lt=older_than).delete()[0]
    deleted += ShareCodeAttempt.objects.filter(at__lt=older_than).delete()[0]
    return deleted
