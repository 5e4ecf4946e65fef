"""Property-based bad input: whatever JSON or form data arrives, the API and the check-in
answer with a 2xx or a 4xx carrying field errors, never a 500, and a refused write stores
nothing (hypothesis generates the bodies; the CSV parser has its own layer in
tests/diary/test_csv_import.py)."""

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.api.serializers import (
    AttackSerializer,
    DaySerializer,
    DoseSerializer,
    MedicationSerializer,
)
from diary.days import patient_today
from diary.models import Day, Dose, HeadacheAttack, Medication
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", "23:30", "25:61", "2026-02-30", "2026-03-01T08:00:00Z", "neck", "nsaid"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def bodies(serializer):
    """Objects whose keys are mostly the resource's own fields, with any JSON as values."""
    names = sorted(serializer().fields) + ["body_pain", "unknown"]
    return st.dictionaries(st.sampled_from(names) | st.text(max_size=6), JSON, max_size=6)


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WRITE_STATUSES = {200, 201, 400, 404, 409, 412}


def _snapshot(model, patient) -> list[dict]:
    return sorted(
        (
            model_to_dict(row) | {"version": row.version}
            for row in model.objects.filter(patient=patient)
        ),
        key=str,
    )


@pytest.fixture
def patient():
    return PatientFactory()


@SETTINGS
@given(body=bodies(DaySerializer), method=st.sampled_from(["put", "patch"]))
def test_any_day_body_is_saved_or_refused_with_field_errors(api_as, patient, body, method):
    api = api_as(patient)
    url = f"/api/v1/days/{patient_today(patient) - timedelta(days=1)}/"
    before = _snapshot(Day, patient)
    response = getattr(api, method)(url, body, format="json")
    assert response.status_code in WRITE_STATUSES, response.content
    if response.status_code >= 400:
        assert isinstance(response.json(), dict) and response.json()
        assert _snapshot(Day, patient) == before


@SETTINGS
@given(
    case=st.sampled_from(
        [
            ("headaches", AttackSerializer, HeadacheAttack),
            ("medications", MedicationSerializer, Medication),
            ("doses", DoseSerializer, Dose),
        ]
    ).flatmap(lambda case: st.tuples(st.just(case), bodies(case[1])))
)
def test_any_object_body_is_created_or_refused_with_field_errors(api_as, patient, case):
    (resource, _serializer, model), body = case
    before = _snapshot(model, patient)
    response = api_as(patient).post(f"/api/v1/{resource}/", body, format="json")
    assert response.status_code in WRITE_STATUSES, response.content
    if response.status_code >= 400:
        assert response.json()
        assert _snapshot(model, patient) == before


@SETTINGS
@given(operations=st.lists(JSON, max_size=4))
def test_any_batch_answers_per_item_or_refuses_the_envelope(api_as, patient, operations):
    response = api_as(patient).post(
        "/api/v1/sync/batch/", {"operations": operations}, format="json"
    )
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        assert all(item["status"] in WRITE_STATUSES | {204} for item in response.json()["results"])


@SETTINGS
@given(
    form=st.dictionaries(
        st.sampled_from(
            [
                "stress",
                "bedtime",
                "final_wake",
                "rise_time",
                "sleep_latency_min",
                "headache",
                "peak_intensity",
                "started_at",
                "ended_at",
                "mood",
                "fatigue",
                "notes",
                "version",
                "pain_neck",
                "pain_jaw_left",
                "aura_minutes",
                "action",
                "unknown",
            ]
        ),
        st.text(max_size=10) | st.sampled_from(["", "7", "-1", "11", "23:30", "99:99", "on"]),
        max_size=8,
    )
)
def test_any_check_in_post_is_saved_or_shown_again_with_errors(client, patient, form):
    client.force_login(patient)
    day = patient_today(patient) - timedelta(days=1)
    before = _snapshot(Day, patient)
    response = client.post(f"/diary/day/{day}/", form)
    assert response.status_code in (200, 302), response.status_code
    form_shown = response.status_code == 200 and response.context and response.context.get("form")
    if form_shown and response.context["form"].errors:
        assert _snapshot(Day, patient) == before
