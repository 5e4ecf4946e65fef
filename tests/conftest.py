"""Shared fixtures. The personas make authorization tests read like stories:

- ``alice``: a patient with a diary; ``bob``: another patient;
- ``carol``: a clinician alice shares with; ``dave``: a clinician with no share;
- ``erin``: a clinician whose share from alice was revoked.
"""

from contextlib import contextmanager

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PASSWORD, ClinicianFactory, PatientFactory, ShareFactory


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def alice(db):
    return PatientFactory(email="alice@example.com")


@pytest.fixture
def bob(db):
    return PatientFactory(email="bob@example.com")


@pytest.fixture
def carol(db, alice):
    clinician = ClinicianFactory(email="carol@example.com")
    ShareFactory(patient=alice, clinician=clinician, scope_notes=False)
    return clinician


@pytest.fixture
def dave(db):
    return ClinicianFactory(email="dave@example.com")


@pytest.fixture
def erin(db, alice):
    clinician = ClinicianFactory(email="erin@example.com")
    ShareFactory(patient=alice, clinician=clinician, revoked_at=timezone.now())
    return clinician


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)``: an APIClient authenticated as ``user`` (or anonymous for None)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def broker_queue(settings):
    """Send tasks to the real Redis broker on a queue of this test's own (skips without
    PostgreSQL and REDIS_URL); pair it with ``tests.workers.Worker(broker_queue)``."""
    from tests.workers import new_queue, require_real_services

    require_real_services()
    queue = new_queue()
    with celery_settings(task_always_eager=False, task_default_queue=queue):
        settings.INSIGHTS_DEBOUNCE_SECONDS = 0
        yield queue


@contextmanager
def celery_settings(**changes):
    """Change the Celery app's settings for a block and put them back (``conf.update``, the
    public API; Celery refuses attribute patching of its settings)."""
    from config.celery import app

    previous = {name: app.conf[name] for name in changes}
    app.conf.update(changes)
    try:
        yield app.conf
    finally:
        app.conf.update(previous)


@pytest.fixture
def not_eager():
    """Tasks are sent to the broker instead of running in-process (tests patch the sending)."""
    with celery_settings(task_always_eager=False) as conf:
        yield conf


@pytest.fixture
def vapid_keys(settings):
    """A fresh VAPID key pair for the server (accounts.push), as production sets it."""
    from py_vapid import Vapid

    from accounts import push

    key = Vapid()
    key.generate_keys()
    raw = key.private_key.private_numbers().private_value.to_bytes(32, "big")
    settings.VAPID_PRIVATE_KEY = push.b64url(raw)
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:ops@flaremap.example"
    push.vapid.cache_clear()
    settings.VAPID_PUBLIC_KEY = push.public_key()
    yield settings.VAPID_PUBLIC_KEY
    push.vapid.cache_clear()


@pytest.fixture
def push_receiver():
    """A local push service (tests/push_service.py) on http://127.0.0.1:<port>/."""
    from tests.push_service import PushReceiver

    receiver = PushReceiver()
    yield receiver
    receiver.close()
