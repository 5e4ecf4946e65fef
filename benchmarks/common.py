"""Shared helpers: a benchmark database, Django setup, gunicorn, a paced HTTP load, statistics."""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
SECRET_KEY = "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"


# --- database and Django ------------------------------------------------------------------------


def _psql(database: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", f"{POSTGRES}/{database}", "-qAtc", sql], capture_output=True, text=True
    )


def database_exists(name: str) -> bool:
    return _psql(name, "SELECT 1").returncode == 0


def database_url(name: str, *, reuse: bool = False, template: str | None = None) -> str:
    """A PostgreSQL database (names start with ``flaremap_bench``): kept with ``reuse``,
    otherwise dropped and created empty, or as a copy of ``template``."""
    assert name.startswith("flaremap_bench"), name
    if not (reuse and database_exists(name)):
        create = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", create):
            result = _psql("postgres", sql)
            if result.returncode:
                raise SystemExit(f"PostgreSQL at {POSTGRES} is needed: {result.stderr.strip()}")
    return f"{POSTGRES}/{name}"


def server_env(url: str, **extra) -> dict:
    """Production-shaped settings (DEBUG off, Redis for Celery and the cache), on loopback."""
    return dict(
        os.environ,
        DATABASE_URL=url,
        REDIS_URL=REDIS_URL,
        DEBUG="0",
        TESTING="0",
        CELERY_EAGER="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        THROTTLE_WRITES="1000000/min",
        THROTTLE_AUTH="100000/min",
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore:No directory at",  # static files are not collected here
        DJANGO_SETTINGS_MODULE="config.settings",
        **extra,
    )


def setup_django(url: str, *, redis: bool = False) -> None:
    """Django in this process on ``url``, migrated. Without ``redis`` tasks run in-process and
    the cache is local memory, so nothing here depends on a broker."""
    env = server_env(url)
    if not redis:
        env.pop("REDIS_URL")
        env["CELERY_EAGER"] = "1"
    os.environ.update(env)
    if not redis:
        os.environ.pop("REDIS_URL", None)
    warnings.filterwarnings("ignore", "No directory at")  # static files are not collected
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (this machine runs with autovacuum off)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


# --- statistics ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict:
    return {
        "n": len(seconds),
        "median_ms": 1000 * statistics.median(seconds) if seconds else float("nan"),
        "p95_ms": 1000 * percentile(seconds, 95),
    }


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


# --- gunicorn and HTTP load ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int, *, workers: int = 2) -> subprocess.Popen:
    """``gunicorn config.wsgi:application`` as docker-compose's web runs it, on loopback."""
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env=server_env(url),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def server_cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time (user + system) spent so far by the workers of a gunicorn master (Linux /proc;
    0 elsewhere). Per request it is a cost that a busy shared machine does not inflate much,
    unlike latency."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == process.pid:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def login(port: int, email: str, password: str) -> str:
    """A device token from the public token endpoint."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"email": email, "password": password, "device_name": "bench"})
    conn.request("POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    if response.status != 201:
        raise RuntimeError(f"login {email}: {response.status} {data}")
    return data["token"]


def http_load(port: int, clients: list, *, rate: float, count: int, max_seconds: float) -> dict:
    """Open-loop load: request ``i`` is due at ``i / rate`` s; ``clients`` (objects with
    ``token`` and ``next_request()`` -> (method, path, body, headers), and optionally
    ``answered(status, headers)``) take turns, each on its own keep-alive connection.
    ``rate`` 0 means back to back (saturation). A latency counts from the request's due time,
    so a late start (all connections busy) is counted as waiting, not hidden. Stops issuing
    after ``max_seconds``."""
    latencies, errors = [], []
    lock = threading.Lock()
    started = time.perf_counter()
    stop_at = started + max_seconds

    def run(slot: int) -> None:
        client = clients[slot]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, my_errors = [], []
        for i in range(slot, count, len(clients)):
            due = started + i / rate if rate else time.perf_counter()
            now = time.perf_counter()
            if now >= stop_at:
                break
            if due > now:
                time.sleep(due - now)
            method, path, body, headers = client.next_request()
            headers = {"Authorization": f"Token {client.token}", **headers}
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - due)
            if response.status >= 400:
                my_errors.append(f"{method} {path} -> {response.status}")
            if hasattr(client, "answered"):
                client.answered(response.status, response)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(my_errors)

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    summary = summary_ms(latencies)
    return {"rps": len(latencies) / elapsed, "errors": errors, "latencies": latencies, **summary}


def print_load(name: str, result: dict) -> None:
    print(
        f"  {name:24} {result['n']:5d} requests  {result['rps']:6.1f} req/s  "
        f"median {result['median_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms  "
        f"errors {len(result['errors'])}"
    )
    for error in result["errors"][:3]:
        print("     ", error)
