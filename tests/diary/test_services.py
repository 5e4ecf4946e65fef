"""diary.services: the one validated write path (web, API, CSV, seed)."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from diary import services
from diary.days import diary_date_for, patient_today, patient_zone
from diary.models import Day, Dose, HeadacheAttack, QuestionnaireResponse
from insights.models import AnalysisState

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 12:00 in London (GMT)
TODAY = date(2026, 3, 10)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def ibuprofen(alice):
    medication, _ = services.medication_upsert(
        patient=alice, name="Ibuprofen", med_class="nsaid", default_amount=Decimal("400")
    )
    return medication


# --- sleep metrics (Consensus Sleep Diary) --------------------------------------------------------


def sleep(**items):
    base = dict.fromkeys(
        ("bedtime", "lights_out", "sleep_latency_min", "waso_min", "final_wake", "rise_time")
    )
    base.update(items)
    return services.sleep_metrics(day=date(2026, 6, 10), zone=ZoneInfo("UTC"), **base)


def test_sleep_metrics_across_midnight():
    tst, tib, efficiency = sleep(
        bedtime=time(22, 30),
        lights_out=time(23, 0),
        sleep_latency_min=30,
        waso_min=20,
        final_wake=time(6, 30),
        rise_time=time(7, 0),
    )
    # TIB 22:30-07:00 = 510; TST (23:00-06:30) - 30 - 20 = 400; SE = 78.4 %
    assert (tst, tib, efficiency) == (400, 510, 78.4)


def test_bedtime_is_used_when_no_separate_lights_out_is_given():
    assert sleep(bedtime=time(23), final_wake=time(7), rise_time=time(7)) == (480, 480, 100.0)


def test_sleep_time_never_exceeds_time_in_bed_or_drops_below_zero():
    assert sleep(bedtime=time(23), final_wake=time(8), rise_time=time(7))[0] == 480
    assert sleep(bedtime=time(23), final_wake=time(0), sleep_latency_min=120)[0] == 0


def test_a_night_when_the_clocks_go_back_is_an_hour_longer(alice):
    alice.patient_profile.timezone = "Europe/London"
    alice.patient_profile.save()
    night = {"bedtime": time(23), "final_wake": time(7), "rise_time": time(7)}
    autumn, _ = services.day_upsert(patient=alice, date=date(2025, 10, 26), **night)
    spring, _ = services.day_upsert(patient=alice, date=date(2025, 3, 30), **night)
    assert (autumn.time_in_bed_min, autumn.total_sleep_min) == (540, 540)
    assert (spring.time_in_bed_min, spring.total_sleep_min) == (420, 420)


def test_sleep_metrics_are_unknown_without_the_needed_items():
    assert sleep(bedtime=time(23)) == (None, None, None)
    assert sleep(bedtime=time(23), rise_time=time(7)) == (None, 480, None)


# --- the diary day: 04:00 rule and time zones -----------------------------------------------------


def test_before_four_in_the_morning_it_is_still_yesterday(alice):
    assert diary_date_for(alice, london(TODAY, 3, 59)) == TODAY - timedelta(days=1)
    assert diary_date_for(alice, london(TODAY, 4, 0)) == TODAY


def test_today_follows_the_patients_time_zone(alice, monkeypatch):
    profile = alice.patient_profile
    profile.timezone = "Pacific/Auckland"  # 12:00 UTC on 10 March is 01:00 on 11 March there
    profile.save()
    alice.refresh_from_db()
    assert patient_today(alice) == TODAY  # before 04:00: still the 10th
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(hours=4))
    assert patient_today(alice) == date(2026, 3, 11)


def test_an_unknown_time_zone_falls_back_to_utc(alice):
    alice.patient_profile.timezone = "Mars/Olympus"
    assert patient_zone(alice) == ZoneInfo("UTC")


# --- day_upsert -----------------------------------------------------------------------------------


def test_day_upsert_creates_then_updates_with_a_version_bump(alice):
    day, outcome = services.day_upsert(patient=alice, date=TODAY, stress=3)
    assert outcome is services.Outcome.CREATED and day.version == 1
    day, outcome = services.day_upsert(patient=alice, date=TODAY, stress=5)
    assert outcome is services.Outcome.CHANGED and day.version == 2 and day.stress == 5


def test_a_write_that_changes_nothing_saves_nothing(alice, monkeypatch):
    services.day_upsert(patient=alice, date=TODAY, stress=3, body_pain={"neck": 4})
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(minutes=5))
    day, outcome = services.day_upsert(patient=alice, date=TODAY, stress=3, body_pain={"neck": 4})
    assert outcome is services.Outcome.UNCHANGED
    stored = Day.objects.get(patient=alice)
    assert (day.version, stored.version, stored.updated_at) == (1, 1, NOW)
    assert AnalysisState.objects.get(patient=alice).data_changed_at == NOW  # no recompute


def test_a_replay_with_a_stale_version_is_not_a_conflict(alice):
    """The request already took effect (its response was lost): RFC 9110 13.1.1."""
    services.day_upsert(patient=alice, date=TODAY, stress=3)
    services.day_upsert(patient=alice, date=TODAY, stress=4, expected_version=1)
    day, outcome = services.day_upsert(patient=alice, date=TODAY, stress=4, expected_version=1)
    assert (outcome, day.version) == (services.Outcome.UNCHANGED, 2)


def test_any_version_needs_an_existing_object(alice):
    with pytest.raises(services.VersionConflict) as conflict:
        services.day_upsert(
            patient=alice, date=TODAY, stress=1, expected_version=services.ANY_VERSION
        )
    assert conflict.value.current is None
    services.day_upsert(patient=alice, date=TODAY, stress=1)
    day, _ = services.day_upsert(
        patient=alice, date=TODAY, stress=2, expected_version=services.ANY_VERSION
    )
    assert day.version == 2


def test_day_upsert_derives_sleep_from_the_items(alice):
    day, _ = services.day_upsert(
        patient=alice, date=TODAY, bedtime=time(23), final_wake=time(6), rise_time=time(7)
    )
    assert (day.total_sleep_min, day.time_in_bed_min, day.sleep_efficiency) == (420, 480, 87.5)


def test_a_stale_version_is_a_conflict_carrying_the_current_day(alice):
    services.day_upsert(patient=alice, date=TODAY, stress=3)
    services.day_upsert(patient=alice, date=TODAY, stress=4)
    with pytest.raises(services.VersionConflict) as conflict:
        services.day_upsert(patient=alice, date=TODAY, stress=9, expected_version=1)
    assert conflict.value.current.stress == 4
    assert Day.objects.get(patient=alice).stress == 4


def test_replace_resets_fields_not_given_while_patch_keeps_them(alice):
    services.day_upsert(patient=alice, date=TODAY, stress=3, mood=6, body_pain={"neck": 4})
    day, _ = services.day_upsert(patient=alice, date=TODAY, replace=False, fatigue=2)
    assert (day.stress, day.mood, day.fatigue, day.pain_map) == (3, 6, 2, {"neck": 4})
    day, _ = services.day_upsert(patient=alice, date=TODAY, stress=1)
    assert (day.stress, day.mood, day.fatigue, day.pain_map) == (1, None, None, {})


def test_a_future_day_is_refused(alice):
    with pytest.raises(ValidationError) as error:
        services.day_upsert(patient=alice, date=TODAY + timedelta(days=1), stress=2)
    assert "future" in error.value.message_dict["date"][0]
    assert not Day.objects.exists()


def test_tomorrow_is_still_today_for_a_patient_far_east_of_utc(alice):
    alice.patient_profile.timezone = "Pacific/Kiritimati"  # UTC+14: already 11 March, 02:00
    alice.patient_profile.save()
    alice.refresh_from_db()
    with pytest.raises(ValidationError):
        services.day_upsert(patient=alice, date=TODAY + timedelta(days=1), stress=2)
    alice.patient_profile.timezone = "Asia/Tokyo"  # UTC+9: 21:00 on 10 March
    alice.patient_profile.save()
    alice.refresh_from_db()
    day, _ = services.day_upsert(patient=alice, date=TODAY, stress=2)
    assert day.date == TODAY


def test_the_last_diary_day_on_earth_is_still_in_the_past_only_west_of_it(alice):
    alice.patient_profile.timezone = "Etc/GMT+12"  # UTC-12: 00:00 on 10 March, diary day 9th
    alice.patient_profile.save()
    alice.refresh_from_db()
    with pytest.raises(ValidationError):
        services.day_upsert(patient=alice, date=TODAY, stress=2)
    day, _ = services.day_upsert(patient=alice, date=TODAY - timedelta(days=1), stress=2)
    assert day.date == TODAY - timedelta(days=1)


def test_a_back_filled_day_needs_no_time_zone_lookup(alice):
    """Two days back is in the past in every time zone: no profile query to decide it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    patient = type(alice).objects.get(pk=alice.pk)  # profile not loaded
    with CaptureQueriesContext(connection) as queries:
        services.day_upsert(patient=patient, date=TODAY - timedelta(days=2), stress=2)
    assert not [q for q in queries.captured_queries if "patientprofile" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        services.day_upsert(patient=patient, date=TODAY, stress=2)
    assert [q for q in queries.captured_queries if "patientprofile" in q["sql"]]


def test_a_day_edit_costs_the_locks_the_update_and_the_stale_mark(alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(**fields):
        with CaptureQueriesContext(connection) as queries:
            services.day_upsert(patient=alice, date=TODAY - timedelta(days=3), **fields)
        return [q["sql"].split()[0] for q in queries if "SAVEPOINT" not in q["sql"]]

    statements(stress=1)
    edit = statements(stress=6)
    # the patient's write lock, the day's row lock, the day, the stale mark
    assert edit[:3] == ["SELECT", "SELECT", "UPDATE"] and len(edit) == 4
    assert statements(stress=6) == ["SELECT", "SELECT"]  # a replay: the locks, nothing written


@pytest.mark.parametrize(
    ("body_pain", "message"),
    [
        ({"elbow": 3}, "Unknown body area(s): elbow."),
        ({"neck": 11}, "between 1 and 10"),
        ({"neck": True}, "whole number"),
        ({"neck": "5"}, "whole number"),
        ({"neck": 0}, "between 1 and 10"),
        (["neck"], "mapping"),
    ],
)
def test_bad_body_pain_is_a_field_error(alice, body_pain, message):
    with pytest.raises(ValidationError) as error:
        services.day_upsert(patient=alice, date=TODAY, body_pain=body_pain)
    assert message in error.value.message_dict["body_pain"][0]


def test_none_unmarks_an_area(alice):
    services.day_upsert(patient=alice, date=TODAY, body_pain={"neck": 3, "chest": 2})
    day, _ = services.day_upsert(patient=alice, date=TODAY, body_pain={"neck": None, "chest": 2})
    assert day.pain_map == {"chest": 2}


def test_an_unknown_area_that_cannot_be_encoded_is_named_escaped(alice):
    with pytest.raises(ValidationError) as error:
        services.day_upsert(patient=alice, date=TODAY, body_pain={"\ud800": 3})
    error.value.message_dict["body_pain"][0].encode("utf-8")  # no UnicodeEncodeError


@pytest.mark.parametrize(
    ("write", "field"),
    [
        (lambda p, m: services.day_upsert(patient=p, date=date(1899, 12, 31)), "date"),
        (
            lambda p, m: services.attack_upsert(
                patient=p, started_at=datetime(1, 1, 1, tzinfo=UTC), peak_intensity=3
            ),
            "started_at",
        ),
        (
            lambda p, m: services.dose_upsert(
                patient=p, medication=m, taken_at=datetime(1899, 6, 1, tzinfo=UTC)
            ),
            "taken_at",
        ),
        (
            lambda p, m: services.medication_upsert(
                patient=p, name="Old", med_class="other", started_on=date(1800, 1, 1)
            ),
            "started_on",
        ),
        (
            lambda p, m: services.questionnaire_upsert(
                patient=p, instrument="pss4", date=date(1899, 1, 1), answers=[1] * 4
            ),
            "date",
        ),
    ],
)
def test_dates_before_1900_are_refused_by_every_write(alice, ibuprofen, write, field):
    with pytest.raises(ValidationError) as error:
        write(alice, ibuprofen)
    assert "before 1900" in error.value.message_dict[field][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("stress", 11), ("sleep_quality", 6), ("notes", "x" * 2001), ("awakenings", 51)],
)
def test_out_of_range_day_values_are_field_errors(alice, field, value):
    with pytest.raises(ValidationError) as error:
        services.day_upsert(patient=alice, date=TODAY, **{field: value})
    assert field in error.value.message_dict


def test_unknown_day_fields_are_refused(alice):
    with pytest.raises(ValidationError) as error:
        services.day_upsert(patient=alice, date=TODAY, patient_id=2)
    assert "patient_id" in error.value.message_dict


def test_day_delete_leaves_a_tombstone_and_a_new_write_revives_it(alice):
    services.day_upsert(patient=alice, date=TODAY, stress=3)
    deleted, outcome = services.day_delete(patient=alice, date=TODAY)
    assert outcome is services.Outcome.CHANGED
    assert deleted.deleted_at == NOW and deleted.version == 2
    day, outcome = services.day_upsert(patient=alice, date=TODAY, stress=4)
    assert outcome is services.Outcome.CREATED and day.deleted_at is None and day.version == 3


def test_deleting_a_tombstone_again_changes_nothing(alice):
    services.day_upsert(patient=alice, date=TODAY, stress=3)
    services.day_delete(patient=alice, date=TODAY)
    deleted, outcome = services.day_delete(patient=alice, date=TODAY, expected_version=1)
    assert (outcome, deleted.version) == (services.Outcome.UNCHANGED, 2)


def test_a_stale_delete_is_a_conflict(alice):
    services.day_upsert(patient=alice, date=TODAY, stress=3)
    services.day_upsert(patient=alice, date=TODAY, stress=4)
    with pytest.raises(services.VersionConflict):
        services.day_delete(patient=alice, date=TODAY, expected_version=1)
    assert not Day.objects.get(patient=alice).is_deleted


def test_deleting_a_day_that_does_not_exist_is_not_found(alice):
    with pytest.raises(services.NotFound):
        services.day_delete(patient=alice, date=TODAY)


def test_every_write_marks_the_patients_insights_stale(alice):
    services.day_upsert(patient=alice, date=TODAY, stress=3)
    assert AnalysisState.objects.get(patient=alice).data_changed_at == NOW


# --- attacks --------------------------------------------------------------------------------------


def test_attack_days_follow_the_0400_rule(alice):
    attack, _ = services.attack_upsert(
        patient=alice,
        started_at=london(date(2026, 3, 5), 2, 30),  # still diary day 4 March
        ended_at=london(date(2026, 3, 6), 4, 0),  # ends exactly at the 5th's rollover
        peak_intensity=6,
    )
    assert (attack.start_date, attack.end_date) == (date(2026, 3, 4), date(2026, 3, 5))


def test_attack_must_end_after_it_starts(alice):
    with pytest.raises(ValidationError) as error:
        services.attack_upsert(
            patient=alice,
            started_at=london(TODAY, 9),
            ended_at=london(TODAY, 9),
            peak_intensity=3,
        )
    assert "after the start" in error.value.message_dict["ended_at"][0]


def test_attack_cannot_start_in_the_future(alice):
    with pytest.raises(ValidationError) as error:
        services.attack_upsert(patient=alice, started_at=london(TODAY, 18), peak_intensity=3)
    assert "started_at" in error.value.message_dict


@pytest.mark.parametrize("peak", [-1, 11])
def test_attack_peak_must_be_0_to_10(alice, peak):
    with pytest.raises(ValidationError) as error:
        services.attack_upsert(patient=alice, started_at=london(TODAY, 8), peak_intensity=peak)
    assert "peak_intensity" in error.value.message_dict


def test_a_retried_create_with_the_same_client_id_does_not_duplicate(alice):
    attack_id = uuid.uuid4()
    outcomes = [
        services.attack_upsert(
            patient=alice, attack_id=attack_id, started_at=london(TODAY, 8), peak_intensity=4
        )[1]
        for _ in range(2)
    ]
    assert outcomes == [services.Outcome.CREATED, services.Outcome.UNCHANGED]
    assert HeadacheAttack.objects.filter(patient=alice).count() == 1
    assert HeadacheAttack.objects.get().version == 1


def test_create_only_answers_the_stored_object_as_it_is(alice):
    attack, _ = services.attack_upsert(patient=alice, started_at=london(TODAY, 8), peak_intensity=4)
    again, outcome = services.attack_upsert(
        patient=alice, attack_id=attack.pk, create_only=True, started_at=london(TODAY, 9)
    )
    assert (outcome, again.peak_intensity, again.version) == (services.Outcome.UNCHANGED, 4, 1)


def test_writing_to_a_deleted_attack_brings_it_back_as_created(alice):
    attack, _ = services.attack_upsert(patient=alice, started_at=london(TODAY, 8), peak_intensity=4)
    services.attack_delete(patient=alice, attack_id=attack.pk)
    revived, outcome = services.attack_upsert(
        patient=alice, attack_id=attack.pk, started_at=london(TODAY, 8), peak_intensity=4
    )
    assert (outcome, revived.is_deleted, revived.version) == (services.Outcome.CREATED, False, 3)


def test_another_patients_attack_id_is_not_found(alice, bob):
    attack, _ = services.attack_upsert(patient=bob, started_at=london(TODAY, 8), peak_intensity=4)
    with pytest.raises(services.NotFound):
        services.attack_upsert(
            patient=alice, attack_id=attack.pk, started_at=london(TODAY, 8), peak_intensity=9
        )
    with pytest.raises(services.NotFound):
        services.attack_delete(patient=alice, attack_id=attack.pk)
    attack.refresh_from_db()
    assert attack.peak_intensity == 4 and attack.patient == bob


def test_attack_delete_is_a_tombstone(alice):
    attack, _ = services.attack_upsert(patient=alice, started_at=london(TODAY, 8), peak_intensity=4)
    services.attack_delete(patient=alice, attack_id=attack.pk)
    attack.refresh_from_db()
    assert attack.deleted_at == NOW and attack.version == 2


# --- medications and doses ------------------------------------------------------------------------


def test_a_medication_is_listed_once_whatever_the_capitals(alice, ibuprofen):
    with pytest.raises(ValidationError) as error:
        services.medication_upsert(patient=alice, name="  IBUPROFEN ", med_class="nsaid")
    assert "already on your list" in error.value.message_dict["name"][0]


def test_a_medication_needs_a_name(alice):
    with pytest.raises(ValidationError):
        services.medication_upsert(patient=alice, name="   ", med_class="nsaid")


def test_medication_for_name_reuses_the_live_entry(alice, ibuprofen):
    assert services.medication_for_name(patient=alice, name="ibuprofen", med_class="nsaid") == (
        ibuprofen
    )


def test_dose_takes_its_diary_day_unit_and_amount_from_time_and_medication(alice, ibuprofen):
    dose, _ = services.dose_upsert(
        patient=alice, medication=ibuprofen, taken_at=london(TODAY, 1, 30)
    )
    assert dose.date == TODAY - timedelta(days=1)
    assert (dose.amount, dose.unit, dose.quantity) == (Decimal("400"), "mg", 1)


def test_a_dose_of_another_patients_medication_is_refused(alice, bob):
    bobs, _ = services.medication_upsert(patient=bob, name="Naproxen", med_class="nsaid")
    with pytest.raises(ValidationError) as error:
        services.dose_upsert(patient=alice, medication=bobs, taken_at=london(TODAY, 9))
    assert "medication" in error.value.message_dict
    assert not Dose.objects.exists()


def test_a_dose_tied_to_another_patients_attack_is_refused(alice, bob, ibuprofen):
    attack, _ = services.attack_upsert(patient=bob, started_at=london(TODAY, 8), peak_intensity=4)
    with pytest.raises(ValidationError) as error:
        services.dose_upsert(
            patient=alice, medication=ibuprofen, attack=attack, taken_at=london(TODAY, 9)
        )
    assert "attack" in error.value.message_dict


def test_a_dose_of_a_removed_medication_is_refused(alice, ibuprofen):
    services.medication_delete(patient=alice, medication_id=ibuprofen.pk)
    ibuprofen.refresh_from_db()
    with pytest.raises(ValidationError):
        services.dose_upsert(patient=alice, medication=ibuprofen, taken_at=london(TODAY, 9))


def test_a_dose_may_name_its_medication_and_attack_by_id(alice, bob, ibuprofen):
    attack, _ = services.attack_upsert(patient=alice, started_at=london(TODAY, 8), peak_intensity=4)
    dose, _ = services.dose_upsert(
        patient=alice,
        medication_id=ibuprofen.pk,
        attack_id=attack.pk,
        taken_at=london(TODAY, 9),
    )
    assert (dose.medication, dose.attack, dose.unit) == (ibuprofen, attack, "mg")
    bobs, _ = services.medication_upsert(patient=bob, name="Naproxen", med_class="nsaid")
    with pytest.raises(ValidationError) as error:
        services.dose_upsert(patient=alice, dose_id=dose.pk, replace=False, medication_id=bobs.pk)
    assert error.value.message_dict == {"medication": ["Choose a medication from your list."]}


def test_a_dose_in_the_future_is_refused(alice, ibuprofen):
    with pytest.raises(ValidationError) as error:
        services.dose_upsert(patient=alice, medication=ibuprofen, taken_at=london(TODAY, 15))
    assert "taken_at" in error.value.message_dict


def test_a_dose_counted_for_a_future_day_is_refused(alice, ibuprofen):
    with pytest.raises(ValidationError) as error:
        services.dose_upsert(
            patient=alice,
            medication=ibuprofen,
            taken_at=london(TODAY, 9),
            date=TODAY + timedelta(days=1),
        )
    assert "date" in error.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", Decimal("0")), ("quantity", Decimal("101")), ("relief_2h", "great")],
)
def test_out_of_range_dose_values_are_field_errors(alice, ibuprofen, field, value):
    with pytest.raises(ValidationError) as error:
        services.dose_upsert(
            patient=alice, medication=ibuprofen, taken_at=london(TODAY, 9), **{field: value}
        )
    assert field in error.value.message_dict


