"""Scale: costs that must not grow with other patients' data, from 100 to 10,000 patients.

Build: 100 patients with a year of simulated diary each (``diary.demo`` templates copied in bulk
with ``COPY``, see ``data.py``), kept as ``flaremap_bench_scale_100``; copied and grown to 500
with a clinician whom all 500 share with (``_500``); copied and grown to 10,000
(``flaremap_bench_scale``). Each is analysed (``VACUUM ANALYZE``) after its bulk load.

Measure, on the same patients in each database, in ``--rounds`` interleaved rounds (100, 500,
10,000, 100, ...) so that the load of a shared machine hits every size alike:

- API read: ``GET /api/v1/days/?from=..&to=..`` (30 days) under gunicorn (one per database,
  2 workers), paced open loop at ``--rate`` requests/s, p95 (and the ping floor, for information);
- a single ``insights.services.recompute_patient`` of a 1-year diary, median and p95;
- the clinician dashboard page ``/clinic/patients/`` of the clinician with 500 patients
  (Django's test client, cache emptied before each load), median and p95.

Each figure is the median over the rounds of that round's p95 (or median), so one round that
met a burst of load elsewhere does not decide it. Also printed: the gunicorn workers' CPU per
read, a cost that a busy machine inflates far less than latency.

Target: each figure at 10,000 patients within 1.5x of the smallest database that has it.
``--reuse`` keeps the databases between runs; ``--quick`` is a smoke run on small sizes.

    python benchmarks/bench_scale.py [--reuse] [--quick] [--rounds 3]
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import data  # noqa: E402

DB_NAME = "flaremap_bench_scale"
RATIO_TARGET = 1.5
MEASURES = (  # key, label, part of the target
    ("read", "API 30-day read, p95", True),
    ("ping", "  ping floor, p95", False),
    ("read_cpu", "  gunicorn CPU per read", False),
    ("recompute", "recompute 1 year, median", True),
    ("recompute_p95", "recompute 1 year, p95", False),
    ("dashboard", "dashboard page, median", True),
    ("dashboard_p95", "dashboard page, p95", False),
)


class Reader:
    """A phone reading its patient's last 30 days (or pinging, for the floor)."""

    def __init__(self, token: str, end: date):
        self.token = token
        self.path = f"/api/v1/days/?from={end - timedelta(days=29)}&to={end}"
        self.ping = False

    def next_request(self):
        return "GET", "/api/v1/ping/" if self.ping else self.path, None, {}


def measure_recompute(patient_id: int, *, repeats: int) -> list[float]:
    from insights import services

    services.recompute_patient(patient_id)  # warm-up: imports, connection
    return [common.timed(services.recompute_patient, patient_id) for _ in range(repeats)]


def measure_dashboard(clinician, *, repeats: int) -> list[float]:
    """The clinician's dashboard page, computed afresh each time (the cache emptied first)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client, override_settings

    # Static URLs without a collected manifest (gunicorn is not involved here).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    client = Client()
    client.force_login(clinician)
    runs = []
    with override_settings(STORAGES=settings.STORAGES | {"staticfiles": plain}):
        client.get("/clinic/patients/")  # warm-up: imports, template compilation
        for _ in range(repeats):
            cache.clear()
            started = time.perf_counter()
            response = client.get("/clinic/patients/")
            runs.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    return runs


# --- subprocess entry points (one database each) ------------------------------------------------


def build(args) -> dict:
    """Grow ``args.db`` to ``args.size`` patients (and the clinician once it has enough)."""
    common.setup_django(common.database_url(args.db, reuse=True))
    started = time.perf_counter()
    added = data.grow(args.size, templates=args.templates, days=args.days)
    if args.size >= args.dashboard:
        data.clinician_with_patients(args.dashboard)
    generated = time.perf_counter() - started
    if added:
        common.analyze()
    return {"added": added, "generated_s": generated, "ready_s": time.perf_counter() - started}


def measure(args) -> dict:
    """One round of the in-process figures on ``args.db``, and the API clients' end dates."""
    from django.contrib.auth import get_user_model

    common.setup_django(common.database_url(args.db, reuse=True))
    ids = data.patient_ids(args.clients)
    clinician = get_user_model().objects.filter(email=data.CLINICIAN_EMAIL).first()
    return {
        "recompute": measure_recompute(ids[0], repeats=args.repeats),
        "dashboard": measure_dashboard(clinician, repeats=args.dashboard_repeats)
        if clinician
        else [],
        "ends": [str(data.last_diary_day(pk)) for pk in ids],
    }


def _subprocess(args, task: str, db: str, size: int = 0) -> dict:
    command = [sys.executable, __file__, f"--{task}", db, "--size", str(size)]
    for name in ("dashboard", "templates", "days", "clients", "repeats", "dashboard_repeats"):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    output = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- the run ------------------------------------------------------------------------------------


def prepare(args, sizes: list[int]) -> list[str]:
    """The databases, smallest first, each grown from a copy of the one before."""
    names = [f"{DB_NAME}_{size}" for size in sizes[:-1]] + [DB_NAME]
    if args.quick:
        names = [f"{name}_quick" if name == DB_NAME else name + "q" for name in names]
    previous = None
    for size, name in zip(sizes, names, strict=True):
        kept = args.reuse and common.database_exists(name)
        if not kept:
            common.database_url(name, template=previous)
        built = _subprocess(args, "build", name, size)
        note = (
            f"{built['added']:,} added in {built['generated_s']:.1f} s, "
            f"analysed and ready in {built['ready_s']:.1f} s"
        )
        print(f"{name}: {size:,} patients; {note if built['added'] else 'reused'}", flush=True)
        previous = name
    return names


