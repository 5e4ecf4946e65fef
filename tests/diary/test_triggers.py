"""Own triggers and the day's trigger answer: service rules, check-in page, triggers page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diary import scales, services
from diary.models import Day, Trigger
from tests.diary.test_views import TODAY, checkin, day_url, frozen_now  # noqa: F401

DAY = date(2026, 3, 2)


@pytest.fixture
def sunlight(alice):
    trigger, _ = services.trigger_upsert(patient=alice, name="Bright sunlight")
    return trigger


@pytest.fixture
def patient_client(client, alice):
    client.force_login(alice)
    return client


# --- services -----------------------------------------------------------------------------------


def test_a_day_stores_default_and_own_triggers_in_checklist_order(alice, sunlight):
    day, _ = services.day_upsert(patient=alice, date=DAY, triggers=[sunlight.key, "alcohol"])
    assert day.triggers == ["alcohol", sunlight.key]


def test_an_empty_list_is_an_answer_and_none_is_not(alice):
    answered, _ = services.day_upsert(patient=alice, date=DAY, triggers=[])
    assert answered.triggers == []
    untouched, _ = services.day_upsert(patient=alice, date=DAY - timedelta(days=1), stress=3)
    assert untouched.triggers is None


@pytest.mark.parametrize(
    "triggers",
    [["wine"], ["alcohol", "alcohol"], "alcohol", [1], ["own:not-a-uuid"]],
)
def test_unknown_repeated_or_malformed_triggers_are_refused(alice, triggers):
    with pytest.raises(ValidationError) as error:
        services.day_upsert(patient=alice, date=DAY, triggers=triggers)
    assert "triggers" in error.value.message_dict


def test_another_patients_or_a_deleted_own_trigger_cannot_be_ticked(alice, bob, sunlight):
    with pytest.raises(ValidationError):
        services.day_upsert(patient=bob, date=DAY, triggers=[sunlight.key])
    services.trigger_delete(patient=alice, trigger_id=sunlight.pk)
    with pytest.raises(ValidationError):
        services.day_upsert(patient=alice, date=DAY, triggers=[sunlight.key])


def test_a_day_keeps_a_trigger_deleted_after_it_was_ticked(alice, sunlight):
    services.day_upsert(patient=alice, date=DAY, triggers=[sunlight.key])
    services.trigger_delete(patient=alice, trigger_id=sunlight.pk)
    day, outcome = services.day_upsert(patient=alice, date=DAY, triggers=[sunlight.key])
    assert outcome is services.Outcome.UNCHANGED and day.triggers == [sunlight.key]


def test_too_many_triggers_on_a_day_are_refused(alice):
    with pytest.raises(ValidationError):
        services.day_upsert(
            patient=alice, date=DAY, triggers=["alcohol"] * (scales.MAX_DAY_TRIGGERS + 1)
        )


def test_own_trigger_names_are_unique_per_patient_in_any_case(alice, bob, sunlight):
    with pytest.raises(ValidationError):
        services.trigger_upsert(patient=alice, name="bright  SUNLIGHT")
    other, _ = services.trigger_upsert(patient=bob, name="Bright sunlight")
    assert other.patient == bob


@pytest.mark.parametrize("name", ["", "   ", "Alcohol", "x" * 41])
def test_an_own_trigger_needs_a_new_short_name(alice, name):
    with pytest.raises(ValidationError):
        services.trigger_upsert(patient=alice, name=name)


def test_a_deleted_name_can_be_used_again(alice, sunlight):
    services.trigger_delete(patient=alice, trigger_id=sunlight.pk)
    again, outcome = services.trigger_upsert(patient=alice, name="Bright sunlight")
    assert outcome is services.Outcome.CREATED and again.pk != sunlight.pk


# --- pages --------------------------------------------------------------------------------------


def test_an_untouched_trigger_section_stays_unanswered(patient_client, alice):
    assert patient_client.post(day_url(TODAY), checkin()).status_code == 302
    assert Day.objects.get(patient=alice, date=TODAY).triggers is None


def test_none_today_saves_an_empty_answer(patient_client, alice):
    patient_client.post(day_url(TODAY), checkin(no_triggers="on"))
    assert Day.objects.get(patient=alice, date=TODAY).triggers == []


def test_two_ticked_triggers_are_saved_and_shown_ticked_again(patient_client, alice, sunlight):
    data = checkin()
    data["triggers"] = ["alcohol", sunlight.key]
    assert patient_client.post(day_url(TODAY), data).status_code == 302
    assert Day.objects.get(patient=alice, date=TODAY).triggers == ["alcohol", sunlight.key]
    html = patient_client.get(day_url(TODAY)).content.decode()
    assert 'value="alcohol" id="id_triggers_0" checked' in html.replace("checked>", "checked")
    assert "Bright sunlight" in html


def test_ticking_triggers_and_none_today_is_an_error(patient_client, alice):
    data = checkin(no_triggers="on")
    data["triggers"] = ["alcohol"]
    response = patient_client.post(day_url(TODAY), data)
    assert response.status_code == 200
    assert not Day.objects.filter(patient=alice, date=TODAY).exists()


def test_the_triggers_page_adds_and_removes_an_own_trigger(patient_client, alice):
    url = reverse("diary:triggers")
    assert patient_client.post(url, {"name": "Perfume"}).status_code == 302
    trigger = Trigger.objects.get(patient=alice, name="Perfume")
    remove = reverse("diary:trigger_remove", args=[trigger.pk])
    assert patient_client.post(remove).status_code == 302
    trigger.refresh_from_db()
    assert trigger.is_deleted
    assert 'aria-current="page">Triggers' in patient_client.get(url).content.decode()


def test_another_patients_trigger_cannot_be_removed(client, bob, sunlight):
    client.force_login(bob)
    response = client.post(reverse("diary:trigger_remove", args=[sunlight.pk]))
    assert response.status_code == 404