# --- questionnaires -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "score"),
    [
        ("asc12", [2] * 12, 24),
        ("asc12", [0] * 12, 0),
        ("pss4", [0, 4, 4, 0], 0),  # items 2 and 3 reversed
        ("pss4", [4, 0, 0, 4], 16),
        ("pss4", [2, 2, 2, 2], 8),
        (
            "sss",
            {
                "fatigue": 3,
                "waking_unrefreshed": 3,
                "cognitive_symptoms": 3,
                "headaches": 1,
                "lower_abdominal_pain": 1,
                "depression": 1,
            },
            12,
        ),
    ],
)
def test_questionnaires_are_scored_on_save(alice, instrument, answers, score):
    response, _ = services.questionnaire_upsert(
        patient=alice, instrument=instrument, date=TODAY, answers=answers
    )
    assert response.score == score


@pytest.mark.parametrize(
    ("instrument", "answers"),
    [
        ("asc12", [0] * 11),
        ("asc12", [3] + [0] * 11),
        ("pss4", [0, 0, 0, 5]),
        ("pss4", [0, 0, 0, True]),
        ("sss", {"fatigue": 1}),
        ("csi", [0]),
    ],
)
def test_bad_questionnaire_answers_are_refused(alice, instrument, answers):
    with pytest.raises(ValidationError):
        services.questionnaire_upsert(
            patient=alice, instrument=instrument, date=TODAY, answers=answers
        )
    assert not QuestionnaireResponse.objects.exists()


