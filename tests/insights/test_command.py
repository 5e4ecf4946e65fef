import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from diary import services as diary_services
from insights.analysis import KINDS


def _run(*args) -> str:
    out = StringIO()
    call_command("compute_insights", *args, stdout=out)
    return out.getvalue()


def _log(patient, days: int = 5):
    for offset in range(1, days + 1):
        diary_services.day_upsert(
            patient=patient, date=timezone.localdate() - timedelta(days=offset), stress=offset % 7
        )


def test_compute_insights_prints_a_summary(alice):
    _log(alice)
    output = _run("alice@example.com")
    assert output.startswith("alice@example.com: 8 insights, 0 found")
    assert "[insufficient_data] Stress and next-day headache" in output


def test_json_output_is_exactly_what_the_api_returns(alice, api_as):
    _log(alice)
    printed = json.loads(_run("ALICE@example.com", "--json"))
    assert printed == api_as(alice).get("/api/v1/insights/").json()
    assert len(printed) == len(KINDS)


def test_an_unknown_email_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No account"):
        _run("nobody@example.com")


def test_a_clinician_email_is_refused(carol):
    with pytest.raises(CommandError, match="not a patient"):
        _run("carol@example.com")
