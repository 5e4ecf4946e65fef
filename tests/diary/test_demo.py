"""The demo diaries (diary.demo): shape, planted clinical patterns, determinism, parity of the
bulk writer with the services, idempotent seeding and its runtime."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from scipy import stats

from accounts.models import User
from diary import csv_export, csv_import, demo, scales, services
from diary.days import patient_today
from diary.derive import AttackSpan, DoseEntry, derive_days
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse

ZONE = ZoneInfo("Europe/London")
END = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 19, tzinfo=UTC)
SEEDS = (1000, 1001, 1002)


def plan_for(persona=0, seed=1000, days=182):
    return demo.build_plan(days=days, seed=seed, persona=persona, end=END, zone=ZONE, now=NOW)


def facts_of(plan, days=182):
    """Per-day facts of a plan through the same day definitions the app uses (no database)."""
    medications = {med.id: med for med in plan.medications}
    day_rows = []
    for day in plan.days:
        fields = day.fields
        tst, _, efficiency = services.sleep_metrics(
            day=day.date,
            zone=ZoneInfo("UTC"),
            **{name: fields.get(name) for name in services.SLEEP_ITEM_FIELDS},
        )
        day_rows.append(
            SimpleNamespace(
                date=day.date,
                headache=fields.get("headache"),
                stress=fields.get("stress"),
                sleep_quality=fields.get("sleep_quality"),
                total_sleep_min=tst,
                sleep_efficiency=efficiency,
                pain_map=dict(day.body_pain),
            )
        )
    attacks = []
    for attack in plan.attacks:
        start = demo._diary_date(attack.started_at, ZONE)
        end = max(demo._diary_date(attack.ended_at - timedelta(seconds=1), ZONE), start)
        attacks.append(
            AttackSpan(
                id=attack.id,
                started_at=attack.started_at,
                ended_at=attack.ended_at,
                start_date=start,
                end_date=end,
                peak=attack.peak_intensity,
                features=attack.features,
                aura_minutes=attack.aura_minutes,
            )
        )
    doses = [
        DoseEntry(
            date=demo._diary_date(dose.taken_at, ZONE),
            med_class=medications[dose.medication].med_class,
            acute=medications[dose.medication].kind == "acute",
            attack_id=dose.attack,
            name=medications[dose.medication].name,
        )
        for dose in plan.doses
    ]
    return derive_days(
        start=END - timedelta(days=days - 1),
        end=END,
        zone=ZONE,
        days=day_rows,
        attacks=attacks,
        doses=doses,
        now=NOW,
    )


def per_30_days(facts, flag):
    values = np.array([getattr(fact, flag) for fact in facts], dtype=float)
    tail = values[len(values) % 30 :]
    return tail.reshape(-1, 30).sum(axis=1)


# --- generator: shape ---------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_diary_and_another_seed_a_different_one():
    assert plan_for(seed=1000) == plan_for(seed=1000)
    assert plan_for(seed=1000).days != plan_for(seed=1001).days


def test_six_months_end_on_the_given_day_with_some_days_skipped():
    plan = plan_for()
    dates = [day.date for day in plan.days]
    assert max(dates) == END and min(dates) >= END - timedelta(days=181)
    assert 150 <= len(dates) <= 176  # not every day logged
    assert len(set(dates)) == len(dates)


def test_every_value_is_inside_its_scale():
    for persona in (0, 1):
        plan = plan_for(persona)
        for day in plan.days:
            assert scales.STRESS_MIN <= day.fields["stress"] <= scales.STRESS_MAX
            assert set(day.body_pain) <= set(scales.PAIN_AREA_CODES)
            assert all(1 <= level <= 10 for level in day.body_pain.values())
            quality = day.fields.get("sleep_quality")
            assert quality is None or 1 <= quality <= 5
            assert len(day.fields["notes"]) <= scales.NOTES_MAX_CHARS
        for attack in plan.attacks:
            assert 0 <= attack.peak_intensity <= 10
            assert attack.ended_at > attack.started_at
            assert attack.ended_at < NOW
        assert all(dose.taken_at < NOW for dose in plan.doses)


def test_stress_varies_by_weekday_and_has_high_stretches_with_sharp_drops():
    plan = plan_for()
    stress = {day.date: day.fields["stress"] for day in plan.days}
    weekday = np.mean([v for d, v in stress.items() if d.weekday() < 5])
    weekend = np.mean([v for d, v in stress.items() if d.weekday() >= 5])
    assert weekday - weekend > 1.5
    drops = [
        stress[d - timedelta(days=1)] - v
        for d, v in stress.items()
        if d - timedelta(days=1) in stress
    ]
    assert sum(drop >= 3 for drop in drops) >= 15
    assert max(stress.values()) >= 8


def test_sleep_diary_items_vary_and_include_short_poor_nights():
    facts = [fact for fact in facts_of(plan_for()) if fact.total_sleep_min is not None]
    minutes = np.array([fact.total_sleep_min for fact in facts])
    assert 380 < np.median(minutes) < 480
    assert (minutes < 360).mean() > 0.12
    assert {fact.sleep_quality for fact in facts} >= {1, 2, 3, 4, 5}


def test_medication_list_has_acute_classes_and_a_preventive_with_a_start_date():
    plan = plan_for()
    classes = {med.med_class for med in plan.medications if med.kind == "acute"}
    assert classes == {"triptan", "nsaid", "simple_analgesic"}
    preventives = [med for med in plan.medications if med.kind == "preventive"]
    assert any(med.started_on and not med.stopped_on for med in preventives)
    assert any(med.stopped_on for med in preventives)


def test_questionnaires_are_weekly_sss_monthly_asc12_pss4_phq4_tmd_quarterly_midas_dsq():
    plan = plan_for()
    count = dict.fromkeys(
        ("sss", "asc12", "pss4", "phq4", "tmd", "gad7", "phq8", "midas", "dsqsf"), 0
    )
    for response in plan.questionnaires:
        count[response.instrument] += 1
        services.score_questionnaire(response.instrument, response.answers)  # valid answers
    assert 25 <= count["sss"] <= 27
    assert count["asc12"] == count["pss4"] == count["phq4"] == count["tmd"] == 6
    assert count["gad7"] + count["phq8"] >= 1  # the sensitized persona steps up
    assert count["midas"] == count["dsqsf"] == 2  # every 90 days


def test_the_six_month_sensitized_patient_drifts_into_the_dsq_symptom_pattern():
    def readings(persona):
        return [
            scales.screen_reading("dsqsf", 0, response.answers)
            for response in plan_for(persona).questionnaires
            if response.instrument == "dsqsf"
        ]

    first, last = readings(0)
    assert first["symptoms"] < last["symptoms"]
    assert last["positive"]
    assert not any(reading["positive"] for reading in readings(1))


def test_gad7_and_phq8_follow_only_a_positive_phq4_part_on_the_same_day():
    plan = plan_for()
    phq4 = {r.date: r.answers for r in plan.questionnaires if r.instrument == "phq4"}
    for response in plan.questionnaires:
        if response.instrument in ("gad7", "phq8"):
            answers = phq4[response.date]
            follow_up = scales.screen_reading("phq4", sum(answers), answers)["follow_up"]
            assert response.instrument in follow_up


def test_some_attacks_cross_midnight_and_a_few_days_have_notes():
    plan = plan_for()
    crossing = [
        a
        for a in plan.attacks
        if a.ended_at.astimezone(ZONE).date() > a.started_at.astimezone(ZONE).date()
    ]
    assert len(crossing) >= 5
    noted = [day for day in plan.days if day.fields["notes"]]
    assert 5 <= len(noted) <= 40


# --- generator: planted patterns (what the insights engine must be able to find) ----------------


@pytest.mark.parametrize("seed", SEEDS)
def test_persona_0_has_8_to_14_headache_days_a_month_mostly_migraine(seed):
    facts = facts_of(plan_for(seed=seed))
    headache = per_30_days(facts, "headache_day")
    migraine = per_30_days(facts, "migraine_day")
    assert 8 <= headache.mean() <= 14
    assert migraine.sum() >= 0.8 * headache.sum()
    assert headache[-1] >= 10  # chronification at the end of the diary


@pytest.mark.parametrize("seed", SEEDS)
def test_persona_0_takes_a_triptan_on_at_least_10_of_the_last_30_days(seed):
    facts = facts_of(plan_for(seed=seed))
    # also when the analysis window ends today or tomorrow (nothing logged yet)
    assert sum("triptan" in fact.medication_classes for fact in facts[-28:]) >= 10
    assert any("nsaid" in fact.medication_classes for fact in facts)


def logged_triggers(plan):
    """Each diary date's ticked trigger keys (None: not answered or not logged)."""
    return {day.date: day.fields.get("triggers") for day in plan.days}