def test_one_questionnaire_of_a_kind_per_day(alice):
    services.questionnaire_upsert(patient=alice, instrument="pss4", date=TODAY, answers=[1] * 4)
    with pytest.raises(ValidationError) as error:
        services.questionnaire_upsert(patient=alice, instrument="pss4", date=TODAY, answers=[2] * 4)
    assert "already answered" in error.value.message_dict["date"][0]


def test_a_questionnaire_for_a_future_day_is_refused(alice):
    with pytest.raises(ValidationError):
        services.questionnaire_upsert(
            patient=alice, instrument="pss4", date=TODAY + timedelta(days=1), answers=[1] * 4
        )


def test_a_questionnaire_patch_keeps_the_stored_parts_and_rescores(alice):
    response, _ = services.questionnaire_upsert(
        patient=alice, instrument="pss4", date=TODAY, answers=[0, 4, 4, 0]
    )
    patched, outcome = services.questionnaire_upsert(
        patient=alice, questionnaire_id=response.pk, replace=False, answers=[4, 0, 0, 4]
    )
    assert outcome is services.Outcome.CHANGED
    assert (patched.instrument, patched.date, patched.score) == ("pss4", TODAY, 16)


def test_a_new_questionnaire_needs_every_part(alice):
    with pytest.raises(ValidationError) as error:
        services.questionnaire_upsert(patient=alice, replace=False, instrument="pss4", date=TODAY)
    assert "answers" in error.value.message_dict


