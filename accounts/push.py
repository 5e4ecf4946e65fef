"""Web Push to a user's browsers: RFC 8030 delivery, RFC 8291 encryption, RFC 8292 VAPID.

pywebpush encrypts each message for one browser (its P-256 key and auth secret) and signs a
VAPID token with our key, so the push service knows who sends and cannot read the message. The
VAPID key comes from settings (``VAPID_PRIVATE_KEY``, ``VAPID_PUBLIC_KEY``, ``VAPID_SUBJECT``);
a local run without them (``VAPID_LOCAL_KEY_FILE``, DEBUG) generates one key pair once and keeps
it in a git-ignored file. With neither, push is off and reminders go by e-mail.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import os
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from accounts.models import PushSubscription, User

logger = logging.getLogger(__name__)

GONE = {404, 410}  # the push service forgot this subscription: delete it (RFC 8030 §7.3)
TIMEOUT_SECONDS = 10
# Failures in a row (no success between) after which a browser is given up: reminders go by
# e-mail instead of waiting on an endpoint that stopped answering. Re-subscribing brings it back.
MAX_FAILURES_IN_A_ROW = 10
BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@cache
def vapid() -> Vapid | None:
    """Our VAPID signing key, or None when push is not configured."""
    if settings.VAPID_PRIVATE_KEY:
        key = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    elif settings.VAPID_LOCAL_KEY_FILE:
        key = _local_key(Path(settings.VAPID_LOCAL_KEY_FILE))
    else:
        return None
    if settings.VAPID_PUBLIC_KEY and public_key_of(key) != settings.VAPID_PUBLIC_KEY:
        raise ValueError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY.")
    return key


def _local_key(path: Path) -> Vapid:
    """Read the local key pair, generating it on first use (never committed: .gitignore)."""
    if not path.exists():
        key = Vapid()
        key.generate_keys()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(key.private_pem())
        logger.info("Generated a local VAPID key pair in %s", path)
    return Vapid.from_file(str(path))


def public_key_of(key: Vapid) -> str:
    return b64url(
        key.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def public_key() -> str:
    """The applicationServerKey browsers subscribe with ("" when push is off)."""
    key = vapid()
    return public_key_of(key) if key else ""


def send(subscription: PushSubscription, payload: dict, *, ttl: int) -> bool:
    """Post one encrypted message; True if the push service accepted it.

    A 404/410 deletes the subscription; other failures count on it and are logged, and
    ``MAX_FAILURES_IN_A_ROW`` of them delete it too.
    """
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    session = requests.Session()
    session.max_redirects = 0  # the endpoint was validated; do not follow it elsewhere
    try:
        webpush(
            info,
            data=json.dumps(payload),
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=ttl,
            timeout=TIMEOUT_SECONDS,
            headers={"Urgency": "normal"},
            requests_session=session,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE:
            subscription.delete()
            return False
        _failed(subscription, f"push service answered {status}")
        return False
    except requests.RequestException as error:
        _failed(subscription, type(error).__name__)
        return False
    PushSubscription.objects.filter(pk=subscription.pk).update(
        last_success_at=timezone.now(), failure_count=0
    )
    return True


def _failed(subscription: PushSubscription, reason: str) -> None:
    logger.warning("push to subscription %s failed: %s", subscription.pk, reason)
    rows = PushSubscription.objects.filter(pk=subscription.pk)
    rows.update(failure_count=F("failure_count") + 1)
    rows.filter(failure_count__gte=MAX_FAILURES_IN_A_ROW).delete()


def notify(user: User, payload: dict, *, ttl: int) -> int:
    """Send to every subscription of the user; how many browsers accepted it."""
    if vapid() is None:
        return 0
    return sum(send(sub, payload, ttl=ttl) for sub in user.push_subscriptions.all())


# --- what a browser may register -----------------------------------------------------------------

P256_POINT_BYTES = 65  # uncompressed point: 0x04 || X || Y
AUTH_SECRET_BYTES = 16


def endpoint_problem(url: str, *, allow_local: bool) -> str | None:
    """Why this push endpoint is refused, or None. We post to it from the server, so only
    https push services on the internet (http://127.0.0.1 for local runs and tests)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if allow_local and parts.scheme == "http" and host == "127.0.0.1":
        return None
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return "Give the push service's https:// endpoint."
    if host == "localhost" or host.endswith(".localhost") or "." not in host or _is_ip(host):
        return "The endpoint must be a push service on the internet."
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def key_problem(text: str, *, size: int, point: bool = False) -> str | None:
    """Why this base64url browser key is refused (wrong alphabet, length or curve), or None."""
    try:
        raw = b64url_decode(text.rstrip("=")) if BASE64URL.fullmatch(text) else None
    except ValueError:  # binascii.Error: a length no base64 text can have
        raw = None
    if raw is None:
        return "Give the key in base64url."
    if len(raw) != size:
        return f"The key must be {size} bytes; this one is {len(raw)}."
    if point:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            return "The key is not a P-256 public key."
    return None
