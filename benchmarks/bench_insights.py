"""Insights recompute against a floor measured in the same run, and through a real worker.

Floor: merely loading the rows a recompute needs (the patients with their profiles, then the
live days, attacks and doses as ``values_list`` tuples: the same queries the loader runs). For
context it also prints the "ORM floor": the same rows loaded as model instances.
Recompute: ``insights.services.recompute_patient`` (load, derive the clinical day flags, run
the seven analyses, store the rows in one transaction).

1. one patient with a 3-year diary (``recompute_patient``, as after a diary write): median of
   repeated runs, first computation (every row new) and steady state (nothing changed);
2. 1,000 patients x 1 year in batches of 50 (``recompute_patients``, as the catch-up and
   nightly runs do), against the floor of loading the same batches; then, for context, one
   patient at a time against the single-patient floor;
3. the same 1,000 recomputes as ``recompute_batch`` tasks through a real Celery worker on Redis
   (``-c 2``), wall time from the first enqueue to the last stored result.

Targets: recompute / floor <= 1.5; 1,000 patients x 1 year through the worker < 60 s (2 cores).
Diaries come from ``diary.demo`` (the seed_demo simulator: realistic attacks, doses, sleep and
pain). Uses its own database (PostgreSQL ``flaremap_bench_insights`` if reachable, else SQLite).

    .venv/bin/python benchmarks/bench_insights.py [--patients 1000] [--reuse] [--strict]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, bench_database_url, setup_django  # noqa: E402

DB_NAME = "flaremap_bench_insights"
QUEUE = "bench-insights"
ZONE = "Europe/London"
TEMPLATES = 40  # distinct simulated diaries, reused with fresh ids across the 1,000 patients
LONG_EMAIL = "three-years@bench.example.com"
RATIO_TARGET, WORKER_TARGET_S = 1.5, 60.0


# --- data ---------------------------------------------------------------------------------------


def _patients(emails: list[str]) -> list:
    from accounts.models import PatientProfile, User

    users = User.objects.bulk_create(
        [User(email=email, role=User.Role.PATIENT, password="!") for email in emails]
    )
    PatientProfile.objects.bulk_create(PatientProfile(user=user, timezone=ZONE) for user in users)
    return users


def make_long_patient() -> None:
    """One patient with a 3-year diary, written through the demo's validated bulk writer."""
    from django.utils import timezone

    from diary import demo
    from diary.days import patient_today

    patient = _patients([LONG_EMAIL])[0]
    patient.refresh_from_db()
    end = patient_today(patient) - timedelta(days=1)
    plan = demo.build_plan(
        days=3 * 365, seed=3, persona=0, end=end, zone=ZoneInfo(ZONE), now=timezone.now()
    )
    demo.write_in_bulk(patient, plan)


def _template(plan, zone: ZoneInfo) -> dict:
    """Field values of one simulated diary, derived as ``diary.demo.write_in_bulk`` does."""
    from diary import scales, services

    def diary_date(moment):
        local = moment.astimezone(zone)
        shift = 1 if local.hour < scales.DAY_ROLLOVER_HOUR else 0
        return local.date() - timedelta(days=shift)

    days = []
    for plan_day in plan.days:
        fields = dict.fromkeys(services.DAY_FIELDS) | {"notes": ""} | plan_day.fields
        for code, level in plan_day.body_pain.items():
            fields[scales.pain_field(code)] = level
        tst, tib, efficiency = services.sleep_metrics(
            **{name: fields[name] for name in services.SLEEP_ITEM_FIELDS}
        )
        fields.update(total_sleep_min=tst, time_in_bed_min=tib, sleep_efficiency=efficiency)
        days.append((plan_day.date, fields))
    attacks = [
        (
            attack.id,
            {
                "started_at": attack.started_at,
                "ended_at": attack.ended_at,
                "start_date": diary_date(attack.started_at),
                "end_date": max(
                    diary_date(attack.ended_at - timedelta(seconds=1)),
                    diary_date(attack.started_at),
                ),
                "peak_intensity": attack.peak_intensity,
                "side": attack.side,
                "aura_minutes": attack.aura_minutes,
                "functional_impact": attack.functional_impact,
                **{code: code in attack.features for code in scales.MIGRAINE_FEATURE_CODES},
            },
        )
        for attack in plan.attacks
    ]
    doses = [
        (dose.medication, dose.attack, dose.taken_at, diary_date(dose.taken_at), dose.relief_2h)
        for dose in plan.doses
    ]
    medications = [
        (med.id, {"name": med.name, "med_class": med.med_class, "kind": med.kind})
        for med in plan.medications
    ]
    return {"days": days, "attacks": attacks, "doses": doses, "medications": medications}


