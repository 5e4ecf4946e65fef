"""A Celery worker whose recompute announces itself (marker file) and then sleeps, so a fault
test can kill it mid-task. Usage: slow_worker.py DELAY MARKER <celery worker args...>"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from config.celery import app  # noqa: E402
from insights import services  # noqa: E402

delay, marker = float(sys.argv[1]), Path(sys.argv[2])
real_recompute = services.recompute_patient


def slow_recompute(patient_id):
    marker.write_text(str(patient_id))
    time.sleep(delay)
    return real_recompute(patient_id)


services.recompute_patient = slow_recompute
app.worker_main(sys.argv[3:])
