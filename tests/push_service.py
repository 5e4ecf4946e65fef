"""A local Web Push service and browser for tests: no real push service is reachable here.

``PushReceiver`` is a real HTTP server (a thread) standing in for the push service: it records
every message and answers a chosen status. ``Browser`` holds what a browser's PushManager makes,
a real P-256 key pair and a 16-byte auth secret, and decrypts a message with them per RFC 8291
(aes128gcm), as the browser would. ``vapid_claims`` checks the RFC 8292 Authorization header.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Delivery:
    path: str
    headers: Message  # case-insensitive, as HTTP header names are
    body: bytes


class PushReceiver:
    """The push service endpoint on http://127.0.0.1:<port>/ answering ``status``."""

    def __init__(self, status: int = 201):
        self.status = status
        self.deliveries: list[Delivery] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.deliveries.append(Delivery(self.path, self.headers, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Browser:
    """One browser's push subscription keys, generated the way PushManager does."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self, endpoint: str) -> dict:
        """What ``PushSubscription.toJSON()`` gives the page."""
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }

    def decrypt(self, body: bytes) -> dict:
        """RFC 8291: ECDH with the sender's key in the aes128gcm header, our auth secret."""
        plain = http_ece.decrypt(
            body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


def vapid_claims(authorization: str, *, public_key: str) -> dict:
    """Verify ``vapid t=<JWT>, k=<key>`` (RFC 8292): the key is ours and signed the ES256 JWT.

    Returns the JWT claims; raises AssertionError / InvalidSignature otherwise.
    """
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    parts = dict(part.strip().split("=", 1) for part in params.split(","))
    assert parts["k"] == public_key
    header_b64, claims_b64, signature_b64 = parts["t"].split(".")
    assert json.loads(unb64url(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = unb64url(signature_b64)
    assert len(signature) == 64  # JWS ES256: r || s
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(unb64url(claims_b64))
