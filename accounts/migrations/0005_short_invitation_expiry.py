"""Invitations now expire after 72 hours. Old 8-symbol codes keep working, but no longer than
72 hours from this migration: they have fewer bits than new codes."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def cap_pending_invitations(apps, schema_editor):
    Share = apps.get_model("accounts", "Share")
    latest = timezone.now() + timedelta(hours=72)
    Share.objects.filter(
        clinician__isnull=True, revoked_at__isnull=True, invite_expires_at__gt=latest
    ).update(invite_expires_at=latest)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_share_code_attempts")]

    operations = [migrations.RunPython(cap_pending_invitations, migrations.RunPython.noop)]