@pytest.mark.parametrize("seed", SEEDS)
def test_persona_0_attacks_follow_stress_drops_the_let_down_effect(seed):
    plan = plan_for(seed=seed)
    facts, ticked = facts_of(plan), logged_triggers(plan)
    exposed, unexposed = [0, 0], [0, 0]  # [onset, no onset]
    for i in range(1, len(facts) - 1):
        before, today, after = facts[i - 1], facts[i], facts[i + 1]
        if before.stress is None or today.stress is None:
            continue
        if today.headache_day:
            continue  # at risk: a headache-free drop day, its onset the next day
        if "alcohol" in (ticked.get(today.date) or ()):
            continue  # the other planted cause of next-day onsets (see the alcohol test)
        onset = after.onset
        cell = exposed if before.stress - today.stress >= 3 else unexposed
        cell[0 if onset else 1] += 1
    odds_ratio, p_value = stats.fisher_exact([exposed, unexposed])
    # the plan blocks onsets for a day after an attack; the app's 48-hour relapse rule turns a
    # few planted let-down onsets two days later into relapses, so the measured OR is lower
    assert odds_ratio > 3 and p_value < 0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_persona_0_attacks_follow_a_day_with_alcohol_and_no_other_trigger(seed):
    plan = plan_for(seed=seed)
    facts, ticked = facts_of(plan), logged_triggers(plan)
    cells = {}  # trigger -> [[onset after it, none], [onset after answered days without, none]]
    for today, after in zip(facts, facts[1:], strict=False):
        keys = ticked.get(today.date)
        if keys is None or today.headache_day or after.headache_day is None:
            continue
        for key in {*scales.DEFAULT_TRIGGER_CODES, "own"}:
            row = 0 if key in {k.split(":")[0] for k in keys} else 1
            cells.setdefault(key, [[0, 0], [0, 0]])[row][0 if after.onset else 1] += 1
    odds_ratio, p_value = stats.fisher_exact(cells.pop("alcohol"), alternative="greater")
    assert odds_ratio > 3 and p_value < 0.001
    for key, table in cells.items():  # the rest is noise: no large, clear effect
        if min(map(sum, table)) >= 5:
            assert stats.fisher_exact(table, alternative="greater")[1] > 0.001, key


