"""The clinical day definitions (diary.derive), on hand-built attacks and doses."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from diary.derive import (
    AttackSpan,
    DoseEntry,
    attack_meets_migraine_criteria,
    derive_days,
    generalized_pain,
    onset_dates,
    wpi_like,
)

ZONE = ZoneInfo("Europe/London")
D = date(2026, 3, 2)
NOW = datetime(2026, 3, 20, 12, tzinfo=ZONE)


def attack(start_hour=10, hours=6.0, day=D, peak=6, features=(), aura=None, id="a", end_day=None):
    started = datetime(day.year, day.month, day.day, start_hour, tzinfo=ZONE)
    ended = started + timedelta(hours=hours) if hours is not None else None
    return AttackSpan(
        id=id,
        started_at=started,
        ended_at=ended,
        start_date=day,
        end_date=(end_day or day) if hours is not None else None,
        peak=peak,
        features=frozenset(features),
        aura_minutes=aura,
    )


def facts(attacks=(), doses=(), days=(), start=D, end=D):
    result = derive_days(
        start=start, end=end, zone=ZONE, attacks=attacks, doses=doses, days=days, now=NOW
    )
    return {fact.date: fact for fact in result}


MIGRAINE = ("unilateral", "pulsating", "nausea")


def test_ichd3_c_and_d_make_a_migraine_attack():
    assert attack_meets_migraine_criteria(attack(features=MIGRAINE))


def test_moderate_intensity_counts_towards_criterion_c():
    assert attack_meets_migraine_criteria(attack(peak=5, features=("pulsating", "vomiting")))


def test_photophobia_alone_does_not_meet_criterion_d():
    assert not attack_meets_migraine_criteria(attack(features=("unilateral", "photophobia")))


def test_photophobia_and_phonophobia_together_meet_criterion_d():
    features = ("unilateral", "pulsating", "photophobia", "phonophobia")
    assert attack_meets_migraine_criteria(attack(peak=2, features=features))


def test_a_headache_of_30_minutes_or_more_makes_a_headache_day():
    fact = facts([attack(hours=0.5, peak=3)])[D]
    assert fact.headache_day and not fact.migraine_day and not fact.moderate_severe_day
    assert fact.headache_minutes == 30


def test_a_short_untreated_headache_is_not_a_headache_day():
    assert not facts([attack(hours=0.25)])[D].headache_day


def test_a_short_headache_treated_with_acute_medication_is_a_headache_day():
    dose = DoseEntry(date=D, med_class="nsaid", acute=True, attack_id="a")
    assert facts([attack(hours=0.25)], [dose])[D].headache_day


def test_a_triptan_treated_headache_is_a_migraine_day_whatever_its_features():
    dose = DoseEntry(date=D, med_class="triptan", acute=True, attack_id="a")
    fact = facts([attack(hours=2, peak=3)], [dose])[D]
    assert fact.migraine_day
    assert fact.acute_medication_day and fact.medication_classes == {"triptan"}


def test_an_aura_of_5_to_60_minutes_makes_a_migraine_day():
    assert facts([attack(features=("aura",), aura=20, peak=2)])[D].migraine_day


def test_an_attack_spanning_midnight_marks_each_diary_day_it_covers():
    long = attack(start_hour=18, hours=20, features=MIGRAINE, end_day=D + timedelta(days=1))
    result = facts([long], end=D + timedelta(days=2))
    assert result[D].migraine_day and result[D + timedelta(days=1)].migraine_day
    assert not result[D + timedelta(days=2)].headache_day
    assert result[D].onset and not result[D + timedelta(days=1)].onset


def test_a_headache_until_2am_belongs_to_the_day_that_is_ending():
    late = attack(start_hour=22, hours=4)
    result = facts([late], end=D + timedelta(days=1))
    assert result[D].headache_minutes == 240
    assert not result[D + timedelta(days=1)].headache_day


def test_a_headache_restarting_the_day_after_is_a_relapse_not_an_onset():
    first = attack(id="a")
    relapse = attack(id="b", day=D + timedelta(days=1))
    later = attack(id="c", day=D + timedelta(days=4))
    assert onset_dates([first, relapse, later]) == {D, D + timedelta(days=4)}


def test_an_ongoing_attack_covers_every_day_until_now():
    ongoing = attack(hours=None, features=MIGRAINE)
    result = facts([ongoing], end=D + timedelta(days=2))
    assert all(result[D + timedelta(days=i)].migraine_day for i in range(3))


def test_a_headache_answer_without_details_counts_as_a_headache_day():
    row = SimpleNamespace(
        date=D,
        headache=True,
        stress=4,
        sleep_quality=3,
        total_sleep_min=400,
        sleep_efficiency=90.0,
        pain_map={"neck": 3},
    )
    fact = facts(days=[row])[D]
    assert fact.recorded and fact.headache_day and not fact.migraine_day
    assert fact.painful_areas == 1 and fact.stress == 4


def test_preventive_medication_does_not_make_an_acute_medication_day():
    dose = DoseEntry(date=D, med_class="other", acute=False)
    assert not facts(doses=[dose])[D].acute_medication_day


def test_wpi_like_counts_areas_marked_on_any_day():
    assert wpi_like([{"neck": 2}, {"neck": 5, "hip_left": 3}, {}]) == 2


def test_generalized_pain_needs_four_of_five_regions_without_jaw_chest_abdomen():
    assert generalized_pain(["shoulder_left", "shoulder_right", "hip_left", "neck"])
    assert not generalized_pain(["jaw_left", "shoulder_right", "hip_left", "chest", "abdomen"])