def run_api(port: int, readers: list[Reader], args, *, ping: bool) -> dict:
    for reader in readers:
        reader.ping = ping
    count = int(args.rate * args.seconds)
    return common.http_load(
        port, readers, rate=args.rate, count=count, max_seconds=3 * args.seconds
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=10_000, help="the big database")
    parser.add_argument("--dashboard", type=int, default=500, help="the clinician's patients")
    parser.add_argument("--templates", type=int, default=20, help="simulated diaries")
    parser.add_argument("--days", type=int, default=365, help="diary length")
    parser.add_argument("--clients", type=int, default=20, help="API clients (patients)")
    parser.add_argument("--rate", type=float, default=100.0, help="API requests/s")
    parser.add_argument("--seconds", type=float, default=5.0, help="API phase per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=10, help="recomputes per round")
    parser.add_argument("--dashboard-repeats", type=int, default=3, help="loads per round")
    parser.add_argument("--reuse", action="store_true", help="keep the databases")
    parser.add_argument("--quick", action="store_true", help="smoke run on small sizes")
    parser.add_argument("--build", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build or args.measure:
        args.db = args.build or args.measure
        print(json.dumps(build(args) if args.build else measure(args)))
        return 0
    first = 100
    if args.quick:
        args.patients, args.dashboard, args.templates, args.days, first = 200, 30, 4, 60, 30
        args.clients, args.rate, args.seconds, args.rounds = 4, 50, 1, 1
        args.repeats, args.dashboard_repeats = 3, 2
    sizes = sorted({first, args.dashboard, args.patients})
    print(common.load_average(), "(start)", flush=True)
    names = prepare(args, sizes)
    print(common.load_average(), "(data ready)", flush=True)
    figures = {name: {key: [] for key, _, _ in MEASURES} for name in names}
    servers, ports = {}, {}
    try:
        for name in names:
            ports[name] = common.free_port()
            servers[name] = common.start_gunicorn(f"{common.POSTGRES}/{name}", ports[name])
        readers = {}
        for round_number in range(args.rounds):
            for name in names:
                result = _subprocess(args, "measure", name)
                figures[name]["recompute"].append(result["recompute"])
                figures[name]["dashboard"].append(result["dashboard"])
                if name not in readers:
                    readers[name] = [
                        Reader(
                            common.login(
                                ports[name], data.PATIENT_EMAIL.format(i), data.BENCH_PASSWORD
                            ),
                            date.fromisoformat(end),
                        )
                        for i, end in enumerate(result["ends"])
                    ]
                    run_api(ports[name], readers[name], args, ping=False)  # warm-up
                for key, ping in (("ping", True), ("read", False)):
                    cpu = common.server_cpu_seconds(servers[name])
                    outcome = run_api(ports[name], readers[name], args, ping=ping)
                    cpu = common.server_cpu_seconds(servers[name]) - cpu
                    if outcome["errors"]:
                        raise SystemExit(f"{name}: API errors {outcome['errors'][:3]}")
                    figures[name][key].append(outcome["latencies"])
                    if not ping:
                        figures[name]["read_cpu"].append([cpu / outcome["n"]])
            print(
                f"round {round_number + 1} of {args.rounds} done; {common.load_average()}",
                flush=True,
            )
    finally:
        for server in servers.values():
            common.stop(server)
        subprocess.run(["redis-cli", "-u", common.REDIS_URL, "flushdb"], capture_output=True)
    print(common.load_average(), "(end)")
    report(figures, names, sizes, args)
    return 0


def _value(rounds: list[list[float]], key: str) -> float | None:
    """The median over the rounds of each round's figure: one round that met a burst of
    load elsewhere on the machine does not decide the result."""
    if not any(rounds):
        return None
    if key == "read_cpu":
        return 1000 * statistics.median(samples[0] for samples in rounds)
    figure = "median_ms" if key in ("recompute", "dashboard") else "p95_ms"
    return statistics.median(common.summary_ms(samples)[figure] for samples in rounds)


def report(figures: dict, names: list[str], sizes: list[int], args) -> None:
    print(f"\n{'(ms)':28}" + "".join(f"{size:>9,}" for size in sizes) + "   ratio  rounds x n")
    met = True
    for key, label, targeted in MEASURES:
        samples = key.removesuffix("_p95")
        values = [_value(figures[name][samples], key) for name in names]
        known = [v for v in values if v is not None]
        ratio = known[-1] / known[0]
        met &= ratio <= RATIO_TARGET or not targeted
        cells = "".join(f"{v:9.1f}" if v is not None else f"{'-':>9}" for v in values)
        rounds = figures[names[-1]][samples]
        count = f"{len(rounds)} x {len(rounds[0])}"
        print(f"{label:28}{cells}   {ratio:5.2f}  {count}")
    print(
        f"ratio: {sizes[-1]:,} patients / the smallest with the figure (dashboard: a clinician "
        f"with {args.dashboard} patients). Target <= {RATIO_TARGET} -> "
        + ("met" if met else "MISSED")
    )


if __name__ == "__main__":
    sys.exit(main())