@pytest.mark.parametrize("seed", SEEDS)
def test_persona_0_has_more_painful_areas_after_a_short_or_poor_night(seed):
    facts = [f for f in facts_of(plan_for(seed=seed)) if f.recorded and f.total_sleep_min]
    poor = np.array([f.total_sleep_min < 360 or f.sleep_quality <= 2 for f in facts])
    areas = np.array([f.painful_areas for f in facts])
    assert areas[poor].mean() - areas[~poor].mean() >= 2


@pytest.mark.parametrize("seed", SEEDS)
def test_persona_0_pain_spreads_from_about_3_to_about_9_areas(seed):
    facts = facts_of(plan_for(seed=seed))
    daily = np.array([f.painful_areas if f.recorded else np.nan for f in facts])
    assert np.nanmean(daily[:28]) < 5.5 and np.nanmean(daily[-28:]) > 8
    weekly = [
        len(set().union(*(set(f.pain) for f in facts[i : i + 7]))) for i in range(0, 182 - 6, 7)
    ]
    tau, p_value = stats.kendalltau(range(len(weekly)), weekly)
    assert tau > 0.5 and p_value < 0.001


def test_persona_1_is_milder_episodic_migraine_with_little_body_pain():
    facts = facts_of(plan_for(persona=1, seed=1001))
    headache = per_30_days(facts, "headache_day")
    assert 1 <= headache.mean() <= 7
    recorded = [f for f in facts if f.recorded]
    assert np.mean([f.painful_areas for f in recorded]) < 1
    assert sum("triptan" in f.medication_classes for f in facts[-30:]) < 10


def test_an_unknown_persona_is_refused():
    with pytest.raises(ValueError, match="unknown persona"):
        plan_for(persona=7)


def test_a_very_short_diary_still_builds():
    assert len(plan_for(days=3).days) == 3
    assert plan_for(days=0).days == []


# --- writing to the database --------------------------------------------------------------------


def rows(patient):
    """Every stored diary row of a patient, without timestamps (compared across writers)."""
    ignore = ("created_at", "updated_at", "patient")

    def dump(model, *keys):
        result = []
        for obj in model.objects.filter(patient=patient).order_by(*keys):
            data = model_to_dict(obj, exclude=ignore)
            data["id"] = getattr(obj, "id", None)
            result.append(data)
        return result

    return {
        "days": [
            {k: v for k, v in row.items() if k != "id"} for row in dump(Day, "date")
        ],  # Day ids are not planned
        "attacks": dump(HeadacheAttack, "started_at"),
        "doses": dump(Dose, "taken_at"),
        "medications": dump(Medication, "name"),
        "questionnaires": dump(QuestionnaireResponse, "date", "instrument"),
    }


