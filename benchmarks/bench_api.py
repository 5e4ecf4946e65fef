"""The diary API under gunicorn on PostgreSQL, as a phone uses it.

gunicorn runs ``config.wsgi`` as docker-compose's web does (3 workers, DEBUG off, Redis for the
cache and for the recompute each write enqueues), on 127.0.0.1. Each of ``--clients`` clients
is its own patient with a simulated year of diary and signs in through ``/api/v1/auth/token/``.

1. Paced, open loop: ``--rate`` requests/s (default 100) for ``--seconds``, latency counted
   from each request's due time. Read: ``GET /api/v1/days/?from=..&to=..`` (30 days). Write:
   ``PUT /api/v1/days/<date>/`` of a day just read, with ``If-Match``. Targets: read p95 < 50 ms,
   write p95 < 80 ms.
2. Saturated, for information: the clients send back to back; throughput of read and write
   and their ratio to ``GET /api/v1/ping/`` (a trivial DRF view) in interleaved rounds.

    python benchmarks/bench_api.py [--rate 100] [--seconds 10] [--clients 20] [--reuse] [--quick]
"""

import argparse
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import data  # noqa: E402

DB_NAME = "flaremap_bench_api"
READ_TARGET_MS, WRITE_TARGET_MS = 50.0, 80.0


class Phone:
    """One patient's app: reads its last 30 days, writes back one of them with If-Match."""

    def __init__(self, token: str, end):
        self.token = token
        self.window = f"from={end - timedelta(days=29)}&to={end}"
        self.mode = "read"
        self.days: list[dict] = []
        self.turn = 0

    def next_request(self):
        if self.mode == "ping":
            return "GET", "/api/v1/ping/", None, {}
        if self.mode == "read":
            return "GET", f"/api/v1/days/?{self.window}", None, {}
        self.turn += 1
        day = self.days[self.turn % len(self.days)]
        body = {key: value for key, value in day.items() if key not in ("version", "updated_at")}
        body["stress"] = self.turn % 11
        headers = {"Content-Type": "application/json", "If-Match": f'"{day["version"]}"'}
        self.current = day
        return "PUT", f"/api/v1/days/{day['date']}/", json.dumps(body), headers

    def answered(self, status: int, response) -> None:
        if self.mode == "write" and status < 300:
            self.current["version"] = int(response.getheader("ETag").strip('W/"'))


def fetch_days(port: int, phone: Phone) -> list[dict]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "GET", f"/api/v1/days/?{phone.window}", headers={"Authorization": f"Token {phone.token}"}
    )
    body = json.loads(conn.getresponse().read())
    return body["results"] if isinstance(body, dict) else body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=100.0, help="paced requests per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="paced phase length")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (compose: 3)")
    parser.add_argument("--saturated", type=int, default=300, help="requests per saturated round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.rate, args.saturated, args.rounds = 4, 2, 50, 40, 1
    url = common.database_url(DB_NAME + ("_quick" if args.quick else ""), reuse=args.reuse)
    common.setup_django(url)
    data.grow(args.clients, templates=4, days=90 if args.quick else 365)
    common.analyze()
    ends = [data.last_diary_day(pk) for pk in data.patient_ids(args.clients)]
    print(common.load_average(), "(start)")

    port = common.free_port()
    server = common.start_gunicorn(url, port, workers=args.workers)
    try:
        phones = []
        for index, end in enumerate(ends):
            token = common.login(port, data.PATIENT_EMAIL.format(index), data.BENCH_PASSWORD)
            phones.append(Phone(token, end))
        for phone in phones:
            phone.days = fetch_days(port, phone)
        results = run(port, phones, args, server)
    finally:
        common.stop(server)
        subprocess.run(["redis-cli", "-u", common.REDIS_URL, "flushdb"], capture_output=True)
    print(common.load_average(), "(end)")
    read, write = results["paced read"], results["paced write"]
    ok = read["p95_ms"] < READ_TARGET_MS and write["p95_ms"] < WRITE_TARGET_MS
    print(
        f"targets: read p95 {read['p95_ms']:.1f} < {READ_TARGET_MS:.0f} ms, write p95 "
        f"{write['p95_ms']:.1f} < {WRITE_TARGET_MS:.0f} ms -> {'met' if ok else 'MISSED'}"
    )
    errors = sum(len(result["errors"]) for result in results.values())
    return 0 if errors == 0 else 1


def run(port: int, phones: list[Phone], args, server) -> dict:
    count = int(args.rate * args.seconds)
    results = {}
    print(
        f"paced, open loop: {args.rate:.0f} requests/s for {args.seconds:.0f} s, "
        f"{len(phones)} clients"
    )
    for mode in ("ping", "read", "write"):
        for phone in phones:
            phone.mode = mode
        common.http_load(port, phones, rate=0, count=2 * len(phones), max_seconds=30)  # warm
        cpu = common.server_cpu_seconds(server)
        result = common.http_load(
            port, phones, rate=args.rate, count=count, max_seconds=3 * args.seconds
        )
        cpu = common.server_cpu_seconds(server) - cpu
        common.print_load(mode, result)
        print(f"  {'':24} gunicorn CPU {1000 * cpu / result['n']:.1f} ms a request")
        results[f"paced {mode}"] = result
    rounds = {"ping": [], "read": [], "write": []}
    for _ in range(args.rounds):
        for mode, runs in rounds.items():
            for phone in phones:
                phone.mode = mode
            runs.append(
                common.http_load(port, phones, rate=0, count=args.saturated, max_seconds=120)
            )
    print(f"saturated, {len(phones)} clients back to back, {args.rounds} interleaved rounds:")
    for mode, runs in rounds.items():
        merged = {
            "rps": sum(r["rps"] for r in runs) / len(runs),
            "errors": [e for r in runs for e in r["errors"]],
            "n": sum(r["n"] for r in runs),
            "median_ms": sum(r["median_ms"] for r in runs) / len(runs),
            "p95_ms": max(r["p95_ms"] for r in runs),
        }
        results[f"saturated {mode}"] = merged
        common.print_load(mode, merged)
    floor = results["saturated ping"]["rps"]
    print(
        f"  throughput / ping: read {results['saturated read']['rps'] / floor:.2f}, "
        f"write {results['saturated write']['rps'] / floor:.2f} (before the machinery 0.42 / 0.31)"
    )
    return results


if __name__ == "__main__":
    sys.exit(main())