def test_marking_an_area_answers_the_body_map(alice):
    day, _ = services.day_upsert(patient=alice, date=date(2026, 3, 2), body_pain={"neck": 3})
    assert day.body_map_answered is True
    day, _ = services.day_upsert(patient=alice, date=date(2026, 3, 3), body_map_answered=True)
    assert (day.body_map_answered, day.pain_map) == (True, {})


def test_a_headache_pain_score_without_times_makes_a_headache_day(alice):
    day, _ = services.day_upsert(patient=alice, date=date(2026, 3, 2), headache_peak=5)
    assert (day.headache, day.headache_peak) == (True, 5)


def test_a_headache_pain_score_with_no_headache_is_refused(alice):
    with pytest.raises(ValidationError) as error:
        services.day_upsert(patient=alice, date=date(2026, 3, 2), headache=False, headache_peak=4)
    assert "headache_peak" in error.value.message_dict


def test_a_headache_pain_score_out_of_range_is_refused(alice):
    with pytest.raises(ValidationError) as error:
        services.day_upsert(patient=alice, date=date(2026, 3, 2), headache_peak=11)
    assert "headache_peak" in error.value.message_dict


def test_hours_slept_entered_directly_stay_when_no_sleep_times_are_given(alice):
    day, _ = services.day_upsert(patient=alice, date=date(2026, 3, 2), total_sleep_min=390)
    assert (day.total_sleep_min, day.time_in_bed_min, day.sleep_efficiency) == (390, None, None)


