"""Start real Celery worker processes for tests (PostgreSQL + Redis only).

The worker is a separate process, so it reads the committed rows of the pytest-django test
database through DATABASE_URL. Each test uses its own queue so workers never steal each
other's messages.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SLOW_WORKER = Path(__file__).resolve().parent / "slow_worker.py"


def require_real_services() -> None:
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (DATABASE_URL)")


def test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # not a test, despite the name


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


class Worker:
    """A celery worker subprocess consuming one queue; optional slow recompute for fault tests."""

    def __init__(self, queue: str, *, delay: float = 0.0, marker: Path | None = None, **env):
        self.queue = queue
        self.log_path = ROOT / f".worker-{queue}-{uuid.uuid4().hex[:4]}.log"
        full_env = dict(
            os.environ,
            DATABASE_URL=test_database_url(),
            TESTING="0",
            CELERY_EAGER="0",
            DJANGO_SETTINGS_MODULE="config.settings",
            **env,
        )
        args = [
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if delay:
            command = [sys.executable, str(SLOW_WORKER), str(delay), str(marker), *args]
        else:
            command = [sys.executable, "-m", "celery", *args]
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        """SIGKILL: the worker dies without acknowledging or restoring its message."""
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
        self.log_path.unlink(missing_ok=True)

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