def make_cohort(count: int) -> list[int]:
    """``count`` patients x 1 year: bulk_create from simulated templates with fresh ids."""
    from django.db import transaction
    from django.utils import timezone

    from diary import demo
    from diary.models import Day, Dose, HeadacheAttack, Medication

    zone = ZoneInfo(ZONE)
    end = timezone.now().astimezone(zone).date() - timedelta(days=2)
    now = timezone.now()
    templates = [
        _template(
            demo.build_plan(days=365, seed=100 + i, persona=i % 2, end=end, zone=zone, now=now),
            zone,
        )
        for i in range(TEMPLATES)
    ]
    users = _patients([f"cohort{i}@bench.example.com" for i in range(count)])
    for start in range(0, count, 50):
        rows = {Medication: [], HeadacheAttack: [], Dose: [], Day: []}
        for index, user in enumerate(users[start : start + 50], start=start):
            _instantiate(user, templates[index % TEMPLATES], rows)
        with transaction.atomic():
            for model in (Medication, HeadacheAttack, Dose, Day):
                model.objects.bulk_create(rows[model], batch_size=2000)
    return [user.pk for user in users]


def _instantiate(user, template: dict, rows: dict) -> None:
    from diary.models import Day, Dose, HeadacheAttack, Medication

    ids = {}
    for old_id, fields in template["medications"]:
        ids[old_id] = uuid.uuid4()
        rows[Medication].append(Medication(id=ids[old_id], patient=user, **fields))
    for old_id, fields in template["attacks"]:
        ids[old_id] = uuid.uuid4()
        rows[HeadacheAttack].append(HeadacheAttack(id=ids[old_id], patient=user, **fields))
    for medication, attack, taken_at, day, relief in template["doses"]:
        rows[Dose].append(
            Dose(
                patient=user,
                medication_id=ids[medication],
                attack_id=ids.get(attack),
                taken_at=taken_at,
                date=day,
                relief_2h=relief,
            )
        )
    for day, fields in template["days"]:
        rows[Day].append(Day(patient=user, date=day, **fields))


# --- measurements -------------------------------------------------------------------------------


def floor_once(patient_id: int) -> None:
    """Merely load one patient's rows, as ``recompute_patient`` does (a batch of one)."""
    floor_batch([patient_id])


def orm_floor_once(patient_id: int) -> None:
    """The same rows as model instances, the ORM's ordinary way (for context only)."""
    from accounts.models import User
    from diary.days import patient_today
    from diary.models import Day, Dose, HeadacheAttack

    patient = User.objects.select_related("patient_profile").get(pk=patient_id)
    until = patient_today(patient)
    live = {"patient": patient, "deleted_at__isnull": True}
    list(Day.objects.filter(date__lte=until, **live))
    list(HeadacheAttack.objects.filter(start_date__lte=until, **live))
    list(Dose.objects.filter(date__lte=until, **live).select_related("medication"))


def recompute_once(patient_id: int) -> None:
    from insights import services

    services.recompute_patient(patient_id)


def _diary_days(patient_id: int) -> int:
    from accounts.models import User
    from insights.loader import load_diary

    return load_diary(patient=User.objects.select_related("patient_profile").get(pk=patient_id)).n


def timed(function, patient_id: int) -> float:
    started = time.perf_counter()
    function(patient_id)
    return time.perf_counter() - started


