"""The clinical day definitions (diary.derive), on hand-built attacks and doses."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from diary import scales
from diary.derive import (
    WPI_MIN_ANSWERED_DAYS,
    AttackColumns,
    AttackSpan,
    DayFacts,
    DoseColumns,
    DoseEntry,
    attack_meets_migraine_criteria,
    derive_arrays,
    derive_days,
    diary_window,
    feature_mask,
    feature_names,
    generalized_pain,
    migraine_criteria_met,
    window_starts,
    wpi_areas,
    wpi_week,
    wpi_week_arrays,
    wpi_weeks,
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
CLASS_CODES = scales.MEDICATION_CLASS_CODES


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


def test_an_18_minute_attack_with_a_20_minute_aura_is_a_migraine_day_not_a_headache_day():
    fact = facts([attack(hours=0.3, peak=3, features=("aura",), aura=20)])[D]
    assert fact.migraine_day and not fact.headache_day
    assert fact.has_entry and not fact.long_aura


def test_an_aura_without_headache_of_5_to_60_minutes_is_a_migraine_day():
    for minutes, migraine in ((4, False), (5, True), (60, True), (61, False)):
        aura_only = attack(hours=0, peak=0, features=("aura",), aura=minutes)
        assert facts([aura_only])[D].migraine_day is migraine, minutes


def test_an_aura_over_60_minutes_is_flagged_for_assessment_not_dropped():
    long = facts([attack(hours=0.2, peak=2, features=("aura",), aura=70)])[D]
    assert long.long_aura and not long.migraine_day and long.has_entry
    assert not facts([attack(hours=0.2, peak=2, features=("aura",), aura=60)])[D].long_aura


def test_an_aura_over_60_minutes_is_flagged_on_the_day_the_attack_starts():
    late = attack(start_hour=23, hours=3, features=("aura",), aura=90, end_day=D + timedelta(1))
    result = facts([late], end=D + timedelta(days=1))
    assert result[D].long_aura and not result[D + timedelta(days=1)].long_aura


def test_a_migraine_specific_dose_without_a_logged_attack_makes_a_migraine_day():
    for med_class in sorted(scales.MIGRAINE_SPECIFIC_CLASSES):
        fact = facts(doses=[DoseEntry(date=D, med_class=med_class, acute=True)])[D]
        assert fact.migraine_day and fact.headache_day, med_class


def test_a_simple_analgesic_without_a_logged_attack_is_only_a_medication_day():
    fact = facts(doses=[DoseEntry(date=D, med_class="nsaid", acute=True)])[D]
    assert fact.acute_medication_day and not fact.headache_day and not fact.migraine_day


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
    result = facts([first, relapse, later], end=D + timedelta(days=4))
    assert [day for day, fact in result.items() if fact.onset] == [D, D + timedelta(days=4)]


def test_a_recurrence_within_48_hours_of_the_end_is_a_relapse_counted_in_hours():
    first = attack(start_hour=10, hours=13, id="a")  # ends D+1 at 23:00
    for gap, onset in ((timedelta(hours=48), False), (timedelta(hours=48, minutes=1), True)):
        started = first.ended_at + gap
        again = span(started, started + timedelta(hours=3), id="b")
        result = facts([first, again], end=again.start_date)
        assert result[again.start_date].onset is onset, gap


def test_a_recurrence_two_calendar_days_later_but_within_48_hours_is_a_relapse():
    evening = attack(start_hour=18, hours=4, id="a")  # ends D 22:00
    morning = attack(start_hour=8, hours=2, day=D + timedelta(days=2), id="b")  # 34 h later
    result = facts([evening, morning], end=D + timedelta(days=2))
    assert result[D].onset and not result[D + timedelta(days=2)].onset


def test_a_recurrence_after_an_attack_left_open_counts_from_its_start():
    forgotten = attack(hours=None, id="a")  # open since D 10:00
    started = datetime(2026, 3, 4, 11, tzinfo=ZONE)  # 49 h after it started
    later = span(started, started + timedelta(hours=2), id="b")
    result = facts([forgotten, later], end=later.start_date)
    assert result[later.start_date].onset


def test_a_45_minute_headache_across_04_00_counts_on_the_day_it_started():
    night = span(datetime(2026, 3, 3, 3, 40, tzinfo=ZONE), datetime(2026, 3, 3, 4, 25, tzinfo=ZONE))
    result = facts([night], end=D + timedelta(days=1))
    assert result[D].headache_day and result[D].onset
    assert result[D].headache_minutes == 20  # the minutes still fall where they happened
    assert not result[D + timedelta(days=1)].headache_day


def test_a_25_minute_headache_across_04_00_is_a_headache_day_nowhere():
    night = span(datetime(2026, 3, 3, 3, 50, tzinfo=ZONE), datetime(2026, 3, 3, 4, 15, tzinfo=ZONE))
    result = facts([night], end=D + timedelta(days=1))
    assert not any(fact.headache_day for fact in result.values())


def test_a_long_headache_across_04_00_counts_on_both_days_it_fills():
    night = span(datetime(2026, 3, 3, 3, 50, tzinfo=ZONE), datetime(2026, 3, 3, 9, tzinfo=ZONE))
    result = facts([night], end=D + timedelta(days=1))
    assert result[D].headache_day and result[D + timedelta(days=1)].headache_day


def test_a_headache_day_without_a_timed_headache_lacks_a_duration():
    assert facts(days=[answered(D)])[D].headache_without_duration
    assert not facts([attack(hours=1)])[D].headache_without_duration
    assert not facts()[D].headache_without_duration


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
    days = [SimpleNamespace(pain=pain) for pain in ({"neck": 2}, {"neck": 5, "hip_left": 3}, {})]
    assert wpi_areas(days) == {"neck", "hip_left"}


def check_in(day, pain=None):
    return DayFacts(date=day, recorded=True, pain=pain or {})


def test_a_wpi_week_needs_four_answered_days():
    end = D + timedelta(days=6)
    three = [check_in(D + timedelta(days=i), {"neck": 3}) for i in range(3)]
    week = wpi_week(three, end=end)
    assert (week.answered_days, week.wpi, week.enough) == (3, None, False)
    four = [*three, check_in(end, {"hip_left": 2})]
    assert (wpi_week(four, end=end).answered_days, wpi_week(four, end=end).wpi) == (4, 2)
    assert WPI_MIN_ANSWERED_DAYS == 4


def test_a_week_without_check_ins_has_no_wpi_not_zero():
    empty = [DayFacts(date=D + timedelta(days=i)) for i in range(7)]
    week = wpi_week(empty, end=D + timedelta(days=6))
    assert week.answered_days == 0 and week.wpi is None


def test_a_wpi_week_counts_only_its_seven_days():
    days = [check_in(D, {"neck": 3}), *(check_in(D + timedelta(days=i)) for i in range(1, 8))]
    week = wpi_week(days, end=D + timedelta(days=7))
    assert (week.start, week.answered_days, week.wpi) == (D + timedelta(days=1), 7, 0)


def test_wpi_weeks_end_on_the_last_day_and_agree_with_the_array_rule():
    rng = np.random.default_rng(3)
    codes = scales.PAIN_AREA_CODES
    days = []
    for i in range(45):
        day = D + timedelta(days=i)
        if rng.random() < 0.6:
            marked = rng.random(len(codes)) < 0.15
            days.append(check_in(day, {c: 3 for c, m in zip(codes, marked, strict=True) if m}))
        else:
            days.append(DayFacts(date=day))
    weeks = wpi_weeks(days)
    assert weeks[-1].end == days[-1].date and weeks[0].days == 3  # 45 = 6 weeks + 3 days
    answered = np.array([fact.recorded for fact in days])
    painful = np.array([[code in fact.pain for code in codes] for fact in days])
    counts, areas = wpi_week_arrays(answered, painful)
    whole = weeks[1:]
    assert counts.tolist() == [week.answered_days for week in whole]
    assert areas.sum(axis=1).tolist() == [len(week.areas) for week in whole]


def test_generalized_pain_needs_four_of_five_regions_without_jaw_chest_abdomen():
    assert generalized_pain(["shoulder_left", "shoulder_right", "hip_left", "neck"])
    assert not generalized_pain(["jaw_left", "shoulder_right", "hip_left", "chest", "abdomen"])


# --- the array path (derive_arrays) and clock changes ----------------------------------------

NEW_YORK = ZoneInfo("America/New_York")
SPRING_FORWARD = date(2026, 3, 29)  # London: 01:00 GMT becomes 02:00 BST
FALL_BACK_NEW_YORK = date(2026, 11, 1)  # New York: 02:00 EDT becomes 01:00 EST


def span(started, ended, *, zone=ZONE, peak=6, features=(), aura=None, id="a"):
    """An attack with its diary days derived as diary.services does (04:00 rollover)."""

    def diary_date(moment):
        local = moment.astimezone(zone)
        return local.date() - timedelta(days=1) if local.hour < 4 else local.date()

    start_day = diary_date(started)
    end_day = None if ended is None else max(diary_date(ended - timedelta(seconds=1)), start_day)
    return AttackSpan(
        id=id,
        started_at=started,
        ended_at=ended,
        start_date=start_day,
        end_date=end_day,
        peak=peak,
        features=frozenset(features),
        aura_minutes=aura,
    )


def utc(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def arrays(attacks=(), doses=(), answers=(), start=D, end=D, zone=ZONE, now=NOW):
    return derive_arrays(
        start=start,
        end=end,
        zone=zone,
        attacks=AttackColumns.from_spans(attacks),
        doses=DoseColumns.from_entries(doses),
        headache_answers=answers,
        now=now,
    )


class Case(NamedTuple):
    attacks: tuple = ()
    doses: tuple = ()
    answers: tuple = ()  # days answered "headache: yes"
    start: date = D
    end: date = D + timedelta(days=1)
    zone: ZoneInfo = ZONE


LATE = D + timedelta(days=1)
HAND_MADE = {
    "open attack": Case([attack(hours=None, features=MIGRAINE)], end=D + timedelta(days=3)),
    "over midnight and 04:00": Case([attack(start_hour=22, hours=7, end_day=LATE)]),
    "London clock change": Case(
        [
            span(utc(SPRING_FORWARD, 0, 50), utc(SPRING_FORWARD, 1, 10)),
            span(utc(SPRING_FORWARD, 2, 40), utc(SPRING_FORWARD, 3, 20), id="b"),
            span(utc(SPRING_FORWARD, 5), utc(SPRING_FORWARD + timedelta(days=2), 5), id="c"),
        ],
        start=SPRING_FORWARD - timedelta(days=2),
        end=SPRING_FORWARD + timedelta(days=3),
    ),
    "New York clock changes": Case(
        [
            span(utc(FALL_BACK_NEW_YORK, 5, 10), utc(FALL_BACK_NEW_YORK, 6, 30), zone=NEW_YORK),
            span(utc(date(2026, 3, 8), 7, 40), utc(date(2026, 3, 8), 8, 20), zone=NEW_YORK),
        ],
        start=date(2026, 3, 6),
        end=date(2026, 11, 2),
        zone=NEW_YORK,
    ),
    "doses without an attack": Case(
        doses=[
            DoseEntry(date=D, med_class="triptan", acute=True, name="Sumatriptan"),
            DoseEntry(date=LATE, med_class="other", acute=False, name="Propranolol"),
        ]
    ),
    "treated short attacks": Case(
        [attack(hours=0.25, id="short"), attack(start_hour=15, hours=0.2, id="other")],
        [
            DoseEntry(date=D, med_class="nsaid", acute=True, attack_id="short"),
            DoseEntry(date=LATE, med_class="triptan", acute=True, attack_id="other"),
        ],
    ),
    "aura only": Case(
        [
            attack(hours=0.3, peak=1, features=("aura",), aura=20),
            attack(day=LATE, hours=2, peak=1, features=("aura",), aura=90, id="b"),
            attack(day=LATE + timedelta(days=2), peak=1, features=("aura",), id="c"),
        ],
        end=LATE + timedelta(days=2),
    ),
    "headache answers": Case(answers=[D, LATE + timedelta(days=9)]),
    "empty diary": Case(),
}


def answered(day):
    """A check-in that only says "headache: yes"."""
    return SimpleNamespace(
        date=day,
        headache=True,
        stress=None,
        sleep_quality=None,
        total_sleep_min=None,
        sleep_efficiency=None,
        pain_map={},
    )


@pytest.mark.parametrize("case", HAND_MADE.values(), ids=HAND_MADE.keys())
def test_the_array_path_gives_the_day_facts_derive_days_gives(case):
    facts = derive_days(
        start=case.start,
        end=case.end,
        zone=case.zone,
        days=[answered(day) for day in case.answers],
        attacks=case.attacks,
        doses=case.doses,
        now=NOW,
    )
    derived = arrays(*case)
    assert derived.headache_day.tolist() == [fact.headache_day for fact in facts]
    assert derived.migraine_day.tolist() == [fact.migraine_day for fact in facts]
    assert derived.moderate_severe_day.tolist() == [fact.moderate_severe_day for fact in facts]
    assert derived.onset.tolist() == [fact.onset for fact in facts]
    peaks = [None if peak < 0 else peak for peak in derived.peak.tolist()]
    assert peaks == [fact.peak_intensity for fact in facts]
    assert derived.headache_minutes.tolist() == [fact.headache_minutes for fact in facts]
    features = [feature_names(mask) for mask in derived.features.tolist()]
    assert features == [fact.features for fact in facts]
    taken = derived.medication.any(axis=1).tolist()
    assert taken == [fact.acute_medication_day for fact in facts]


def test_window_starts_are_the_instants_diary_window_gives_across_clock_changes():
    for zone, around in ((ZONE, SPRING_FORWARD), (NEW_YORK, FALL_BACK_NEW_YORK)):
        days = [around + timedelta(days=offset) for offset in range(-2, 3)]
        starts = window_starts([day.toordinal() for day in days], zone)
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        expected = [diary_window(day, zone)[0] - epoch for day in days]
        assert starts.tolist() == [delta // timedelta(microseconds=1) for delta in expected]


def test_a_diary_day_across_the_spring_clock_change_lasts_23_hours():
    day = SPRING_FORWARD - timedelta(days=1)  # 04:00 GMT on the 28th to 04:00 BST on the 29th
    whole = span(utc(day, 1), utc(SPRING_FORWARD, 12))
    derived = arrays([whole], start=day, end=day)
    assert derived.headache_minutes.tolist() == [23 * 60]


def test_a_headache_over_the_clock_change_counts_its_real_minutes_whatever_the_time_zone_given():
    started = datetime(2026, 3, 29, 0, 50, tzinfo=ZONE)  # 00:50 GMT
    ended = datetime(2026, 3, 29, 2, 10, tzinfo=ZONE)  # 02:10 BST: 20 minutes later
    day = SPRING_FORWARD - timedelta(days=1)
    treated = DoseEntry(date=day, med_class="nsaid", acute=True, attack_id="a")
    for start_at, end_at in ((started, ended), (started.astimezone(UTC), ended.astimezone(UTC))):
        headache = span(start_at, end_at)
        assert not arrays([headache], start=day, end=day).headache_day.any()  # under 30 minutes
        assert arrays([headache], [treated], start=day, end=day).headache_minutes.tolist() == [20]


def test_an_attack_over_04_00_splits_its_minutes_between_the_two_diary_days():
    night = span(datetime(2026, 3, 3, 2, tzinfo=ZONE), datetime(2026, 3, 3, 5, tzinfo=ZONE))
    derived = arrays([night], start=D, end=D + timedelta(days=1))
    assert derived.headache_minutes.tolist() == [120, 60]  # 02:00-04:00 belongs to the 2nd


def test_an_open_attack_counts_until_now_and_covers_every_day_until_today():
    started = datetime(2026, 3, 18, 20, tzinfo=ZONE)
    derived = arrays([span(started, None)], start=D, end=NOW.date() + timedelta(days=1))
    covered = np.flatnonzero(derived.headache_day)
    assert (D + timedelta(days=int(covered[0]))) == date(2026, 3, 18)
    assert (D + timedelta(days=int(covered[-1]))) == NOW.date()
    assert derived.headache_minutes[covered[-1]] == 8 * 60  # 04:00 to 12:00 (now)


def test_a_dose_linked_to_an_attack_treats_it_on_every_day_it_covers():
    two_days = span(datetime(2026, 3, 2, 23, tzinfo=ZONE), datetime(2026, 3, 3, 4, 20, tzinfo=ZONE))
    dose = DoseEntry(date=D, med_class="triptan", acute=True, attack_id="a")
    derived = arrays([two_days], [dose], start=D, end=D + timedelta(days=1))
    assert derived.migraine_day.tolist() == [True, True]  # 20 minutes on the 3rd, but treated
    assert derived.medication.any(axis=1).tolist() == [True, False]


def test_only_acute_doses_make_medication_days():
    doses = [
        DoseEntry(date=D, med_class="other", acute=False),
        DoseEntry(date=D, med_class="nsaid", acute=True),
    ]
    derived = arrays(doses=doses)
    assert derived.medication[0].tolist() == [code == "nsaid" for code in CLASS_CODES]


def test_an_attack_before_the_range_makes_a_relapse_on_its_first_day_not_an_onset():
    before = attack(day=D - timedelta(days=1), id="before")
    today = attack(id="today")
    derived = arrays(attacks=[before, today])
    assert derived.headache_day.tolist() == [True] and derived.onset.tolist() == [False]


def test_a_range_ending_before_it_starts_has_no_days():
    assert derive_days(start=D, end=D - timedelta(days=1), zone=ZONE, now=NOW) == []


def test_migraine_criteria_are_checked_element_wise_on_feature_masks():
    masks = [feature_mask(MIGRAINE), feature_mask(("unilateral",)), feature_mask(("aura",))]
    met = migraine_criteria_met(np.array(masks), np.array([3, 9, 1]), np.array([np.nan] * 3))
    assert met.tolist() == [True, False, True]  # an aura of unrecorded length meets them


def test_feature_names_undo_feature_mask():
    assert feature_names(feature_mask(MIGRAINE)) == frozenset(MIGRAINE)


# --- answered body map and headaches without times --------------------------------------------


def day_row(day, *, pain=None, answered=None, headache=None, peak=None):
    """A Day-like row as derive_days reads it."""
    return SimpleNamespace(
        date=day,
        stress=None,
        sleep_quality=None,
        total_sleep_min=None,
        sleep_efficiency=None,
        pain_map=pain or {},
        body_map_answered=answered,
        headache=headache,
        headache_peak=peak,
    )


def test_a_check_in_that_left_the_body_map_alone_is_not_an_answered_wpi_day():
    days = [day_row(D + timedelta(days=i), answered=False) for i in range(7)]
    week = wpi_week(
        list(facts(days=days, end=D + timedelta(days=6)).values()), end=D + timedelta(days=6)
    )
    assert week.answered_days == 0 and week.wpi is None


def test_no_pain_answered_counts_as_an_answered_day_with_zero_areas():
    days = [day_row(D + timedelta(days=i), answered=True) for i in range(4)]
    end = D + timedelta(days=6)
    week = wpi_week(list(facts(days=days, end=end).values()), end=end)
    assert (week.answered_days, week.wpi) == (4, 0)


def test_marked_areas_answer_the_map_and_unrecorded_answers_keep_the_check_in_rule():
    day = facts(days=[day_row(D, pain={"neck": 3}, answered=False)])[D]
    assert day.pain_answered is True and day.map_answered
    older = facts(days=[day_row(D)])[D]
    assert older.pain_answered is None and older.map_answered  # recorded before it was asked


def test_a_headache_with_only_a_pain_score_is_a_headache_day_without_duration():
    day = facts(days=[day_row(D, headache=True, peak=6)])[D]
    assert day.headache_day and day.headache_without_duration
    assert (day.peak_intensity, day.headache_minutes) == (6, 0)


# --- ongoing attacks (issue 23: the attack timer) -----------------------------------------------


def test_an_ongoing_attack_marks_every_diary_day_it_spans_up_to_today_and_no_later():
    started = datetime(2026, 3, 18, 22, 10, tzinfo=ZONE)
    result = facts([span(started, None)], start=D, end=NOW.date() + timedelta(days=1))
    ongoing = sorted(day for day, fact in result.items() if fact.ongoing)
    assert ongoing == [date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 20)]
    assert all(result[day].has_entry for day in ongoing)
    assert not result[date(2026, 3, 21)].has_entry


def test_before_04_00_an_ongoing_treated_attack_stops_at_the_day_that_is_ending():
    """Until 04:00 the diary day is still the one that is ending: an open attack treated with a
    triptan must not make tomorrow's (the calendar date's) day a migraine day already."""
    small_hours = datetime(2026, 3, 20, 2, 0, tzinfo=ZONE)
    started = datetime(2026, 3, 19, 22, 0, tzinfo=ZONE)
    dose = DoseEntry(date=date(2026, 3, 19), med_class="triptan", acute=True, attack_id="a")
    derived = arrays(
        [span(started, None)],
        [dose],
        start=date(2026, 3, 19),
        end=date(2026, 3, 20),
        now=small_hours,
    )
    assert derived.headache_day.tolist() == [True, False]
    assert derived.ongoing.tolist() == [True, False]
    assert derived.headache_minutes.tolist() == [240, 0]  # 22:00 until now (02:00)


def test_an_ended_attack_is_not_ongoing():
    assert not any(fact.ongoing for fact in facts([attack(hours=3)]).values())
