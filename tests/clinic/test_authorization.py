"""Who may open each clinic page: anonymous, the patient, another patient, a clinician with,
without or after a revoked share. Patient data answers 404 to anyone not allowed (ids never
leak); role-only pages answer 403; anonymous visitors are sent to log in."""

import pytest
from django.urls import reverse

from accounts.models import AccessEvent

pytestmark = pytest.mark.django_db

PATIENT_DATA = ["clinic:report", "clinic:report_pdf", "clinic:fhir_export"]


def url_for(name, alice):
    return reverse(name, kwargs={"patient_id": alice.pk})


@pytest.fixture
def world(alice, bob, carol, dave, erin):
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave, "erin": erin}


@pytest.mark.parametrize("name", PATIENT_DATA)
@pytest.mark.parametrize(
    "who, status",
    [("alice", 200), ("bob", 404), ("carol", 200), ("dave", 404), ("erin", 404)],
)
def test_patient_data_pages(client, world, name, who, status):
    client.force_login(world[who])
    response = client.get(url_for(name, world["alice"]))
    assert response.status_code == status
    logged = AccessEvent.objects.filter(actor=world[who], patient=world["alice"]).exists()
    assert logged == (who == "carol")  # only the permitted clinician read is recorded


@pytest.mark.parametrize("name", PATIENT_DATA)
def test_patient_data_pages_send_anonymous_visitors_to_login(client, world, name):
    response = client.get(url_for(name, world["alice"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", PATIENT_DATA)
def test_unknown_patient_id_is_404_like_a_forbidden_one(client, world, name):
    client.force_login(world["carol"])
    assert client.get(reverse(name, kwargs={"patient_id": 999999})).status_code == 404
    assert client.get(url_for(name, world["carol"])).status_code == 404  # a clinician id


@pytest.mark.parametrize(
    "name, allowed",
    [
        ("clinic:dashboard", "clinician"),
        ("clinic:redeem", "clinician"),
        ("clinic:shares", "patient"),
        ("clinic:access_log", "patient"),
    ],
)
@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave", "erin"])
def test_role_pages(client, world, name, allowed, who):
    client.force_login(world[who])
    response = client.get(reverse(name))
    role = "patient" if who in ("alice", "bob") else "clinician"
    assert response.status_code == (200 if role == allowed else 403)


@pytest.mark.parametrize(
    "name", ["clinic:dashboard", "clinic:redeem", "clinic:shares", "clinic:access_log"]
)
def test_role_pages_send_anonymous_visitors_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dashboard_shows_no_patient_after_revocation(client, world):
    client.force_login(world["erin"])
    page = client.get(reverse("clinic:dashboard")).content.decode()
    assert "alice@example.com" not in page
    assert not AccessEvent.objects.exists()


def test_share_pages_of_a_patient_are_404_for_everyone_else(client, world):
    share = world["alice"].shares_given.get(clinician=world["carol"])
    for who in ("bob", "carol", "dave"):
        client.force_login(world[who])
        detail = reverse("clinic:share_detail", kwargs={"share_id": share.pk})
        expected = 404 if who == "bob" else 403
        assert client.get(detail).status_code == expected


def test_admin_without_a_role_cannot_read_patient_data(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(admin)
    assert client.get(url_for("clinic:report", world["alice"])).status_code == 404
    assert client.get(reverse("clinic:dashboard")).status_code == 403
