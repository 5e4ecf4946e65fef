"""diary.checkin: the draft key the check-in page gives its device-side draft."""

from datetime import date

import pytest

from diary import checkin
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
