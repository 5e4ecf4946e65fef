"""Report figures against values computed by hand from the fixed diary in conftest.py."""

from datetime import date

import pytest

from clinic.report import build_report
from tests.clinic.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(diary_alice):
    return build_report(patient=diary_alice, start=PERIOD[0], end=PERIOD[1], include_notes=True)


def test_report_covers_every_day_of_the_period(report):
    assert report.days == 59
    assert [m.label for m in report.months] == ["Jan 2026", "Feb 2026"]
    assert not any(m.partial for m in report.months)


def test_january_counts_match_the_hand_computed_days(report):
    january = report.months[0]
    # A1 (5th), A2 (10th-11th across midnight), A3 (20 min but treated) are headache days.
    assert january.headache_dates == [date(2026, 1, d) for d in (5, 10, 11, 20)]
    # A1 and A2 meet ICHD-3 C+D; A3 (NSAID, no features) does not.
    assert january.migraine_dates == [date(2026, 1, d) for d in (5, 10, 11)]
    assert january.moderate_severe_dates == [date(2026, 1, d) for d in (5, 10, 11)]
    # Preventive propranolol on the 2nd and 3rd is not acute medication.
    assert january.medication_dates == [date(2026, 1, 5), date(2026, 1, 20)]
    assert january.load.recorded_days == 6  # rows 5, 6, 7 + attack days 10, 11, 20


def test_february_counts_match_the_hand_computed_days(report):
    february = report.months[1]
    # A4 lasted 20 min untreated: not a headache day; 20 Feb is "headache: yes" without details.
    assert february.headache_dates == [date(2026, 2, 14), date(2026, 2, 20)]
    # A5 has no C/D features but was treated with a triptan: a migraine day.
    assert february.migraine_dates == [date(2026, 2, 14)]
    assert february.moderate_severe_dates == [date(2026, 2, 14)]  # peak 4
    assert february.medication_dates == [date(2026, 2, 14), date(2026, 2, 21)]
    assert february.load.recorded_days == 5  # 3, 14, 20, 21, 25


def test_period_totals_add_up_the_months(report):
    assert report.total.headache_days == 6
    assert report.total.migraine_days == 4
    assert report.total.moderate_severe_days == 4
    assert report.total.acute_medication_days == 4
    assert report.total.recorded_days == 11


def test_medication_lines_count_days_per_class_and_per_month(report):
    lines = {line.med_class: line for line in report.medication_lines}
    assert set(lines) == {"triptan", "non_opioid", "multiple"}  # preventive "other" is left out
    assert [c.days for c in lines["triptan"].cells] == [1, 1]
    assert lines["triptan"].threshold == 10
    assert lines["non_opioid"].threshold == 15
    assert [c.days for c in lines["multiple"].cells] == [2, 2]
    assert all(c.status == "below" for line in lines.values() for c in line.cells)
    assert report.overuse_alerts == []


def test_no_month_meets_the_chronic_migraine_day_counts(report):
    assert not any(m.load.meets_chronic_pattern for m in report.months)
    assert report.chronic_months_in_a_row == 0


def test_heat_map_counts_check_in_days_per_area(report):
    heat = report.heat_by_code
    assert report.check_in_days == 6
    assert heat["neck"].days == 5 and heat["neck"].level == 5  # 83%
    assert heat["shoulder_left"].days == 3 and heat["shoulder_left"].level == 3  # 50%
    assert heat["lower_back"].days == 3
    assert heat["upper_back"].days == 1 and heat["upper_back"].level == 2  # 17%
    assert heat["abdomen"].days == 0 and heat["abdomen"].level == 0
    assert report.top_areas[0].code == "neck"


def test_acr_screen_needs_four_answered_days_in_the_week_of_the_sss(report):
    # Week 19-25 Feb: check-ins on 20 and 25 Feb only.
    assert report.acr_week == (date(2026, 2, 19), date(2026, 2, 25))
    assert report.acr.status == "too_few_days"
    assert (report.acr.wpi, report.acr.answered_days, report.acr.sss) == (None, 2, 9)
    assert report.acr.severity is None
    assert report.acr.statement.startswith("Only 2 of 7 days of that week have a check-in")


