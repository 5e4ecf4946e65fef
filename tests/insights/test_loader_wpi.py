"""The insights' weekly WPI-like (pain_spread over the loader's arrays) is the report's and the
dashboard's: one rule in diary.derive."""

from datetime import date

import pytest

from clinic.report import build_report
from insights.analysis import pain_spread
from insights.loader import load_diary
from tests.clinic.conftest import answer_sss_week, build_fixed_diary

pytestmark = pytest.mark.django_db
END = date(2026, 2, 28)


def test_pain_spread_weeks_are_the_reports_wpi_like_weeks(alice):
    answer_sss_week(build_fixed_diary(alice))
    diary = load_diary(patient=alice, today=END)
    _, logged, wpi, _ = pain_spread.weekly_wpi(diary)
    report = build_report(patient=alice, start=diary.start, end=END, include_notes=False)
    whole = [week for week in report.weekly_wpi if week.days == 7]
    assert logged.tolist() == [week.answered_days for week in whole]
    assert wpi.tolist() == [len(week.areas) for week in whole]
    usable = [count for count, n in zip(wpi.tolist(), logged.tolist(), strict=True) if n >= 4]
    assert usable == [week.wpi for week in whole if week.wpi is not None] == [7]  # 22-28 Feb
