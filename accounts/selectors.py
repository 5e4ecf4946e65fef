"""Reads for accounts that several pages and endpoints share."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User


def device_tokens(*, user: User) -> QuerySet[AuthToken]:
    """The user's live API tokens (one per signed-in phone or app), newest first."""
    return (
        AuthToken.objects.filter(user=user)
        .filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
        .select_related("device")
        .order_by("-created")
    )