def test_acr_screen_pairs_the_sss_with_the_wpi_of_its_week(diary_alice_sss_week):
    report = build_report(
        patient=diary_alice_sss_week, start=PERIOD[0], end=PERIOD[1], include_notes=False
    )
    # Week 19-25 Feb: 12 areas (20 Feb: 8, 25 Feb adds hips, right upper arm, left jaw).
    assert report.acr_week == (date(2026, 2, 19), date(2026, 2, 25))
    assert report.acr.answered_days == 6
    assert report.acr.wpi == 12
    assert report.acr.sss == 9
    assert report.acr.generalized
    assert report.acr.status == "meets"
    assert report.acr.severity == 21
    assert report.acr.statement.startswith("Meets the published ACR 2016 threshold")
    assert report.has_alerts


def test_weekly_wpi_blocks_end_on_the_last_day_and_show_answered_days(report):
    weeks = report.weekly_wpi
    assert len(weeks) == 9  # 59 days: 8 full weeks + a 3-day block
    assert (weeks[0].start, weeks[0].end, weeks[0].answered_days) == (
        date(2026, 1, 1),
        date(2026, 1, 3),
        0,
    )
    assert weeks[0].wpi is None  # no check-ins: no count, never "0"
    assert (weeks[1].start, weeks[1].answered_days) == (date(2026, 1, 4), 3)  # 5, 6, 7 Jan
    assert weeks[1].wpi is None and len(weeks[1].areas) == 4  # too few days to count
    assert (weeks[-1].start, weeks[-1].answered_days, weeks[-1].wpi) == (date(2026, 2, 22), 1, None)
    assert report.latest_wpi == weeks[-1]


def test_the_report_counts_headache_days_without_a_duration(report):
    # 20 Feb: "headache: yes" without times.
    assert report.total.headache_days_without_duration == 1
    assert report.months[0].load.headache_days_without_duration == 0


def test_sleep_summary_matches_the_nights(report):
    sleep = report.sleep
    assert sleep.nights == 6
    assert sleep.mean_tst_min == pytest.approx(2380 / 6)
    assert sleep.efficiency_nights == 5  # 3 Feb has a TST but no sleep items
    assert sleep.mean_efficiency == pytest.approx((91.7 + 75.0 + 100.0 + 91.7 + 75.0) / 5)
    assert sleep.poor_efficiency_nights == 2
    assert sleep.poor_efficiency_percent == pytest.approx(40.0)


def test_stress_summary_matches_the_days(report):
    assert report.stress.days == 6
    assert report.stress.mean == pytest.approx(5.0)
    assert report.stress.median == pytest.approx(5.0)
    assert report.stress.high_days == 2  # 8 and 7


def test_questionnaires_are_the_latest_of_the_period(report):
    assert report.questionnaires["sss"].score == 9
    assert report.questionnaires["asc12"].score == 9
    assert report.questionnaires["pss4"].score == 12


def test_notes_are_listed_when_included(report):
    assert [(n.date, n.source) for n in report.notes] == [
        (date(2026, 1, 5), "Day"),
        (date(2026, 1, 5), "Headache"),
    ]


def test_notes_are_absent_without_the_notes_scope(diary_alice):
    data = build_report(patient=diary_alice, start=PERIOD[0], end=PERIOD[1], include_notes=False)
    assert data.notes is None


def test_report_for_a_period_without_data_is_empty_not_an_error(diary_alice):
    data = build_report(
        patient=diary_alice, start=date(2025, 6, 1), end=date(2025, 6, 30), include_notes=True
    )
    assert not data.has_data
    assert data.total.headache_days == 0
    assert data.sleep.mean_tst_min is None
    assert data.acr.status == "no_sss" and data.acr.wpi is None  # never "0/19, not met"


def test_partial_months_are_flagged(diary_alice):
    data = build_report(
        patient=diary_alice, start=date(2026, 1, 15), end=date(2026, 2, 10), include_notes=False
    )
    assert [(m.label, m.days, m.partial) for m in data.months] == [
        ("Jan 2026", 17, True),
        ("Feb 2026", 10, True),
    ]
    assert data.months[0].headache_dates == [date(2026, 1, 20)]


def test_report_runs_in_a_constant_number_of_queries(diary_alice, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        build_report(patient=diary_alice, start=PERIOD[0], end=PERIOD[1], include_notes=True)
