from insights.models import Insight
from insights.selectors import current_insights, insight_history


def _insight(patient, kind, status="not_found", current=True):
    return Insight.objects.create(
        patient=patient, kind=kind, status=status, summary="s", is_current=current
    )


def test_current_insights_lists_only_current_rows_of_that_patient(alice, bob):
    _insight(alice, "sleep_pain")
    _insight(alice, "sleep_pain", current=False)
    _insight(bob, "stress_headache")
    rows = current_insights(patient=alice)
    assert [(row.patient_id, row.kind) for row in rows] == [(alice.pk, "sleep_pain")]


def test_current_insights_puts_found_first_then_kind_order(alice):
    _insight(alice, "medication_overuse", status="insufficient_data")
    _insight(alice, "pain_spread", status="found")
    _insight(alice, "stress_headache")
    _insight(alice, "stress_letdown", status="found")
    kinds = [row.kind for row in current_insights(patient=alice)]
    assert kinds == ["stress_letdown", "pain_spread", "stress_headache", "medication_overuse"]


def test_current_insights_uses_one_query(alice, django_assert_num_queries):
    for kind in ("sleep_pain", "pain_spread", "stress_headache"):
        _insight(alice, kind)
    with django_assert_num_queries(1):
        current_insights(patient=alice)


def test_insight_history_is_newest_first_and_includes_old_rows(alice):
    old = _insight(alice, "sleep_pain", current=False)
    new = _insight(alice, "sleep_pain")
    assert [row.pk for row in insight_history(patient=alice, kind="sleep_pain")] == [new.pk, old.pk]
