"""Start the production web server (gunicorn) for tests that need real HTTP (PostgreSQL only).

Like ``tests.workers``: gunicorn is a separate process, so it reads the committed rows of the
pytest-django test database; pair it with ``django_db(transaction=True)``.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time

from tests.workers import ROOT, test_database_url, wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn config.wsgi`` on 127.0.0.1 with production settings (DEBUG and TESTING off)."""

    def __init__(self, **env):
        self.port = free_port()
        full_env = dict(
            os.environ,
            DATABASE_URL=test_database_url(),
            DJANGO_SETTINGS_MODULE="config.settings",
            TESTING="0",
            DEBUG="0",
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
            **env,
        )
        full_env.pop("CELERY_EAGER", None)
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        if not wait_for(self._answers, timeout=30):
            self.stop()
            raise RuntimeError("gunicorn did not start")

    def _answers(self) -> bool:
        try:
            return self.request("GET", "/healthz/")[0] in (200, 503)
        except OSError:
            return False

    def request(self, method, path, body=None, *, headers=None, chunked=False):
        """(status, parsed JSON or text, headers) of one request on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers or {})
        payload = None if body is None else json.dumps(body).encode()
        if payload is not None:
            headers.setdefault("Content-Type", "application/json")
        try:
            if chunked:
                return self._chunked(method, path, payload, headers)
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(text) if is_json else text, dict(response.getheaders())

    def _chunked(self, method, path, payload: bytes, headers: dict):
        """A request with a chunked body, written at once (the server may answer before it
        reads the body) on a raw socket, and its reply read to the end."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines += ["Transfer-Encoding: chunked", "Connection: close", "", ""]
        chunk = f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n"
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as raw:
            raw.sendall("\r\n".join(lines).encode() + chunk)
            reply = b""
            while data := raw.recv(65536):
                reply += data
        head, _, text = reply.decode().partition("\r\n\r\n")
        status_line, *header_lines = head.split("\r\n")
        reply_headers = dict(line.split(": ", 1) for line in header_lines)
        is_json = reply_headers.get("Content-Type", "").startswith("application/json")
        return int(status_line.split()[1]), json.loads(text) if is_json else text, reply_headers

    def stop(self) -> str:
        """Stop the server and return what it logged."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.stdout.read().decode(errors="replace")


def until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
