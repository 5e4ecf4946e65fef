"""Figures behind the trends and calendar pages (diary.trends, diary.charts, diary.month)."""

from datetime import date, timedelta

from diary import charts, month, trends
from diary.derive import DayFacts

END = date(2026, 3, 10)


def facts(days: int, **by_offset) -> list[DayFacts]:
    """``days`` consecutive DayFacts ending on END; ``by_offset[str(n)]`` sets fields n days ago."""
    result = []
    for offset in range(days - 1, -1, -1):
        fact = DayFacts(date=END - timedelta(days=offset))
        for name, value in by_offset.get(f"d{offset}", {}).items():
            setattr(fact, name, value)
        result.append(fact)
    return result


def test_weekly_buckets_end_on_the_last_day_so_the_latest_week_is_complete():
    buckets = trends.weekly_buckets(facts(30))
    assert [len(b.facts) for b in buckets] == [2, 7, 7, 7, 7]
    assert buckets[-1].facts[-1].date == END
    assert buckets[0].title.endswith("(2 days)")


def test_monthly_buckets_follow_calendar_months():
    buckets = trends.monthly_buckets(facts(40))
    assert [b.label for b in buckets] == ["Jan", "Feb", "Mar"]
    assert buckets[-1].title == "March 2026 (10 days)"


def test_headache_and_migraine_days_are_counted_per_bucket():
    data = facts(
        7,
        d0={"recorded": True, "headache_day": True, "migraine_day": True, "peak_intensity": 7},
        d1={"recorded": True, "headache_day": True, "peak_intensity": 3},
        d2={"recorded": True},
    )
    bucket = trends.weekly_buckets(data)[0]
    assert (bucket.headache_days, bucket.migraine_days, bucket.recorded_days) == (2, 1, 3)


def test_unrecorded_days_are_gaps_not_zeros():
    data = facts(5, d0={"recorded": True, "stress": 4}, d4={"recorded": True, "stress": 6})
    figures = trends.build_trends(data)
    assert len(figures.stress_chart.dots) == 2
    assert figures.stress_chart.lines == []  # no line drawn across the unrecorded days
    assert all(dot.isolated for dot in figures.stress_chart.dots)  # so each is drawn as a dot
    assert figures.mean_stress == 5.0
    assert figures.mean_painful_areas == 0.0  # recorded days with no painful area count as 0


def test_fatigue_and_mood_are_plotted_with_gaps_and_averaged():
    figures = trends.build_trends(
        facts(
            10,
            d0={"recorded": True, "fatigue": 8, "mood": 3},
            d2={"recorded": True, "fatigue": 4},
            d9={"recorded": True, "mood": 6},
        )
    )
    assert (figures.mean_fatigue, figures.mean_mood) == (6, 4.5)
    assert [dot.value for dot in figures.fatigue_chart.dots] == [4, 8]
    assert [dot.value for dot in figures.mood_chart.dots] == [6, 3]
    assert len(figures.fatigue_chart.lines) == 0  # days 2 and 0 apart: two lone dots, no line


def test_a_year_is_shown_as_weekly_means_and_monthly_headache_counts():
    figures = trends.build_trends(facts(365))
    assert figures.weekly_means
    assert len(figures.headache_buckets) == 13  # partial first and last months included
    assert len(figures.stress_chart.x_labels) <= 8


def test_per_30_days_rate():
    data = facts(60, **{f"d{i}": {"headache_day": True} for i in range(0, 60, 4)})
    figures = trends.build_trends(data)
    assert figures.headache_days == 15 and figures.per_30 == 7.5


def test_bar_heights_are_proportional_and_inside_the_plot():
    chart = charts.bar_chart(values=[0, 2, 4], labels=["a", "b", "c"], titles=["", "", ""], y_max=4)
    heights = [bar.h for bar in chart.bars]
    assert heights[0] == 0 and abs(heights[2] - 2 * heights[1]) < 0.2
    assert all(chart.plot_left <= bar.x <= chart.plot_right for bar in chart.bars)


def test_consecutive_values_are_joined_by_one_line():
    chart = charts.line_chart(
        values=[1, 2, None, 4, 5, 6], labels=[""] * 6, titles=[""] * 6, y_max=10, step=2
    )
    assert len(chart.lines) == 2 and not any(dot.isolated for dot in chart.dots)


