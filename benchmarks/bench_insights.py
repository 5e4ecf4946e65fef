"""Insights recompute: one 3-year diary in process, and 1,000 patient-years through a worker.

1. ``insights.services.recompute_patient`` on a simulated 3-year diary (``diary.demo``), as after
   a diary write: median and p95 of ``--repeats`` runs. Target < 50 ms. For information, the
   ratio to a floor: loading the same patient's days, attacks and doses as model instances.
2. ``--patients`` (1,000) patients x 1 year as ``insights.tasks.recompute_batch`` tasks of 50
   through a real ``celery worker -c 2`` on Redis, wall time from the first enqueue to the last
   result. Target < 60 s. For information, the same batches in this process
   (``recompute_patients``).

    python benchmarks/bench_insights.py [--patients 1000] [--repeats 30] [--reuse] [--quick]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import data  # noqa: E402

DB_NAME = "flaremap_bench_insights"
QUEUE = "bench-insights"
BATCH = 50
SINGLE_TARGET_MS, WORKER_TARGET_S = 50.0, 60.0


def load_floor(patient_id: int) -> None:
    """The rows a recompute reads, as plain ORM instances (the floor, for information)."""
    from accounts.models import User
    from diary.models import Day, Dose, HeadacheAttack

    patient = User.objects.select_related("patient_profile").get(pk=patient_id)
    list(Day.objects.filter(patient=patient, deleted_at__isnull=True))
    list(HeadacheAttack.objects.filter(patient=patient, deleted_at__isnull=True))
    list(Dose.objects.filter(patient=patient, deleted_at__isnull=True).select_related("medication"))


def recompute(patient_id: int) -> None:
    from insights import services

    services.recompute_patient(patient_id)


def single(patient_id: int, repeats: int) -> dict:
    floors, runs = [], []
    recompute(patient_id)  # warm-up: imports, connection
    for _ in range(repeats):
        floors.append(common.timed(load_floor, patient_id))
        runs.append(common.timed(recompute, patient_id))
    return {"floor": common.summary_ms(floors), "recompute": common.summary_ms(runs)}


def in_process(batches: list[list[int]]) -> float:
    from insights import services

    started = time.perf_counter()
    for batch in batches:
        services.recompute_patients(batch)
    return time.perf_counter() - started


def through_worker(url: str, batches: list[list[int]]) -> dict:
    """Every batch as a ``recompute_batch`` task on a real worker; wall time to the last result."""
    from insights.tasks import recompute_batch

    log = Path(tempfile.gettempdir()) / "flaremap-bench-insights-worker.log"
    with open(log, "w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "2", "-Q", QUEUE]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
            cwd=common.ROOT,
            env=common.server_env(url),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            recompute_batch.apply_async(args=(batches[0],), queue=QUEUE).get(timeout=120)  # warm
            started = time.perf_counter()
            results = [recompute_batch.apply_async(args=(b,), queue=QUEUE) for b in batches]
            enqueued = time.perf_counter() - started
            done = sum(result.get(timeout=900) for result in results)
            elapsed = time.perf_counter() - started
        finally:
            common.stop(worker)
            subprocess.run(["redis-cli", "-u", common.REDIS_URL, "flushdb"], capture_output=True)
    return {"elapsed": elapsed, "enqueue": enqueued, "done": done}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args()
    years, templates, days = 3, 20, 365
    if args.quick:
        args.patients, args.repeats, years, templates, days = 100, 5, 1, 4, 120
    url = common.database_url(DB_NAME + ("_quick" if args.quick else ""), reuse=args.reuse)
    common.setup_django(url, redis=True)  # tasks go to Redis, as in production
    started = time.perf_counter()
    long_id = data.long_patient(years=years)
    added = data.grow(args.patients, templates=templates, days=days)
    if added:
        common.analyze()
    print(f"data ready in {time.perf_counter() - started:.1f} s ({added} patients added)")
    print(common.load_average(), "(start)")

    result = single(long_id, args.repeats)
    floor, run = result["floor"], result["recompute"]
    print(f"\n{years}-year diary, recompute_patient, {args.repeats} runs:")
    print(f"  recompute  median {run['median_ms']:6.1f} ms  p95 {run['p95_ms']:6.1f} ms")
    print(
        f"  floor (the same rows as ORM instances)  median {floor['median_ms']:6.1f} ms; "
        f"ratio {run['median_ms'] / floor['median_ms']:.2f}"
    )

    ids = data.patient_ids(args.patients)
    batches = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
    in_proc = in_process(batches)
    print(f"\n{len(ids)} patients x 1 year, batches of {BATCH}:")
    print(f"  in this process (recompute_patients)   {in_proc:6.1f} s")
    worker = through_worker(url, batches)
    print(
        f"  Celery worker -c 2 over Redis           {worker['elapsed']:6.1f} s wall "
        f"(enqueue {worker['enqueue']:.2f} s, {worker['done']} patients recomputed)"
    )
    print(common.load_average(), "(end)")
    ok = run["median_ms"] < SINGLE_TARGET_MS and worker["elapsed"] < WORKER_TARGET_S
    print(
        f"targets: {years}-year recompute {run['median_ms']:.1f} < {SINGLE_TARGET_MS:.0f} ms, "
        f"worker {worker['elapsed']:.1f} < {WORKER_TARGET_S:.0f} s -> {'met' if ok else 'MISSED'}"
    )
    return 0 if worker["done"] == len(ids) else 1


if __name__ == "__main__":
    sys.exit(main())