# --- the device's UTC offset (issue 18) --------------------------------------------------------

NEW_YORK_EVENING = datetime(2026, 3, 9, 23, 30, tzinfo=UTC) - timedelta(hours=-5)  # 23:30 -05:00


def test_an_attack_sent_with_a_device_offset_counts_for_the_devices_local_day(alice):
    attack, _ = services.attack_upsert(
        patient=alice, started_at=NEW_YORK_EVENING, started_offset_min=-300, peak_intensity=5
    )
    assert diary_date_for(alice, NEW_YORK_EVENING) == TODAY  # 04:30 in London
    assert attack.start_date == TODAY - timedelta(days=1)


def test_resaving_the_same_time_without_an_offset_keeps_the_devices_day(alice):
    attack, _ = services.attack_upsert(
        patient=alice, started_at=NEW_YORK_EVENING, started_offset_min=-300, peak_intensity=5
    )
    kept, _ = services.attack_upsert(
        patient=alice, attack_id=attack.pk, replace=False, started_at=NEW_YORK_EVENING, nausea=True
    )
    assert (kept.started_offset_min, kept.start_date) == (-300, TODAY - timedelta(days=1))
    moved, _ = services.attack_upsert(
        patient=alice, attack_id=attack.pk, replace=False, started_at=london(TODAY, 9)
    )
    assert (moved.started_offset_min, moved.start_date) == (None, TODAY)


