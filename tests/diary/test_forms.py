"""diary.forms: input checks of the check-in, medication and questionnaire forms."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from diary import checkin, services
from diary.forms import (
    STRESS_LABELS,
    CheckinForm,
    MedicationForm,
    QuestionnaireForm,
    diary_moment,
    pain_label,
    scale_label,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def form_for(patient, data, day=TODAY):
    context = checkin.load_checkin(patient=patient, day=day)
    return CheckinForm(data, context=context)


def test_a_clock_time_before_four_belongs_to_the_next_calendar_date():
    assert diary_moment(TODAY, time(1, 30), LONDON) == datetime(2026, 3, 11, 1, 30, tzinfo=LONDON)
    assert diary_moment(TODAY, time(4, 0), LONDON) == datetime(2026, 3, 10, 4, 0, tzinfo=LONDON)


def test_scale_words_explain_each_value():
    assert scale_label(6, STRESS_LABELS) == "Moderate"
    assert scale_label(7, STRESS_LABELS) == "High"  # not "Moderate" (issue 23)
    assert scale_label(10, STRESS_LABELS) == "Worst imaginable"
    assert [pain_label(v) for v in (3, 4, 7)] == ["3 – mild", "4 – moderate", "7 – severe"]


def test_an_empty_check_in_is_valid(alice):
    form = form_for(alice, {})
    assert form.is_valid(), form.errors


def test_every_problem_is_reported_at_once(alice):
    form = form_for(
        alice,
        {
            "stress": "11",
            "notes": "x" * 2001,
            "headache": "yes",
            "attack_start": "10:00",
            "attack_end": "09:00",
            "attack_peak": "4",
            "pain_neck": "0",
        },
        day=date(2026, 3, 9),
    )
    assert not form.is_valid()
    assert {"stress", "notes", "attack_end", "pain_neck"} <= set(form.errors)


def test_end_before_start_suggests_the_next_day_box(alice):
    form = form_for(
        alice,
        {"headache": "yes", "attack_start": "22:00", "attack_end": "06:00", "attack_peak": "5"},
        day=date(2026, 3, 9),
    )
    assert not form.is_valid()
    assert "It ended the next day" in form.errors["attack_end"][0]


def test_attack_details_need_a_peak(alice):
    form = form_for(alice, {"headache": "yes", "attack_start": "08:00"})
    assert not form.is_valid()
    assert "0–10" in form.errors["attack_peak"][0]


def test_attack_details_are_ignored_when_there_was_no_headache(alice):
    form = form_for(alice, {"headache": "no", "attack_start": "25:00", "attack_peak": "4"})
    # a malformed time is still a field error; a well-formed one would simply be ignored
    assert "attack_start" in form.errors
    form = form_for(alice, {"headache": "no", "attack_start": "08:00", "attack_peak": "4"})
    assert form.is_valid()
    assert "attack_started_at" not in form.cleaned_data


def test_the_start_of_an_attack_from_an_earlier_day_cannot_be_changed_here(alice):
    started = datetime(2026, 3, 9, 20, tzinfo=LONDON)
    services.attack_upsert(patient=alice, started_at=started, peak_intensity=5)
    form = form_for(alice, {"headache": "yes", "attack_start": "09:00", "attack_peak": "5"})
    assert form.fields["attack_start"].disabled
    assert form.is_valid(), form.errors
    assert form.cleaned_data["attack_started_at"] == started


def test_a_taken_medication_needs_a_time(alice):
    medication, _ = services.medication_upsert(patient=alice, name="Aspirin", med_class="nsaid")
    key = f"med_{medication.pk.hex}"
    form = form_for(alice, {f"{key}_take": "on"})
    assert not form.is_valid()
    assert form.errors[f"{key}_time"] == ["When did you take Aspirin?"]


def test_dose_amount_and_quantity_must_be_positive(alice):
    medication, _ = services.medication_upsert(patient=alice, name="Aspirin", med_class="nsaid")
    key = f"med_{medication.pk.hex}"
    form = form_for(
        alice,
        {
            f"{key}_take": "on",
            f"{key}_time": "09:00",
            f"{key}_amount": "-5",
            f"{key}_quantity": "0",
        },
    )
    assert not form.is_valid()
    assert {f"{key}_amount", f"{key}_quantity"} <= set(form.errors)


def test_a_posted_area_that_does_not_exist_is_reported(alice):
    form = form_for(alice, {"pain_elbow": "4", "pain_tail": "2"})
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Unknown body area(s): elbow, tail. Use the areas on the body map."
    ]


def test_each_of_the_19_areas_has_a_none_to_10_choice(alice):
    form = form_for(alice, None)
    fields = form.pain_fields()
    assert len(fields) == 19
    assert [value for value, _ in fields[0].field.choices] == ["", *range(1, 11)]


def test_medication_stop_date_cannot_precede_its_start():
    form = MedicationForm(
        {
            "name": "Propranolol",
            "med_class": "other",
            "kind": "preventive",
            "started_on": "2026-02-01",
            "stopped_on": "2026-01-31",
        }
    )
    assert not form.is_valid()
    assert "stopped_on" in form.errors


def test_medication_usual_dose_must_be_positive():
    form = MedicationForm(
        {"name": "Aspirin", "med_class": "nsaid", "kind": "acute", "default_amount": "0"}
    )
    assert "default_amount" in form.errors


def test_medication_form_gives_the_service_its_fields():
    form = MedicationForm(
        {"name": "Aspirin", "med_class": "nsaid", "kind": "acute", "default_amount": "300"}
    )
    assert form.is_valid()
    assert form.cleaned_data["default_amount"] == Decimal("300")
    assert set(form.cleaned_data) == set(services.MEDICATION_FIELDS)


def test_sss_answers_are_named_for_the_scoring_service():
    data = {f"item_{i}": str(v) for i, v in enumerate([3, 2, 1, 1, 0, 1])}
    form = QuestionnaireForm(data, instrument="sss")
    assert form.is_valid()
    answers = form.answers()
    assert answers == {
        "fatigue": 3,
        "waking_unrefreshed": 2,
        "cognitive_symptoms": 1,
        "headaches": 1,
        "lower_abdominal_pain": 0,
        "depression": 1,
    }
    assert services.score_questionnaire("sss", answers)[1] == 8


def test_asc12_answers_are_a_list_of_twelve():
    data = {f"item_{i}": "1" for i in range(12)}
    form = QuestionnaireForm(data, instrument="asc12")
    assert form.is_valid()
    assert form.answers() == [1] * 12


def test_stored_answers_fill_the_form_again():
    answers = {"fatigue": 2, "waking_unrefreshed": 1, "cognitive_symptoms": 0}
    answers |= {"headaches": 1, "lower_abdominal_pain": 0, "depression": 0}
    initial = QuestionnaireForm.initial_from("sss", answers)
    assert initial["item_0"] == 2 and initial["item_3"] == 1
    assert QuestionnaireForm.initial_from("pss4", [0, 1, 2, 3]) == {
        "item_0": 0,
        "item_1": 1,
        "item_2": 2,
        "item_3": 3,
    }


def test_an_answer_out_of_range_is_refused():
    data = {f"item_{i}": "3" for i in range(12)}
    assert not QuestionnaireForm(data, instrument="asc12").is_valid()