def forget_insights(patient_ids) -> None:
    """Archive the patients' current insights so the next recompute writes every row, as in a
    first computation.

    The rows stay as history, as a recompute that changes an insight leaves them. Deleting
    them instead would empty the table the bench measures on (these patients are all its
    rows) and its statistics with it, a state no production table is in.
    """
    from insights.models import AnalysisState, Insight

    Insight.objects.filter(patient_id__in=patient_ids, is_current=True).update(is_current=False)
    AnalysisState.objects.filter(patient_id__in=patient_ids).update(computed_at=None)


def bench_long(patient_id: int, repeats: int) -> dict:
    floors, orm_floors, first, steady = [], [], [], []
    for _ in range(repeats):
        floors.append(timed(floor_once, patient_id))
        orm_floors.append(timed(orm_floor_once, patient_id))
        forget_insights([patient_id])
        first.append(timed(recompute_once, patient_id))
        steady.append(timed(recompute_once, patient_id))
    return {
        "floor": statistics.median(floors),
        "orm_floor": statistics.median(orm_floors),
        "first": statistics.median(first),
        "steady": statistics.median(steady),
    }


STAGES = ("patients", "load rows", "day flags", "analyses", "store")


def stage_costs(groups: list[list[int]]) -> dict[str, float]:
    """Median seconds per patient of each stage of ``recompute_patients``, timed one by one
    over ``groups`` (a first computation each time): the same calls in the same order. The
    first two stages are what the floor measures."""
    from django.utils import timezone

    from accounts.models import User
    from diary.days import patient_today, patient_zone
    from insights.analysis import analyze_diary
    from insights.loader import diary_from_rows, load_rows_many
    from insights.services import store_many

    runs = []
    for group in groups:
        forget_insights(group)
        clock = [time.perf_counter()]
        patients = list(
            User.objects.select_related("patient_profile").filter(pk__in=group).order_by("pk")
        )
        started = timezone.now()
        todays = {patient.pk: patient_today(patient) for patient in patients}
        clock.append(time.perf_counter())
        rows = load_rows_many(patients, todays=todays)
        clock.append(time.perf_counter())
        diaries = {
            patient: diary_from_rows(
                rows[patient.pk], today=todays[patient.pk], zone=patient_zone(patient)
            )
            for patient in patients
        }
        clock.append(time.perf_counter())
        results = {patient: analyze_diary(diary) for patient, diary in diaries.items()}
        clock.append(time.perf_counter())
        store_many(results, computed_at=started)
        clock.append(time.perf_counter())
        runs.append([(b - a) / len(group) for a, b in zip(clock, clock[1:], strict=False)])
    return {name: statistics.median(run[i] for run in runs) for i, name in enumerate(STAGES)}


def print_stages(label: str, stages: dict[str, float]) -> None:
    """The stages in ms per patient, and the ratio a recompute would have if the analyses
    cost nothing: what is left of the 1.5 budget once day flags and the store are paid."""
    floor = stages["patients"] + stages["load rows"]
    without_analyses = floor + stages["day flags"] + stages["store"]
    budget = RATIO_TARGET * floor - without_analyses
    print(
        f"  stages, ms per patient ({label}): "
        + ", ".join(f"{name} {1000 * stages[name]:.2f}" for name in STAGES)
    )
    computed = stages["day flags"] + stages["analyses"]
    print(
        f"    with the analyses free the ratio would be {without_analyses / floor:.2f}; "
        f"at {RATIO_TARGET} they may take {1000 * budget:.2f} ms, "
        f"they take {1000 * stages['analyses']:.2f} ms"
    )
    print(
        f"    with day flags and analyses both free it would be "
        f"{(floor + stages['store']) / floor:.2f}; at {RATIO_TARGET} the two may take "
        f"{1000 * (budget + stages['day flags']):.2f} ms together, they take "
        f"{1000 * computed:.2f} ms ({computed / (budget + stages['day flags']):.1f}x)"
    )


BATCH = 50  # patients per batch, as insights.tasks.RECOMPUTE_BATCH


def floor_batch(patient_ids: list[int]) -> None:
    """Merely load a batch's rows: the patients (with profiles) and the batch loader's three
    queries, exactly as ``recompute_patients`` loads them."""
    from accounts.models import User
    from diary.days import patient_today
    from insights.loader import load_rows_many

    patients = list(User.objects.select_related("patient_profile").filter(pk__in=patient_ids))
    load_rows_many(patients, todays={patient.pk: patient_today(patient) for patient in patients})


