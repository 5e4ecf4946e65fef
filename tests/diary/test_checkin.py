"""diary.checkin: the draft key the check-in page gives its device-side draft, and saving."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from diary import checkin
from diary.forms import CheckinForm
from diary.models import Day, HeadacheAttack
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_the_draft_key_is_opaque_and_one_per_account_day_and_headache():
    first, second = PatientFactory(email="first@example.com"), PatientFactory()
    day = date(2026, 3, 1)
    key = checkin.draft_key(checkin.load_checkin(patient=first, day=day), None)
    owner, when, attack = key.split(":")
    assert (when, attack) == ("2026-03-01", "")
    assert len(owner) == 20 and "first" not in key and str(first.pk) != owner
    assert checkin.draft_key(checkin.load_checkin(patient=first, day=day), None) == key
    other = checkin.draft_key(checkin.load_checkin(patient=second, day=day), None)
    assert other.split(":")[0] != owner
    assert checkin.draft_key(checkin.load_checkin(patient=first, day=day), "new").endswith(":new")


def test_saving_the_same_check_in_again_changes_nothing(alice, monkeypatch):
    """A double tap on Save (or a resent form) keeps the day, its version and its headache."""
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    day = date(2026, 3, 9)
    data = {"stress": "4", "pain_neck": "3", "headache": "yes", "attack_start": "08:00"}
    data |= {"attack_peak": "5", "attack_side": "left"}
    saved = []
    for version in ("", "1"):
        form = CheckinForm(
            {**data, "version": version}, context=checkin.load_checkin(patient=alice, day=day)
        )
        assert form.is_valid(), form.errors
        saved.append(checkin.save_checkin(form=form))
    assert [row.version for row in saved] == [1, 1]
    assert Day.objects.get(patient=alice, date=day).pain_map == {"neck": 3}
    assert HeadacheAttack.objects.get(patient=alice).version == 1


def test_saving_the_check_in_keeps_a_time_a_device_sent_with_its_own_offset(alice, monkeypatch):
    """A traveller's 23:30 at -05:00 is 04:30 the next morning in London: the check-in of the
    device's day shows 04:30 and, saved unchanged, must not move the headache a day back."""
    from diary import services

    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    started = datetime(2026, 3, 10, 4, 30, tzinfo=UTC)  # 23:30 on 9 March at -05:00
    attack, _ = services.attack_upsert(
        patient=alice, started_at=started, started_offset_min=-300, peak_intensity=5
    )
    day = date(2026, 3, 9)
    context = checkin.load_checkin(patient=alice, day=day)
    assert context.attack == attack
    data = {"headache": "yes", "attack_start": "04:30", "attack_peak": "7", "sleep_skip": "on"}
    form = CheckinForm(data, context=context)
    assert form.is_valid(), form.errors
    checkin.save_checkin(form=form)
    attack.refresh_from_db()
    assert (attack.started_at, attack.start_date, attack.peak_intensity) == (started, day, 7)
    assert attack.started_offset_min == -300
    data["attack_start"] = "05:00"  # a new time typed on the web: the profile zone's
    form = CheckinForm(data, context=checkin.load_checkin(patient=alice, day=day))
    assert form.is_valid(), form.errors
    checkin.save_checkin(form=form)
    attack.refresh_from_db()
    assert (attack.started_offset_min, attack.start_date) == (None, day)
    assert attack.started_at == datetime(2026, 3, 9, 5, 0, tzinfo=UTC)  # 05:00 in London