@pytest.mark.django_db
def test_the_bulk_writer_stores_exactly_what_the_services_would(alice, bob):
    for patient in (alice, bob):
        patient.patient_profile.timezone = "Europe/London"
        patient.patient_profile.save()
    end = patient_today(alice) - timedelta(days=1)
    kwargs = {"days": 45, "seed": 7, "persona": 0, "end": end, "zone": ZONE, "now": NOW}
    from django.utils import timezone

    now = timezone.now()
    kwargs["now"] = now
    demo.write_with_services(alice, demo.build_plan(id_prefix="a", **kwargs))
    demo.write_in_bulk(bob, demo.build_plan(id_prefix="b", **kwargs))
    services_rows, bulk_rows = rows(alice), rows(bob)
    assert len(services_rows["days"]) > 30 and services_rows["doses"]
    for key in services_rows:
        left = [_without_ids(r) for r in services_rows[key]]
        right = [_without_ids(r) for r in bulk_rows[key]]
        assert left == right, key


def _without_ids(row: dict) -> dict:
    """A row without the ids that differ per patient (own trigger keys name their ids)."""
    row = {k: v for k, v in row.items() if k not in ("id", "medication", "attack")}
    if row.get("triggers"):
        row["triggers"] = [key.split(":")[0] for key in row["triggers"]]
    return row


@pytest.mark.django_db
def test_seeding_writes_a_diary_ending_yesterday_for_the_patient(alice):
    plan = demo.seed_patient_diary(patient=alice, days=182, seed=1000, persona=0)
    last = Day.objects.filter(patient=alice).latest("date").date
    assert last == patient_today(alice) - timedelta(days=1)
    assert Day.objects.filter(patient=alice).count() == len(plan.days)
    assert HeadacheAttack.objects.filter(patient=alice).count() == len(plan.attacks)
    assert Dose.objects.filter(patient=alice).count() == len(plan.doses)
    assert QuestionnaireResponse.objects.filter(patient=alice).count() == len(plan.questionnaires)


@pytest.mark.django_db
def test_seeding_twice_gives_the_same_rows_and_ids(alice):
    demo.seed_patient_diary(patient=alice, days=60, seed=3, persona=0)
    first = rows(alice)
    demo.seed_patient_diary(patient=alice, days=60, seed=3, persona=0)
    assert rows(alice) == first


@pytest.mark.django_db
def test_seeding_replaces_whatever_the_diary_held(alice):
    services.day_upsert(patient=alice, date=date(2020, 1, 1), stress=3)
    demo.seed_patient_diary(patient=alice, days=30, seed=3, persona=1)
    assert not Day.objects.filter(patient=alice, date=date(2020, 1, 1)).exists()


@pytest.mark.django_db
def test_seeded_days_read_back_through_the_selectors_and_csv_round_trip(alice, bob):
    demo.seed_patient_diary(patient=alice, days=40, seed=1000, persona=0)
    bob.patient_profile.timezone = alice.patient_profile.timezone
    bob.patient_profile.save()
    text = csv_export.export_csv(alice)
    assert len(text.splitlines()) > 30
    report = csv_import.import_csv(bob, text)
    assert report.ok, [str(p) for p in report.errors]
    assert csv_export.export_csv(bob) == text


@pytest.mark.django_db
def test_seed_demo_builds_both_patients_idempotently():
    call_command("seed_demo", stdout=StringIO())
    first = User.objects.get(email="patient@example.com")
    second = User.objects.get(email="patient2@example.com")
    counts = (
        Day.objects.filter(patient=first).count(),
        HeadacheAttack.objects.filter(patient=first).count(),
        Day.objects.filter(patient=second).count(),
        Dose.objects.count(),
        QuestionnaireResponse.objects.count(),
    )
    assert counts[0] > 150 and counts[2] > 140 and counts[1] > 30
    call_command("seed_demo", stdout=StringIO())
    assert (
        Day.objects.filter(patient=first).count(),
        HeadacheAttack.objects.filter(patient=first).count(),
        Day.objects.filter(patient=second).count(),
        Dose.objects.count(),
        QuestionnaireResponse.objects.count(),
    ) == counts
