"""The one place that answers "may this user read this patient's data, and which parts?".

Every diary/insight selector, page and API endpoint that returns patient data resolves the
patient through ``readable_patient`` (single patient) or ``readable_patients`` (lists), and every
clinician read is recorded with ``record_access``. A patient always reads themself; a clinician
reads a patient only through an active share with the requested scope.
"""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import AccessEvent, Share, User

SCOPES = ("diary", "insights", "notes")


def active_shares() -> QuerySet[Share]:
    """Shares that currently grant access: redeemed, not revoked, not past their end date."""
    today = timezone.now().date()
    return Share.objects.filter(
        clinician__isnull=False, revoked_at__isnull=True, patient__is_active=True
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _scope_filter(scope: str) -> Q:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    return Q(**{f"scope_{scope}": True})


def readable_patients(reader: User, scope: str = "diary") -> QuerySet[User]:
    """Patients whose data ``reader`` may read in ``scope`` (the reader themself if a patient)."""
    if not reader.is_authenticated or not reader.is_active:
        return User.objects.none()
    if reader.is_patient:
        return User.objects.filter(pk=reader.pk)
    if reader.is_clinician:
        shared = active_shares().filter(_scope_filter(scope), clinician=reader)
        return User.objects.filter(pk__in=shared.values("patient_id"), is_active=True)
    return User.objects.none()


@dataclass(frozen=True)
class Grant:
    """What a reader may see of one patient."""

    patient: User
    is_self: bool
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return self.is_self or scope in self.scopes


def grant_for(reader: User, patient_id) -> Grant:
    """Resolve a patient for a reader, or raise Http404 so that ids never leak."""
    if not reader.is_authenticated or not reader.is_active:
        raise Http404("No such patient.")
    if reader.is_patient:
        if str(patient_id) != str(reader.pk):
            raise Http404("No such patient.")
        return Grant(patient=reader, is_self=True, scopes=frozenset(SCOPES))
    if not reader.is_clinician:
        raise Http404("No such patient.")
    try:
        patient_pk = int(patient_id)
    except (TypeError, ValueError):
        raise Http404("No such patient.") from None
    shares = list(
        active_shares().filter(clinician=reader, patient_id=patient_pk).select_related("patient")
    )
    if not shares:
        raise Http404("No such patient.")
    scopes = {scope for share in shares for scope in share.scopes}
    return Grant(patient=shares[0].patient, is_self=False, scopes=frozenset(scopes))


def readable_patient(reader: User, patient_id, scope: str = "diary") -> User:
    """The patient, if ``reader`` may read them in ``scope``; Http404 otherwise."""
    grant = grant_for(reader, patient_id)
    if not grant.allows(scope):
        raise Http404("No such patient.")
    return grant.patient


def client_ip(request) -> str | None:
    """The client's address: the peer, or behind ``PROXY_COUNT`` proxies the address the
    outermost one saw (counted from the right of X-Forwarded-For, which a client cannot forge).

    One answer for the access log, the share-code limits and django-axes
    (``AXES_CLIENT_IP_CALLABLE``), so they all count the same client.
    """
    if request is None:
        return None
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies and _is_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def record_access(*, actor: User, patient: User, action: str, request=None) -> None:
    """Append one audit row for a read of ``patient`` by someone other than the patient."""
    record_bulk_access(actor=actor, patients=[patient], action=action, request=request)


def record_bulk_access(*, actor: User, patients, action: str, request=None) -> None:
    """One audit row per patient for list views (e.g. the clinician dashboard), in one query."""
    path = request.get_full_path() if request is not None else ""
    user_agent = request.headers.get("User-Agent", "") if request is not None else ""
    rows = [
        AccessEvent(
            actor=actor,
            actor_label=actor.display_name[:254],
            patient=patient,
            action=action[:40],
            path=path[:300],
            ip_address=client_ip(request),
            user_agent=user_agent[:200],
        )
        for patient in patients
        if patient.pk != actor.pk
    ]
    AccessEvent.objects.bulk_create(rows)
