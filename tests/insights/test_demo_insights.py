"""The demo patient's planted patterns (diary/demo.py) are what the insights engine finds."""

import pytest

from diary.demo import seed_patient_diary
from insights import services
from insights.selectors import current_insights
from tests.factories import PatientFactory

DEMO_DAYS = 182  # seed_demo's ~6 months


@pytest.fixture
def demo_patient(db):
    patient = PatientFactory(email="patient@example.com")
    seed_patient_diary(patient=patient, days=DEMO_DAYS, seed=1000, persona=0)
    services.recompute_patient(patient.pk)
    return patient


def test_the_demo_patient_gets_at_least_three_found_insights(demo_patient):
    found = [row.kind for row in current_insights(patient=demo_patient) if row.status == "found"]
    assert len(found) >= 3, found


@pytest.mark.parametrize(
    "kind",
    [
        "stress_letdown",
        "sleep_pain",
        "pain_spread",
        "headache_frequency",
        "medication_overuse",
    ],
)
def test_each_planted_demo_pattern_is_found(demo_patient, kind):
    row = next(row for row in current_insights(patient=demo_patient) if row.kind == kind)
    assert row.status == "found", row.summary


def test_the_demo_patient_is_shown_the_planted_alcohol_trigger_with_an_interval(demo_patient):
    row = next(r for r in current_insights(patient=demo_patient) if r.kind == "triggers")
    assert row.status == "found", row.summary
    alcohol = next(e for e in row.details["tested"] if e["key"] == "alcohol")
    assert alcohol["found"] and "alcohol" in row.details["found"]
    assert alcohol["ci_low"] > 1.0  # the adjusted interval excludes "no effect"
    assert alcohol["risk_exposed"] > alcohol["risk_unexposed"]
    assert "after alcohol, a new headache started more often" in row.summary.lower()


@pytest.fixture
def second_demo_patient(db):
    patient = PatientFactory(email="patient2@example.com")
    patient.patient_profile.tracks_cycle = True  # as seed_demo sets it
    patient.patient_profile.save()
    seed_patient_diary(patient=patient, days=DEMO_DAYS, seed=1001, persona=1)
    services.recompute_patient(patient.pk)
    return patient


def test_the_second_demo_patient_has_menstrually_related_migraine(second_demo_patient):
    rows = current_insights(patient=second_demo_patient)
    row = next(r for r in rows if r.kind == "menstrual_migraine")
    assert row.status == "found", row.summary
    assert row.details["subtype"] == "related"  # she has attacks at other times too
    assert row.details["cycles_in_a_row"] >= 3
    letdown = next(r for r in rows if r.kind == "stress_letdown")
    assert "perimenstrual days" in letdown.details.get("adjusted_for", ["perimenstrual days"])


def test_the_first_demo_patient_does_not_track_a_cycle(demo_patient):
    assert "menstrual_migraine" not in {r.kind for r in current_insights(patient=demo_patient)}
