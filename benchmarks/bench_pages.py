"""Page weight and server time of the main pages, production-shaped (gunicorn, DEBUG off,
hashed static files compressed by WhiteNoise, gzip for HTML), in Debian Chromium.

Pages: the patient's today, calendar and trends; the clinician dashboard with 500 patients and
the one-page report. First load = empty cache; cached = the same page opened again.
Targets: < 150 KB on first load, < 30 KB cached. Exits 1 if a target is missed.

    .venv/bin/python benchmarks/bench_pages.py
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, database_url, free_port, setup_django  # noqa: E402

BIN = Path(sys.executable).parent
FIRST_LIMIT_KB, CACHED_LIMIT_KB = 150, 30
CLINIC_PATIENTS = 500


def build_world() -> int:
    """Demo world plus 499 more patients sharing with the clinician (60 days each)."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Share, User
    from accounts.services import patient_register
    from diary.models import Day

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    clinician = User.objects.get(email="clinician@example.com")
    today = timezone.localdate()
    for index in range(CLINIC_PATIENTS - 1):
        patient = patient_register(email=f"load{index}@example.com", password="x" * 12)
        Share.objects.create(patient=patient, clinician=clinician, redeemed_at=timezone.now())
        Day.objects.bulk_create(
            Day(
                patient=patient,
                date=today - timedelta(days=d),
                stress=(d * 7 + index) % 11,
                headache=(d + index) % 4 == 0,
                pain_neck=1 + d % 9,
            )
            for d in range(1, 61)
        )
    return User.objects.get(email="patient@example.com").pk


def start_server(database_url: str, static_root: str, port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="0",
        TESTING="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=static_root,
        SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    )
    env.pop("REDIS_URL", None)
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    time.sleep(2)
    return process


def measure(port: int, patient_id: int) -> dict:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    pages = {
        "patient": ["/diary/today/", "/diary/calendar/", "/diary/trends/"],
        "clinician": ["/clinic/patients/", f"/clinic/patients/{patient_id}/report/"],
    }
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for role, paths in pages.items():
            for path in paths:
                context = browser.new_context(viewport={"width": 390, "height": 844})
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", f"{role}@example.com")
                page.fill("#id_password", "demo-pass-123")
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.clearBrowserCache")  # the login page cached the base CSS
                sizes: dict[str, int] = {}

                def finished(event, sizes=sizes):
                    sizes[event["requestId"]] = event["encodedDataLength"]

                cdp.on("Network.loadingFinished", finished)
                weights = []
                for _ in ("first", "cached"):
                    sizes.clear()
                    started = time.perf_counter()
                    response = page.goto(base + path, wait_until="networkidle")
                    elapsed = time.perf_counter() - started
                    assert response.status == 200, (path, response.status)
                    weights.append((sum(sizes.values()) / 1024, elapsed * 1000))
                results[path] = {
                    "first_kb": round(weights[0][0], 1),
                    "cached_kb": round(weights[1][0], 1),
                    "load_ms": round(weights[1][1]),
                }
                context.close()
        browser.close()
    return results


def main() -> int:
    url = database_url("flaremap_bench_pages")
    setup_django(url)
    patient_id = build_world()
    port = free_port()
    with tempfile.TemporaryDirectory() as static_root:
        server = start_server(url, static_root, port)
        try:
            results = measure(port, patient_id)
        finally:
            server.terminate()
            server.wait(timeout=20)
    failed = False
    for path, r in results.items():
        ok = r["first_kb"] < FIRST_LIMIT_KB and r["cached_kb"] < CACHED_LIMIT_KB
        failed |= not ok
        print(
            f"{path:32} first {r['first_kb']:6.1f} KB  cached {r['cached_kb']:5.1f} KB  "
            f"load {r['load_ms']:5d} ms  {'ok' if ok else 'OVER TARGET'}"
        )
    print(json.dumps(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
