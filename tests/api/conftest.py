"""A small realistic world for API tests: alice's diary (a day with notes, an attack, a
medication, a dose and a questionnaire), written through diary.services like any client would.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from diary import selectors, services

DAY = date(2026, 3, 2)


@dataclass
class Diary:
    day: object
    attack: object
    medication: object
    dose: object
    questionnaire: object
    trigger: object = None

    def key(self, resource: str) -> str:
        if resource == "days":
            return self.day.date.isoformat()
        return str(self.object(resource).pk)

    def object(self, resource: str):
        return {
            "days": self.day,
            "headaches": self.attack,
            "medications": self.medication,
            "doses": self.dose,
            "questionnaires": self.questionnaire,
            "triggers": self.trigger,
        }[resource]


def write_diary(patient, day: date = DAY, medication_name: str = "Sumatriptan") -> Diary:
    started = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    diary_day, _ = services.day_upsert(
        patient=patient, date=day, stress=6, body_pain={"neck": 4}, notes="private day note"
    )
    attack, _ = services.attack_upsert(
        patient=patient,
        started_at=started,
        ended_at=started + timedelta(hours=5),
        peak_intensity=7,
        nausea=True,
        notes="private attack note",
    )
    medication, _ = services.medication_upsert(
        patient=patient, name=medication_name, med_class="triptan"
    )
    dose, _ = services.dose_upsert(
        patient=patient, medication=medication, attack=attack, taken_at=started
    )
    questionnaire, _ = services.questionnaire_upsert(
        patient=patient, instrument="pss4", date=day, answers=[1, 2, 3, 1]
    )
    trigger = selectors.triggers_for(patient=patient).first()  # one per patient is enough
    if trigger is None:
        trigger, _ = services.trigger_upsert(patient=patient, name="Bright sunlight")
    return Diary(diary_day, attack, medication, dose, questionnaire, trigger)


@pytest.fixture
def alice_diary(alice):
    return write_diary(alice)


@pytest.fixture
def token_client(api_client):
    """``token_client(user)``: an APIClient with a real knox token (auth queries included)."""
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        _, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


def pytest_terminal_summary(terminalreporter):
    """How much the schemathesis run fuzzed (tests/api/test_fuzz.py), for the CI log."""
    import sys

    fuzz = sys.modules.get("tests.api.test_fuzz")
    if fuzz is not None and fuzz.SENT["requests"]:
        terminalreporter.write_line(
            f"schemathesis: {fuzz.SENT['requests']} generated requests over "
            f"{len(fuzz.SENT['operations'])} API operations"
        )


PROBLEM_MEMBERS = {"type", "title", "status", "detail", "errors"}


def field_messages(body: dict) -> dict:
    """The ``field -> messages`` part of a 400 problem body, after checking its problem members
    (every error has a code and names its field)."""
    assert body["type"] == "urn:flaremap:problem:invalid" and body["status"] == 400, body
    assert body["errors"] and all(set(e) == {"code", "detail", "attr"} for e in body["errors"])
    return {name: value for name, value in body.items() if name not in PROBLEM_MEMBERS}


def problem_detail(body: dict) -> dict:
    """``{"code", "detail"}`` of a problem body with one error (404, 401, 412, 429, 503...)."""
    assert set(body) >= PROBLEM_MEMBERS and len(body["errors"]) == 1, body
    return {"code": body["type"].rsplit(":", 1)[1], "detail": body["detail"]}
