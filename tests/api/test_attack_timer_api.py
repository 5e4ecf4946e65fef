"""The attack timer and relief follow-ups in the API (issue 23): ``?ongoing=`` on headaches,
``?awaiting_relief=`` on doses, and a follow-up answered with a PATCH of ``relief_2h``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from diary import services
from diary.days import patient_today
from diary.models import Dose
from diary.selectors import relief_follow_ups_due
from tests.api.conftest import field_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    """Real time (the shares of the authorization matrix are dated by it): only the hours
    between a dose and now matter here."""
    return timezone.now()


@pytest.fixture
def attacks(alice, now):
    ended, _ = services.attack_upsert(
        patient=alice,
        started_at=now - timedelta(days=1),
        ended_at=now - timedelta(hours=20),
        peak_intensity=5,
    )
    ongoing, _ = services.attack_start_now(patient=alice, peak_intensity=6)
    return ended, ongoing


@pytest.fixture
def doses(alice, now):
    triptan, _ = services.medication_upsert(patient=alice, name="Sumatriptan", med_class="triptan")
    preventive, _ = services.medication_upsert(
        patient=alice, name="Propranolol", med_class="other", kind="preventive"
    )

    def dose(medication, hours, **fields):
        return services.dose_upsert(
            patient=alice, medication=medication, taken_at=now - timedelta(hours=hours), **fields
        )[0]

    return {
        "due_old": dose(triptan, 23),
        "due": dose(triptan, 2),
        "too_early": dose(triptan, 1),
        "too_late": dose(triptan, 25),
        "answered": dose(triptan, 3, relief_2h="none"),
        "preventive": dose(preventive, 3),
    }


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_headaches_filter_the_ongoing_one_and_say_which_is_ongoing(api_as, alice, attacks):
    ended, ongoing = attacks
    client = api_as(alice)
    assert _ids(client.get("/api/v1/headaches/", {"ongoing": "true"})) == [str(ongoing.pk)]
    assert _ids(client.get("/api/v1/headaches/", {"ongoing": "false"})) == [str(ended.pk)]
    rows = client.get("/api/v1/headaches/").json()["results"]
    assert [(row["id"], row["ongoing"], row["ended_at"] is None) for row in rows] == [
        (str(ended.pk), False, False),
        (str(ongoing.pk), True, True),
    ]


def test_an_ongoing_attack_is_listed_for_every_day_it_spans(api_as, alice, now):
    attack, _ = services.attack_upsert(
        patient=alice, started_at=now - timedelta(days=3), peak_intensity=4
    )
    client = api_as(alice)
    today = patient_today(alice)
    for back in range((today - attack.start_date).days + 1):
        day = (today - timedelta(days=back)).isoformat()
        assert _ids(client.get("/api/v1/headaches/", {"from": day, "to": day})) == [str(attack.pk)]
    before = (attack.start_date - timedelta(days=1)).isoformat()
    assert _ids(client.get("/api/v1/headaches/", {"to": before})) == []


def test_doses_awaiting_relief_are_the_follow_ups_due_oldest_first(api_as, alice, doses, now):
    due = _ids(api_as(alice).get("/api/v1/doses/", {"awaiting_relief": "true"}))
    assert due == [str(doses["due_old"].pk), str(doses["due"].pk)]
    assert due == [str(dose.pk) for dose in relief_follow_ups_due(alice, now)]
    others = _ids(api_as(alice).get("/api/v1/doses/", {"awaiting_relief": "false"}))
    assert set(others) == {str(doses[name].pk) for name in doses} - set(due)


def test_answering_a_follow_up_is_a_patch_of_relief_2h(api_as, alice, doses):
    dose = doses["due"]
    client = api_as(alice)
    response = client.patch(
        f"/api/v1/doses/{dose.pk}/", {"relief_2h": "partial"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200
    assert (response.json()["relief_2h"], response.json()["version"]) == ("partial", 2)
    assert str(dose.pk) not in _ids(client.get("/api/v1/doses/", {"awaiting_relief": "true"}))
    bad = client.patch(f"/api/v1/doses/{dose.pk}/", {"relief_2h": "great"}, format="json")
    assert bad.status_code == 400 and "relief_2h" in field_messages(bad.json())


@pytest.mark.parametrize("value", ["maybe", ""])
def test_a_malformed_filter_is_a_field_error(api_as, alice, value):
    assert api_as(alice).get("/api/v1/headaches/", {"ongoing": value}).status_code == 400
    assert api_as(alice).get("/api/v1/doses/", {"awaiting_relief": value}).status_code == 400


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("alice", 200),
        ("bob", 404),
        ("carol", 200),
        ("dave", 404),
        ("erin", 404),
    ],
)
@pytest.mark.parametrize(
    "query", [("headaches", {"ongoing": "true"}), ("doses", {"awaiting_relief": "true"})]
)
def test_authorization_matrix_of_the_new_filters(
    api_as, alice, bob, carol, dave, erin, attacks, doses, who, status, query
):
    """Patient: own; clinician with an active share (carol): read; without one (dave) or with
    a revoked one (erin), another patient (bob): 404; anonymous: 401."""
    users = {
        "anonymous": None,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "erin": erin,
    }
    resource, params = query
    user = users[who]
    if who != "alice" and user is not None:
        params = {**params, "patient": alice.pk}
    response = api_as(user).get(f"/api/v1/{resource}/", params)
    assert response.status_code == status
    if status == 200:
        assert len(response.json()["results"]) >= 1


def test_a_clinician_cannot_answer_a_follow_up(api_as, alice, carol, doses):
    dose = doses["due"]
    response = api_as(carol).patch(
        f"/api/v1/doses/{dose.pk}/?patient={alice.pk}", {"relief_2h": "none"}, format="json"
    )
    assert response.status_code == 403
    assert Dose.objects.get(pk=dose.pk).relief_2h == ""


def test_another_patient_cannot_answer_a_follow_up(api_as, alice, bob, doses):
    dose = doses["due"]
    body = {"relief_2h": "none"}
    assert api_as(bob).patch(f"/api/v1/doses/{dose.pk}/", body, format="json").status_code == 404
    assert Dose.objects.get(pk=dose.pk).relief_2h == ""