@pytest.mark.parametrize("offset", [-841, 841, 1440])
def test_an_offset_beyond_14_hours_is_refused(alice, ibuprofen, offset):
    with pytest.raises(ValidationError) as error:
        services.attack_upsert(
            patient=alice, started_at=NOW, started_offset_min=offset, peak_intensity=5
        )
    assert "started_offset_min" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.dose_upsert(
            patient=alice, medication=ibuprofen, taken_at=NOW, taken_offset_min=offset
        )
    assert "taken_offset_min" in error.value.message_dict


def test_a_dose_with_a_device_offset_counts_for_the_devices_day_and_keeps_it(alice, ibuprofen):
    dose, _ = services.dose_upsert(
        patient=alice, medication=ibuprofen, taken_at=NEW_YORK_EVENING, taken_offset_min=-300
    )
    assert dose.date == TODAY - timedelta(days=1)
    rated, _ = services.dose_upsert(
        patient=alice, dose_id=dose.pk, replace=False, relief_2h="complete"
    )
    assert (rated.date, rated.taken_offset_min) == (dose.date, -300)


# --- attack timer (issue 23) --------------------------------------------------------------------


def test_headache_started_now_opens_one_ongoing_attack_and_a_second_tap_shows_it(alice):
    attack, outcome = services.attack_start_now(patient=alice, peak_intensity=6)
    assert outcome is services.Outcome.CREATED
    assert (attack.started_at, attack.ended_at, attack.start_date) == (NOW, None, TODAY)
    again, outcome = services.attack_start_now(patient=alice, peak_intensity=3)
    assert (again.pk, again.peak_intensity, outcome) == (attack.pk, 6, services.Outcome.UNCHANGED)
    assert HeadacheAttack.objects.count() == 1


