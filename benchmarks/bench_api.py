"""API throughput under gunicorn on loopback, against a floor measured in the same run.

Floor: GET /api/v1/ping/ (token-authenticated, does nothing) served by the same gunicorn.
Read:  GET /api/v1/days/?from=..&to=.. (30 days of a patient's diary).
Write: PUT /api/v1/days/<date>/ (each client writes its own patient's days).

1. Throughput: 20 clients send requests back to back (closed loop, saturating the server);
   the three phases run in interleaved rounds so drift on a shared machine hits them alike.
   Prints requests/s and the ratios read/floor and write/floor (targets >= 0.5 and >= 0.3).
   At saturation every latency is mostly queueing (about clients / throughput).
2. Latency: the same 20 clients, each sending one request every ``--pace-ms`` (default 200 ms,
   100 requests/s offered): p50/p95 per phase (target p95 < 100 ms), no errors.

    .venv/bin/python benchmarks/bench_api.py [--clients 20] [--requests 40] [--rounds 3]
"""

import argparse
import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, bench_database_url, setup_django, summarize  # noqa: E402

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_patients(count: int) -> list[tuple[str, list[str]]]:
    """Patients with 60 days of diary each; returns (token, writable dates) per patient."""
    from django.utils import timezone
    from knox.models import AuthToken

    from accounts.services import patient_register
    from diary.models import Day

    today = timezone.localdate()
    patients = []
    for index in range(count):
        user = patient_register(
            email=f"bench{index}@example.com", password="bench-pass-123", timezone="UTC"
        )
        Day.objects.bulk_create(
            Day(
                patient=user,
                date=today - timedelta(days=offset),
                stress=offset % 11,
                sleep_quality=1 + offset % 5,
                total_sleep_min=360 + offset % 120,
                pain_neck=1 + offset % 10,
                pain_lower_back=1 + (offset * 3) % 10,
            )
            for offset in range(1, 61)
        )
        _, token = AuthToken.objects.create(user=user)
        dates = [(today - timedelta(days=offset)).isoformat() for offset in range(61, 400)]
        patients.append((token, dates))
    return patients


def start_gunicorn(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="0",
        TESTING="0",
        SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        THROTTLE_WRITES="100000/min",
        LOG_LEVEL="WARNING",
        # Production shape: writes enqueue recomputes on Redis (debounced), no worker needed.
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    )
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
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


def run_phase(port, patients, requests_per_client, make_request, pace: float = 0.0) -> dict:
    """Each client on its own keep-alive connection; ``pace`` > 0: one request per ``pace``
    seconds per client (a late response starts the next request at once)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(index):
        token, dates = patients[index % len(patients)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local, local_errors = [], []
        due = time.perf_counter() + pace * index / len(patients)  # spread the starts
        for n in range(requests_per_client):
            if pace:
                time.sleep(max(0.0, due - time.perf_counter()))
                due += pace
            method, path, body = make_request(index, n, dates)
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            local.append(time.perf_counter() - start)
            if response.status >= 400:
                local_errors.append(f"{method} {path} -> {response.status}")
        conn.close()
        with lock:
            latencies.extend(local)
            errors.extend(local_errors)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(patients))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "errors": errors}


def merge(runs: list[dict]) -> dict:
    """One phase over all its rounds: requests / time spent in that phase."""
    latencies = [value for run in runs for value in run["latencies"]]
    errors = [error for run in runs for error in run["errors"]]
    elapsed = sum(run["elapsed"] for run in runs)
    return {"rps": len(latencies) / elapsed, "errors": errors, **summarize(latencies)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40, help="requests per client per phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved throughput rounds")
    parser.add_argument("--pace-ms", type=float, default=200.0, help="latency phase pacing")
    args = parser.parse_args()

    database_url = bench_database_url("flaremap_bench_api")
    setup_django(database_url)
    from django.utils import timezone

    patients = make_patients(args.clients)
    today = timezone.localdate()
    start, end = (today - timedelta(days=30)).isoformat(), (today - timedelta(days=1)).isoformat()
    write_body = json.dumps({"stress": 5, "sleep_quality": 3, "body_pain": {"neck": 4}})
    written = [itertools.count() for _ in patients]  # each write creates a new day
    phases = {
        "floor": lambda i, n, d: ("GET", "/api/v1/ping/", None),
        "read": lambda i, n, d: ("GET", f"/api/v1/days/?from={start}&to={end}", None),
        "write": lambda i, n, d: ("PUT", f"/api/v1/days/{d[next(written[i])]}/", write_body),
    }
    port = free_port()
    server = start_gunicorn(database_url, port, args.workers)
    try:
        run_phase(port, patients, 5, phases["floor"])  # warm-up: connections, caches
        rounds = {name: [] for name in phases}
        for _ in range(args.rounds):
            for name, make_request in phases.items():
                rounds[name].append(run_phase(port, patients, args.requests, make_request))
        results = {name: merge(runs) for name, runs in rounds.items()}
        paced = {
            name: merge([run_phase(port, patients, 10, make, pace=args.pace_ms / 1000)])
            for name, make in phases.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=20)
        subprocess.run(["redis-cli", "-n", "14", "flushdb"], capture_output=True)
    floor = results["floor"]["rps"]
    report = {
        "clients": args.clients,
        "gunicorn_workers": args.workers,
        "rounds": args.rounds,
        "database": database_url.split(":")[0],
        "throughput": {name: _public(r) for name, r in results.items()},
        "paced": {name: _public(r) for name, r in paced.items()} | {"pace_ms": args.pace_ms},
        "read_ratio": results["read"]["rps"] / floor,
        "write_ratio": results["write"]["rps"] / floor,
    }
    print(f"throughput, {args.clients} clients back to back, {args.rounds} interleaved rounds:")
    _print_phases(results)
    print(f"read/floor ratio  {report['read_ratio']:.2f} (target >= 0.5)")
    print(f"write/floor ratio {report['write_ratio']:.2f} (target >= 0.3)")
    offered = args.clients * 1000 / args.pace_ms
    print(
        f"latency, {args.clients} clients, one request each per {args.pace_ms:.0f} ms "
        f"({offered:.0f} req/s offered; target p95 < 100 ms):"
    )
    _print_phases(paced)
    print(json.dumps(report))
    failed = any(r["errors"] for r in (*results.values(), *paced.values()))
    return 1 if failed else 0


def _public(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "errors"} | {"errors": len(result["errors"])}


def _print_phases(results: dict) -> None:
    for name in ("floor", "read", "write"):
        r = results[name]
        print(
            f"  {name:5}: {r['rps']:7.1f} req/s  p50 {r['p50_ms']:6.1f} ms  "
            f"p95 {r['p95_ms']:6.1f} ms  errors {len(r['errors'])}"
        )
        for error in r["errors"][:3]:
            print("     ", error)


if __name__ == "__main__":
    sys.exit(main())
