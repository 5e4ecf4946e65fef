"""Celery application; reliability settings (late acks, prefetch 1, limits) are in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("flaremap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