def test_ended_now_closes_the_attack_on_todays_diary_day(alice, monkeypatch):
    attack, _ = services.attack_upsert(
        patient=alice, started_at=london(TODAY - timedelta(days=1), 22, 10), peak_intensity=6
    )
    ended, outcome = services.attack_end_now(patient=alice, attack_id=attack.pk)
    assert (ended.ended_at, ended.end_date, outcome) == (NOW, TODAY, services.Outcome.CHANGED)
    assert ended.start_date == TODAY - timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(hours=1))
    replay, outcome = services.attack_end_now(patient=alice, attack_id=attack.pk)
    assert (replay.ended_at, outcome) == (NOW, services.Outcome.UNCHANGED)


def test_ending_someone_elses_or_a_deleted_attack_is_not_found(alice, bob):
    attack, _ = services.attack_start_now(patient=alice, peak_intensity=6)
    with pytest.raises(services.NotFound):
        services.attack_end_now(patient=bob, attack_id=attack.pk)
    services.attack_delete(patient=alice, attack_id=attack.pk)
    with pytest.raises(services.NotFound):
        services.attack_end_now(patient=alice, attack_id=attack.pk)
    fresh, outcome = services.attack_start_now(patient=alice, peak_intensity=4)
    assert outcome is services.Outcome.CREATED and fresh.pk != attack.pk
