"""Which questionnaires are due (diary.selectors.questionnaire_statuses / questionnaires_due)."""

from datetime import date, timedelta

import pytest

from diary import scales, selectors, services

TODAY = date(2026, 3, 10)
pytestmark = pytest.mark.django_db


def due_codes(patient, today=TODAY):
    return [status.instrument for status in selectors.questionnaires_due(patient, today)]


def test_a_new_patient_is_due_every_questionnaire_except_the_follow_ups(alice):
    offered = [code for code, info in scales.INSTRUMENTS.items() if not info.get("follow_up")]
    assert due_codes(alice) == offered


def test_a_weekly_questionnaire_is_due_again_after_seven_days(alice):
    answered = TODAY - timedelta(days=6)
    answers = dict.fromkeys(scales.SSS_WEEK_ITEMS + scales.SSS_SIX_MONTH_ITEMS, 0)
    services.questionnaire_upsert(patient=alice, instrument="sss", date=answered, answers=answers)
    assert "sss" not in due_codes(alice)
    assert "sss" in due_codes(alice, TODAY + timedelta(days=1))


def test_a_monthly_questionnaire_is_due_again_after_thirty_days(alice):
    answered = TODAY - timedelta(days=29)
    services.questionnaire_upsert(patient=alice, instrument="tmd", date=answered, answers=[0] * 6)
    assert "tmd" not in due_codes(alice)
    assert "tmd" in due_codes(alice, TODAY + timedelta(days=1))


def test_a_positive_phq4_part_makes_its_follow_up_due_until_answered(alice):
    # anxiety items 3+0 -> GAD-2 part 3 (positive); mood 0+0
    services.questionnaire_upsert(
        patient=alice, instrument="phq4", date=TODAY, answers=[3, 0, 0, 0]
    )
    assert "gad7" in due_codes(alice) and "phq8" not in due_codes(alice)
    services.questionnaire_upsert(patient=alice, instrument="gad7", date=TODAY, answers=[0] * 7)
    assert "gad7" not in due_codes(alice)
    statuses = selectors.questionnaire_statuses(patient=alice, today=TODAY)
    assert "gad7" in [status.instrument for status in statuses]  # still shown, with its score