def recompute_batch(patient_ids: list[int]) -> None:
    from insights import services

    services.recompute_patients(patient_ids)


def bench_cohort(patient_ids: list[int]) -> dict:
    batches = [patient_ids[i : i + BATCH] for i in range(0, len(patient_ids), BATCH)]

    def run(function, units):
        started = time.perf_counter()
        for unit in units:
            function(unit)
        return time.perf_counter() - started

    floor_before = run(floor_batch, batches)
    forget_insights(patient_ids)
    first = run(recompute_batch, batches)
    steady = run(recompute_batch, batches)
    floor_after = run(floor_batch, batches)
    single_floor = run(floor_once, patient_ids)
    forget_insights(patient_ids)
    single_first = run(recompute_once, patient_ids)
    orm_floor = run(orm_floor_once, patient_ids)
    return {
        "floor": (floor_before + floor_after) / 2,
        "floor_spread": abs(floor_before - floor_after),
        "first": first,
        "steady": steady,
        "single_floor": single_floor,
        "single_first": single_first,
        "orm_floor": orm_floor,
    }


def bench_worker(patient_ids: list[int], database_url: str, warm_id: int) -> dict | None:
    """All recomputes through ``celery worker -c 2`` on Redis; None if Redis is unavailable."""
    from django.utils import timezone

    from insights.models import AnalysisState
    from insights.tasks import recompute_batch as recompute_batch_task
    from insights.tasks import recompute_patient

    redis_url = os.environ["REDIS_URL"]
    probe = subprocess.run(
        ["redis-cli", "-u", redis_url, "ping"], capture_output=True, text=True, check=False
    )
    if probe.stdout.strip() != "PONG":
        print(f"worker: skipped, Redis not reachable at {redis_url}")
        return None
    forget_insights(patient_ids)
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TESTING="0",
        CELERY_EAGER="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    log_path = Path(tempfile.gettempdir()) / "flaremap-bench-insights-worker.log"
    log = open(log_path, "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "2", "-Q", QUEUE]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        warm_started = timezone.now()
        recompute_patient.apply_async(args=(warm_id,), queue=QUEUE)
        _wait(lambda: _done([warm_id], warm_started) == 1, timeout=120)
        started_at, started = timezone.now(), time.perf_counter()
        with recompute_patient.app.producer_or_acquire() as producer:  # one connection
            for start in range(0, len(patient_ids), BATCH):
                batch = patient_ids[start : start + BATCH]
                recompute_batch_task.apply_async(args=(batch,), queue=QUEUE, producer=producer)
        enqueued = time.perf_counter() - started
        _wait(lambda: _done(patient_ids, started_at) == len(patient_ids), timeout=900)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()
    ran = AnalysisState.objects.filter(patient_id__in=patient_ids, runs__gte=1).count()
    return {"elapsed": elapsed, "enqueue": enqueued, "done": ran}


def _done(patient_ids, since) -> int:
    from insights.models import AnalysisState

    return AnalysisState.objects.filter(patient_id__in=patient_ids, computed_at__gte=since).count()


def _wait(condition, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not finish in time; see its log in the temp dir")
        time.sleep(0.2)


# --- main ---------------------------------------------------------------------------------------


def _database(reuse: bool) -> str:
    """A fresh database, or with ``--reuse`` the one a previous run left (made if missing)."""
    base = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    sqlite = ROOT / f".{DB_NAME}.sqlite3"
    if reuse and sqlite.exists():
        return f"sqlite:///{sqlite}"
    if reuse:
        probe = subprocess.run(
            ["psql", f"{base}/{DB_NAME}", "-qc", "SELECT 1"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return f"{base}/{DB_NAME}"
    return bench_database_url(DB_NAME)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=15, help="3-year runs (median)")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
    os.environ["CELERY_EAGER"] = "0"
    database_url = _database(args.reuse)
    setup_django(database_url)
    from django.db import connection

    from accounts.models import User

    vendor = connection.vendor
    started = time.perf_counter()
    if not User.objects.filter(email=LONG_EMAIL).exists():
        make_long_patient()
        make_cohort(args.patients)
    generated = time.perf_counter() - started
    long_id = User.objects.get(email=LONG_EMAIL).pk
    cohort = list(
        User.objects.filter(email__startswith="cohort")
        .order_by("pk")
        .values_list("pk", flat=True)[: args.patients]
    )
    print(f"database: {vendor}; data ready in {generated:.1f} s ({len(cohort)} cohort patients)")
    print(
        "load average at start: {:.1f} {:.1f} {:.1f} ({} cores)".format(
            *os.getloadavg(), os.cpu_count()
        )
    )

    long = bench_long(long_id, args.repeats)
    long_ratio, long_steady = long["first"] / long["floor"], long["steady"] / long["floor"]
    print(f"\n3-year diary ({_diary_days(long_id)} days), median of {args.repeats}:")
    print(f"  floor (load rows)       {1000 * long['floor']:8.2f} ms")
    print(
        f"  ORM floor (instances)   {1000 * long['orm_floor']:8.2f} ms   "
        f"recompute / ORM floor {long['first'] / long['orm_floor']:.2f}"
    )
    print(f"  recompute, first        {1000 * long['first']:8.2f} ms   ratio {long_ratio:.2f}")
    print(f"  recompute, unchanged    {1000 * long['steady']:8.2f} ms   ratio {long_steady:.2f}")
    print_stages(f"median of {args.repeats}", stage_costs([[long_id]] * args.repeats))

    cohort_result = bench_cohort(cohort)
    cohort_ratio = cohort_result["first"] / cohort_result["floor"]
    n = len(cohort)
    print(f"\n{n} patients x 1 year in batches of {BATCH} (recompute_patients), in this process:")
    print(
        f"  floor (load rows)       {cohort_result['floor']:8.2f} s "
        f"(before/after differ by {cohort_result['floor_spread']:.2f} s)"
    )
    print(f"  recompute, first        {cohort_result['first']:8.2f} s   ratio {cohort_ratio:.2f}")
    print(
        f"  recompute, unchanged    {cohort_result['steady']:8.2f} s   ratio "
        f"{cohort_result['steady'] / cohort_result['floor']:.2f}"
    )
    batches = [cohort[i : i + BATCH] for i in range(0, len(cohort), BATCH)]
    print_stages(f"{len(batches)} batches", stage_costs(batches))
    single_ratio = cohort_result["single_first"] / cohort_result["single_floor"]
    print(f"the same {n} patients one at a time (recompute_patient, as after a diary write):")
    print(f"  floor (load rows)       {cohort_result['single_floor']:8.2f} s")
    print(
        f"  recompute, first        {cohort_result['single_first']:8.2f} s   "
        f"ratio {single_ratio:.2f}"
    )
    print(
        f"  ORM floor (instances)   {cohort_result['orm_floor']:8.2f} s   "
        f"recompute / ORM floor {cohort_result['single_first'] / cohort_result['orm_floor']:.2f}"
    )

    print_stages(f"{min(n, 200)} patients", stage_costs([[pk] for pk in cohort[:200]]))

    worker = bench_worker(cohort, database_url, long_id)
    if worker:
        print(f"\n{n} patients x 1 year through a Celery worker (-c 2, Redis, batches):")
        print(
            f"  wall time {worker['elapsed']:.1f} s (enqueue {worker['enqueue']:.1f} s), "
            f"{n / worker['elapsed']:.0f} patients/s, {worker['done']} recomputed"
        )
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    met = long_ratio <= RATIO_TARGET and cohort_ratio <= RATIO_TARGET
    met = met and (worker is None or worker["elapsed"] < WORKER_TARGET_S)
    print(
        f"\ntargets: ratio <= {RATIO_TARGET} (3-year {long_ratio:.2f}, cohort {cohort_ratio:.2f}); "
        f"worker < {WORKER_TARGET_S:.0f} s"
        + (f" ({worker['elapsed']:.1f} s)" if worker else " (not run)")
        + (" -> met" if met else " -> MISSED")
    )
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
