"""The benchmarks' data generators and entry points, on a tiny size, so they cannot rot unseen.

No timing is asserted: the figures come from ``python benchmarks/<file>.py``.
"""

import json
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench_api  # noqa: E402
import bench_insights  # noqa: E402
import bench_scale  # noqa: E402
import common  # noqa: E402
import data  # noqa: E402

from diary.models import Day  # noqa: E402
from insights.models import Insight  # noqa: E402


@pytest.mark.django_db
def test_templates_clinician_and_in_process_entry_points_run_on_a_tiny_size():
    data.grow(2, templates=2, days=20)
    first, second = data.patient_ids(2)
    assert Day.objects.filter(patient_id=first).count() > 10
    assert Insight.objects.filter(patient_id=second, is_current=True).exists()
    clinician = data.clinician_with_patients(2)

    bench_insights.load_floor(first)
    assert bench_insights.single(first, repeats=1)["recompute"]["n"] == 1
    assert len(bench_scale.measure_recompute(first, repeats=2)) == 2
    assert len(bench_scale.measure_dashboard(clinician, repeats=1)) == 1
    assert data.clinician_with_patients(2) == clinician  # idempotent, as --reuse needs


@pytest.mark.postgres
@pytest.mark.django_db
def test_copied_patients_get_the_template_diary_and_insights_under_their_own_ids():
    if connection.vendor != "postgresql":
        pytest.skip("the bulk copy uses PostgreSQL COPY")
    data.grow(3, templates=1, days=20)
    template, *copies = data.patient_ids(3)
    template_days = set(Day.objects.filter(patient_id=template).values_list("date", "stress"))
    for patient_id in copies:
        days = Day.objects.filter(patient_id=patient_id)
        assert set(days.values_list("date", "stress")) == template_days
        assert all(f"{patient_id:08x}" == str(pk)[:8] for pk in days.values_list("pk", flat=True))
        current = Insight.objects.filter(patient_id=patient_id, is_current=True)
        assert current.count() == Insight.objects.filter(patient_id=template).count()
    assert data.last_diary_day(copies[0]) == max(d for d, _ in template_days)
    assert data.grow(3, templates=1, days=20) == 0


class _Diary(BaseHTTPRequestHandler):
    """Answers like the diary API: a list for GET, the new version for PUT."""

    def do_GET(self):
        self._answer(200, {"results": []})

    def do_PUT(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.headers["If-Match"] == '"1"' and body["stress"] == 1
        self._answer(200, {}, etag='"2"')

    def _answer(self, status, body, etag='"1"'):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_the_paced_load_sends_reads_and_if_match_writes_and_counts_them():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Diary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        phone = bench_api.Phone("token", date(2026, 3, 31))
        phone.days = [{"date": "2026-03-02", "version": 1, "stress": 0}]
        reads = common.http_load(port, [phone], rate=200, count=4, max_seconds=5)
        phone.mode = "write"
        writes = common.http_load(port, [phone], rate=0, count=1, max_seconds=5)
        reader = bench_scale.Reader("token", date(2026, 3, 31))
        pings = common.http_load(port, [reader], rate=0, count=2, max_seconds=5)
    finally:
        server.shutdown()
    assert (reads["n"], writes["n"], pings["n"]) == (4, 1, 2)
    assert not reads["errors"] + writes["errors"] + pings["errors"]
    assert phone.days[0]["version"] == 2
