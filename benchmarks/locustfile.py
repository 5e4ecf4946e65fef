"""Bigger load runs than benchmarks/bench_api.py, with Locust (installed by the dev extras).

    .venv/bin/locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000 \
        --users 100 --spawn-rate 10 --run-time 2m --headless

Each simulated phone signs in once (FLAREMAP_EMAIL / FLAREMAP_PASSWORD, default: the demo
patient) and then mixes the calls a mobile app makes: read the last 30 days, save today,
sync changes since its last sync, read insights. Loopback or your own test hosts only.
"""

import os
import random
from datetime import date, timedelta

from locust import HttpUser, between, task

EMAIL = os.environ.get("FLAREMAP_EMAIL", "patient@example.com")
PASSWORD = os.environ.get("FLAREMAP_PASSWORD", "demo-pass-123")


class PhoneUser(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        response = self.client.post(
            "/api/v1/auth/token/", json={"email": EMAIL, "password": PASSWORD}
        )
        response.raise_for_status()
        self.client.headers["Authorization"] = f"Token {response.json()['token']}"
        self.since = "2000-01-01T00:00:00Z"

    @task(5)
    def read_month(self):
        end = date.today() - timedelta(days=1)
        start = end - timedelta(days=29)
        self.client.get(f"/api/v1/days/?from={start}&to={end}", name="/api/v1/days/?from&to")

    @task(2)
    def save_a_day(self):
        day = date.today() - timedelta(days=random.randint(1, 60))
        body = {"stress": random.randint(0, 10), "body_pain": {"neck": random.randint(1, 10)}}
        self.client.put(f"/api/v1/days/{day}/", json=body, name="/api/v1/days/<date>/")

    @task(2)
    def sync_changes(self):
        self.client.get(f"/api/v1/days/?updated_since={self.since}", name="/api/v1/days/?since")

    @task(1)
    def insights(self):
        self.client.get("/api/v1/insights/")
