"""Published thresholds on hand-built day facts (ICHD-3 1.3, 8.2; ACR 2016)."""

from datetime import date, timedelta

from clinic import criteria
from diary.derive import DayFacts, WpiWeek

START = date(2026, 3, 1)


def month(**days_by_kind) -> list[DayFacts]:
    """30 days; keyword -> list of day offsets with that property, e.g. headache=[0, 1]."""
    facts = [DayFacts(date=START + timedelta(days=i), recorded=True) for i in range(30)]
    for offset in days_by_kind.get("headache", []):
        facts[offset].headache_day = True
    for offset in days_by_kind.get("migraine", []):
        facts[offset].migraine_day = True
    for name in ("triptan", "nsaid", "simple_analgesic", "gepant", "opioid"):
        for offset in days_by_kind.get(name, []):
            fact = facts[offset]
            fact.acute_medication_day = True
            fact.medication_classes = fact.medication_classes | {name}
    return facts


def rows_by_class(facts):
    return {row.med_class: row for row in criteria.overuse_rows(facts)}


def test_triptan_on_10_days_meets_the_overuse_threshold():
    rows = rows_by_class(month(triptan=range(10)))
    assert (rows["triptan"].days, rows["triptan"].threshold, rows["triptan"].status) == (
        10,
        10,
        "meets",
    )


def test_triptan_on_8_or_9_days_is_approaching():
    assert rows_by_class(month(triptan=range(8)))["triptan"].status == "approaching"
    assert rows_by_class(month(triptan=range(7)))["triptan"].status == "below"


def test_non_opioid_analgesics_need_15_days_and_approach_at_12():
    assert rows_by_class(month(simple_analgesic=range(14)))["non_opioid"].status == "approaching"
    assert rows_by_class(month(simple_analgesic=range(15)))["non_opioid"].status == "meets"
    assert rows_by_class(month(nsaid=range(11)))["non_opioid"].status == "below"


def test_paracetamol_7_and_ibuprofen_6_days_are_one_class_below_15_days():
    rows = rows_by_class(month(simple_analgesic=range(7), nsaid=range(7, 13)))
    assert (rows["non_opioid"].days, rows["non_opioid"].status) == (13, "approaching")
    assert set(rows) == {"non_opioid"}  # one class: no multiple-class row, nothing met


def test_paracetamol_and_an_nsaid_on_15_days_together_meet_the_threshold():
    rows = rows_by_class(month(simple_analgesic=range(8), nsaid=range(8, 15)))
    assert (rows["non_opioid"].days, rows["non_opioid"].status) == (15, "meets")


def test_several_classes_together_count_on_10_days_without_any_single_class_overused():
    rows = rows_by_class(month(triptan=range(0, 5), nsaid=range(5, 10)))
    assert rows["triptan"].status == "below" and rows["non_opioid"].status == "below"
    assert (rows["multiple"].days, rows["multiple"].status) == (10, "meets")


def test_one_class_alone_has_no_multiple_class_row():
    assert "multiple" not in rows_by_class(month(triptan=range(12)))


def test_no_multiple_class_row_when_one_class_is_already_overused():
    assert "multiple" not in rows_by_class(month(triptan=range(10), nsaid=range(10, 13)))


def test_gepants_are_reported_without_a_threshold_and_not_in_the_combination():
    rows = rows_by_class(month(gepant=range(12), triptan=range(3)))
    assert rows["gepant"].threshold is None and rows["gepant"].status == "no_threshold"
    assert "multiple" not in rows


def test_overuse_summary_picks_the_most_notable_status():
    assert criteria.overuse_summary(criteria.overuse_rows(month(triptan=range(9)))) == "approaching"
    assert criteria.overuse_summary([]) == "below"


def test_chronic_migraine_day_counts_need_15_headache_with_8_migraine_days():
    load = criteria.headache_load(month(headache=range(15), migraine=range(8)))
    assert load.meets_chronic_pattern
    assert not criteria.headache_load(
        month(headache=range(14), migraine=range(14))
    ).meets_chronic_pattern
    assert not criteria.headache_load(
        month(headache=range(20), migraine=range(7))
    ).meets_chronic_pattern


WIDESPREAD = {
    "neck",
    "shoulder_left",
    "upper_arm_right",
    "hip_left",
    "upper_leg_right",
    "lower_back",
    "lower_leg_left",
}


def week(areas, answered_days=7):
    return WpiWeek(date(2026, 2, 1), date(2026, 2, 7), answered_days, frozenset(areas))


def test_acr2016_met_with_wpi_7_sss_5_and_generalized_pain():
    screen = criteria.acr2016_screen(week=week(WIDESPREAD), sss=5)
    assert (screen.wpi, screen.generalized, screen.status) == (7, True, "meets")
    assert screen.severity == 12


def test_acr2016_wpi_4_to_6_needs_sss_9():
    areas = {"neck", "shoulder_left", "upper_arm_right", "hip_left", "upper_leg_right"}
    assert criteria.acr2016_screen(week=week(areas), sss=8).status == "not_met"
    assert criteria.acr2016_screen(week=week(areas), sss=9).status == "meets"


def test_acr2016_not_met_without_generalized_pain():
    # Seven areas, but jaw, chest and abdomen don't count: only 3 regions.
    areas = {"jaw_left", "jaw_right", "chest", "abdomen", "neck", "shoulder_left", "hip_left"}
    screen = criteria.acr2016_screen(week=week(areas), sss=12)
    assert screen.wpi == 7 and not screen.generalized and screen.status == "not_met"


def test_acr2016_without_sss_says_so_and_never_diagnoses():
    screen = criteria.acr2016_screen(week=week(WIDESPREAD), sss=None)
    assert screen.status == "no_sss" and screen.severity is None
    for sss in (None, 0, 12):
        statement = criteria.acr2016_screen(week=week(WIDESPREAD), sss=sss).statement.lower()
        assert "you have" not in statement and "diagnosed" not in statement


def test_acr2016_needs_four_answered_days_in_the_week():
    screen = criteria.acr2016_screen(week=week(WIDESPREAD, answered_days=3), sss=9)
    assert (screen.status, screen.wpi, screen.answered_days) == ("too_few_days", None, 3)
    assert screen.severity is None
    assert screen.statement.startswith("Only 3 of 7 days of that week have a check-in")
    assert criteria.acr2016_screen(week=week(WIDESPREAD, answered_days=4), sss=9).status == "meets"


def test_a_week_without_check_ins_never_reads_as_zero_areas_not_met():
    screen = criteria.acr2016_screen(week=week((), answered_days=0), sss=3)
    assert screen.status == "too_few_days" and screen.wpi is None
    assert "does not meet" not in screen.statement.lower()
    without_sss = criteria.acr2016_screen(week=week((), answered_days=0), sss=None)
    assert (without_sss.status, without_sss.wpi) == ("no_sss", None)