def test_line_values_beyond_the_axis_are_clipped_to_it():
    chart = charts.line_chart(values=[15], labels=["x"], titles=["x"], y_max=12, step=2)
    assert chart.dots[0].y == chart.y(12)


def test_month_grid_runs_monday_to_sunday_with_placeholders_outside_the_month():
    weeks = month.month_grid(first=date(2026, 3, 1), facts=[], today=END)
    assert weeks[0][0].date == date(2026, 2, 23) and not weeks[0][0].in_month
    assert weeks[0][6].date == date(2026, 3, 1)
    assert all(len(week) == 7 for week in weeks)
    assert weeks[-1][-1].date >= date(2026, 3, 31)


def test_month_cells_describe_headache_and_pain_in_words():
    fact = DayFacts(date=END, recorded=True, migraine_day=True, headache_day=True)
    fact.peak_intensity = 8
    fact.pain = {"neck": 3, "hip_left": 5, "chest": 2, "lower_back": 4}
    cell = month.Cell(date=END, in_month=True, future=False, is_today=True, fact=fact)
    assert cell.headache == "migraine" and cell.pain_band == "several"
    assert cell.description == (
        "10 March (Tuesday): migraine day, worst pain 8 of 10, 4 painful body areas"
    )
    assert not cell.acute_medication


def test_month_cells_mark_acute_medication_days():
    fact = DayFacts(
        date=END, recorded=True, acute_medication_day=True, medication_classes={"nsaid"}
    )
    cell = month.Cell(date=END, in_month=True, future=False, is_today=False, fact=fact)
    assert cell.acute_medication
    assert cell.description.endswith("0 painful body areas, acute medication taken")
    assert cell.description_after_day.startswith(" March (Tuesday)")


def test_month_parameter_is_read_leniently():
    assert month.parse_month("2025-12", END) == date(2025, 12, 1)
    assert month.parse_month("2025-13", END) == date(2026, 3, 1)
    assert month.parse_month(None, END) == date(2026, 3, 1)
    assert month.shift_month(date(2026, 1, 1), -1) == date(2025, 12, 1)


def test_headache_starts_are_marked_on_the_stress_chart_in_their_own_day():
    data = facts(
        30,
        d3={"recorded": True, "stress": 8},
        d2={"recorded": True, "stress": 7},
        d1={"recorded": True, "stress": 2, "onset": True, "headache_day": True},
        d10={"onset": True, "headache_day": True},
    )
    chart = trends.build_trends(data).stress_chart
    assert [marker.count for marker in chart.markers] == [1, 1]
    day_before_end = [dot for dot in chart.dots if dot.value == 2][0]
    assert chart.markers[1].mid == day_before_end.x  # the start sits under that day's stress
    assert chart.markers[1].label == "Mon 9 Mar: a headache started"
    assert all(
        chart.plot_left <= m.x and m.x + m.w <= chart.plot_right + 0.1 for m in chart.markers
    )


def test_over_a_year_headache_starts_are_counted_per_week_like_the_stress_means():
    data = facts(365, d0={"onset": True}, d1={"onset": True}, d30={"onset": True})
    figures = trends.build_trends(data)
    chart = figures.stress_chart
    assert [marker.count for marker in chart.markers] == [1, 2]
    assert chart.markers[-1].label.endswith(": 2 headache starts")
    assert figures.onset_days == 3
    assert figures.stress_label == (
        "Weekly average stress, 0 to 10, with the 3 headache starts of this period marked"
    )


def test_the_stress_before_each_start_shows_a_let_down_and_gaps_stay_unknown():
    data = facts(
        10,
        d4={"stress": 8},
        d3={"stress": 6},
        d2={"stress": 3, "onset": True},
        d0={"stress": 5, "onset": True},
        d9={"onset": True},  # the first day of the period: nothing before it is known
    )
    rows = trends.build_trends(data).stress_before
    assert [(row.date, row.stress, row.change_text) for row in rows] == [
        (END - timedelta(days=9), (None, None, None), ""),
        (END - timedelta(days=2), (8, 6, 3), "fell 5"),
        (END, (3, None, 5), "rose 2"),
    ]


def test_a_period_without_headache_starts_has_no_marks():
    figures = trends.build_trends(facts(30, d1={"recorded": True, "stress": 4}))
    assert figures.stress_chart.markers == [] and figures.stress_before == []
