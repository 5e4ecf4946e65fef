"""Report v2 sections against values computed by hand from the fixed diary in conftest.py:
per-drug use and 2-hour response, preventive history, attack profile and impact, the 30-day
chart, fatigue/mood trend, screens, identity, and insights as clinician sentences."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import PatientProfile
from clinic.report import build_report
from clinic.report_page import clinician_sentence
from diary import services
from diary.models import Dose, HeadacheAttack
from insights.models import Insight
from tests.clinic.conftest import PERIOD

pytestmark = pytest.mark.django_db
QUERY = {"start": PERIOD[0].isoformat(), "end": PERIOD[1].isoformat()}


def report_for(patient):
    return build_report(patient=patient, start=PERIOD[0], end=PERIOD[1], include_notes=False)


def test_each_acute_drug_has_its_days_per_30_and_no_response_without_ratings(diary_alice):
    drugs = report_for(diary_alice).drugs
    # Ibuprofen 20 Jan + 21 Feb, Sumatriptan 5 Jan + 14 Feb: 2 days each in 59 days.
    assert [(d.name, d.days) for d in drugs] == [("Ibuprofen", 2), ("Sumatriptan", 2)]
    assert drugs[0].per_30 == pytest.approx(2 * 30 / 59)
    assert drugs[0].rated == 0 and drugs[0].relief_percent is None
    assert "Propranolol" not in [d.name for d in drugs]  # preventive


def test_two_hour_response_counts_relief_and_pain_freedom_among_rated_doses(diary_alice):
    suma = Dose.objects.filter(patient=diary_alice, medication__name="Sumatriptan")
    suma.filter(date=date(2026, 1, 5)).update(relief_2h="complete")
    suma.filter(date=date(2026, 2, 14)).update(relief_2h="partial")
    ibu = Dose.objects.filter(patient=diary_alice, medication__name="Ibuprofen")
    ibu.filter(date=date(2026, 1, 20)).update(relief_2h="none")
    drugs = {d.name: d for d in report_for(diary_alice).drugs}
    assert (drugs["Sumatriptan"].relief_percent, drugs["Sumatriptan"].pain_free_percent) == (
        100,
        50,
    )
    assert (drugs["Ibuprofen"].rated, drugs["Ibuprofen"].relief_percent) == (1, 0)


def test_preventive_history_shows_start_and_stop_dates(diary_alice):
    services.medication_upsert(
        patient=diary_alice,
        name="Topiramate",
        med_class="other",
        kind="preventive",
        started_on=date(2025, 6, 1),
        stopped_on=date(2025, 12, 1),
    )
    rows = report_for(diary_alice).preventives
    assert [(r.name, r.started_on, r.stopped_on) for r in rows] == [
        ("Topiramate", date(2025, 6, 1), date(2025, 12, 1)),
        ("Propranolol", None, None),
    ]


def test_attack_profile_median_duration_aura_treated_and_impact(diary_alice):
    # A1 6 h, A2 14 h, A3 20 min, A4 20 min, A5 4 h: median 4 h; A1, A3, A5 treated.
    HeadacheAttack.objects.filter(patient=diary_alice, start_date=date(2026, 1, 5)).update(
        aura=True, functional_impact=3
    )
    HeadacheAttack.objects.filter(patient=diary_alice, start_date=date(2026, 2, 14)).update(
        functional_impact=1
    )
    profile = report_for(diary_alice).attack_profile
    assert profile.attacks == 5 and profile.timed == 5
    assert profile.median_hours == pytest.approx(4.0)
    assert (profile.aura_percent, profile.treated_percent) == (20, 60)
    assert profile.impact == (0, 1, 0, 1) and profile.disabling == 1


def test_the_chart_counts_30_day_blocks_back_from_the_end_and_scales_the_short_first(
    diary_alice,
):
    report = report_for(diary_alice)
    first, last = report.chart
    assert (first.start, first.end, first.days, first.partial) == (
        date(2026, 1, 1),
        date(2026, 1, 29),
        29,
        True,
    )
    assert (last.start, last.end, last.partial) == (date(2026, 1, 30), date(2026, 2, 28), False)
    # January 1-29: headache 5, 10, 11, 20; migraine 5, 10, 11; acute medication 5, 20.
    assert (first.headache, first.migraine, first.medication) == (4, 3, 2)
    assert first.values == pytest.approx((4 * 30 / 29, 3 * 30 / 29, 2 * 30 / 29))
    assert first.headache + last.headache == report.total.headache_days


def test_fatigue_and_mood_trend_from_the_daily_items(diary_alice):
    services.day_upsert(patient=diary_alice, date=date(2026, 1, 6), fatigue=6, mood=4)
    services.day_upsert(patient=diary_alice, date=date(2026, 2, 25), fatigue=2)
    fatigue, mood = report_for(diary_alice).daily_trends
    assert (fatigue.label, fatigue.days, fatigue.mean, fatigue.blocks) == ("Fatigue", 2, 4, [6, 2])
    assert (mood.days, mood.blocks) == (1, [4, None])


def test_screens_show_the_latest_reading_and_earlier_scores(diary_alice):
    for day, answers in ((date(2026, 1, 10), [1, 1, 0, 0]), (date(2026, 2, 10), [2, 2, 0, 1])):
        services.questionnaire_upsert(
            patient=diary_alice, instrument="phq4", date=day, answers=answers
        )
    services.questionnaire_upsert(
        patient=diary_alice, instrument="tmd", date=date(2026, 2, 10), answers=[1, 1, 1, 0, 0, 0]
    )
    services.questionnaire_upsert(
        patient=diary_alice,
        instrument="midas",
        date=date(2026, 2, 20),
        answers=[5, 4, 4, 4, 4, 20, 7],
    )
    report = report_for(diary_alice)
    assert (report.midas.latest.score, report.midas.reading["band"]) == (
        21,
        "grade IV, severe disability",
    )
    assert "midas" not in [s.code for s in report.mood_screens]
    screens = {s.code: s for s in report.screens}
    phq4 = screens["phq4"]
    assert (phq4.latest.score, phq4.earlier, phq4.reading["follow_up"]) == (5, [2], ["gad7"])
    assert screens["tmd"].reading["positive"] and screens["tmd"].maximum == 7


def test_the_dsq_sf_shows_its_composite_symptom_count_and_the_iom_pattern(
    client, diary_alice, carol
):
    for day, pair in ((date(2026, 1, 5), [1, 1]), (date(2026, 2, 5), [3, 2])):
        services.questionnaire_upsert(
            patient=diary_alice, instrument="dsqsf", date=day, answers=[pair] * 14
        )
    line = {s.code: s for s in report_for(diary_alice).screens}["dsqsf"]
    assert (line.label, line.maximum, line.latest.score, line.earlier) == ("DSQ-SF", 100, 63, [25])
    assert line.reading["band"] == "14 of 14 symptoms at threshold"
    client.force_login(carol)
    page = client.get(reverse("clinic:report", args=[diary_alice.pk]), QUERY).content.decode()
    assert "<strong>63/100</strong> 5 Feb, 14 of 14 symptoms at threshold" in page
    assert "IOM 2015 symptom pattern" in page


def test_the_report_page_shows_name_birth_date_and_the_new_sections(client, diary_alice, carol):
    PatientProfile.objects.filter(user=diary_alice).update(
        full_name="Alice Example", date_of_birth=date(1985, 3, 1)
    )
    client.force_login(carol)
    page = client.get(reverse("clinic:report", args=[diary_alice.pk]), QUERY).content.decode()
    assert "Diary summary · Alice Example" in page
    assert "Born <strong>1 Mar 1985</strong> (40 y)" in page
    for text in ("Acute drug", "Relief 2 h", "Preventive:", "Attacks and disability"):
        assert text in page
    assert "first block of 29 days, scaled to 30" in page
    assert page.count('tabindex="0" role="region"') >= 3


def test_insights_become_third_person_sentences_with_their_evidence():
    found = Insight(
        kind="stress_letdown",
        status="found",
        effect=1.9,
        ci_low=1.2,
        ci_high=3.1,
        n_days=84,
        n_events=14,
        effect_label="odds ratio after a stress drop",
    )
    sentence = clinician_sentence(found)
    assert sentence == (
        "The patient's diary links a drop in stress and a headache starting that day or the "
        "next (odds ratio after a stress drop 1.9, interval 1.2 to 3.1; 84 days, 14 headache "
        "starts)."
    )
    counted = Insight(
        kind="headache_frequency",
        status="not_found",
        effect=4,
        n_days=30,
        effect_label="headache days in the last 30 days",
    )
    assert clinician_sentence(counted) == (
        "Headache days stay below a published alert level (headache days in the last 30 days "
        "4; 30 days)."
    )
    for text in (sentence, clinician_sentence(counted)):
        assert " you" not in text.lower() and "your" not in text.lower()
