"""POST /api/v1/auth/token/ and per-device token management."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from accounts import services
from tests.api.conftest import field_messages, problem_detail

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"


def _login(api_client, email="alice@example.com", password="correct-horse-battery-9", **extra):
    return api_client.post(URL, {"email": email, "password": password, **extra}, format="json")


def test_valid_credentials_return_a_token_that_authenticates(api_client, alice):
    response = _login(api_client, device_name="Alice's phone")
    assert response.status_code == 201
    body = response.json()
    assert body["role"] == "patient"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    tokens = api_client.get("/api/v1/auth/tokens/").json()
    assert tokens[0]["device_name"] == "Alice's phone"
    assert tokens[0]["current"] is True


def test_email_is_case_insensitive(api_client, alice):
    assert _login(api_client, email="ALICE@Example.com").status_code == 201


def test_wrong_password_answers_401_json(api_client, alice):
    response = _login(api_client, password="nope")
    assert response.status_code == 401
    assert problem_detail(response.json()) == {
        "code": "invalid_credentials",
        "detail": "Email or password is not correct.",
    }


def test_unknown_email_answers_the_same_401(api_client, db):
    response = _login(api_client, email="ghost@example.com")
    assert response.status_code == 401
    assert problem_detail(response.json()) == {
        "code": "invalid_credentials",
        "detail": "Email or password is not correct.",
    }


@pytest.mark.parametrize(
    "payload",
    [{}, {"email": "alice@example.com"}, {"email": "bad", "password": "x"}, {"password": "x"}],
)
def test_missing_or_malformed_fields_answer_400_with_field_errors(api_client, alice, payload):
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert set(field_messages(response.json())) <= {"email", "password"}


def test_malformed_json_answers_400(api_client, db):
    response = api_client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_repeated_failures_lock_out_the_token_endpoint(api_client, alice):
    for _ in range(5):
        _login(api_client, password="wrong")
    response = _login(api_client)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.json()["detail"]
    assert problem_detail(response.json())["code"] == "locked_out"


def test_revoked_token_no_longer_authenticates(api_client, alice):
    token = _login(api_client).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert api_client.delete(f"/api/v1/auth/tokens/{token['token_id']}/").status_code == 204
    assert api_client.get("/api/v1/auth/tokens/").status_code == 401


def test_logout_revokes_only_the_current_device(api_client, alice):
    phone = _login(api_client).json()
    tablet = _login(api_client).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {phone['token']}")
    assert api_client.post("/api/v1/auth/token/revoke/").status_code == 204
    assert api_client.get("/api/v1/auth/tokens/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tablet['token']}")
    assert api_client.get("/api/v1/auth/tokens/").status_code == 200


def test_a_user_cannot_revoke_another_users_token(api_client, alice, bob):
    alice_token = _login(api_client).json()
    bob_token = _login(api_client, email="bob@example.com").json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {bob_token['token']}")
    response = api_client.delete(f"/api/v1/auth/tokens/{alice_token['token_id']}/")
    assert response.status_code == 404
    assert AuthToken.objects.filter(token_key=alice_token["token_id"]).exists()


def test_tokens_are_stored_hashed(api_client, alice):
    token = _login(api_client).json()["token"]
    stored = AuthToken.objects.get(user=alice)
    assert token not in stored.digest


def test_anonymous_token_list_answers_401(api_client, db):
    assert api_client.get("/api/v1/auth/tokens/").status_code == 401


# --- the per-user token limit (TOKEN_LIMIT_PER_USER) ------------------------------------------


def test_no_user_ever_holds_more_live_tokens_than_the_limit(api_client, alice):
    for n in range(24):
        services.token_create(user=alice, device_name=f"phone {n}")
    assert _login(api_client, device_name="phone 25").status_code == 201
    assert AuthToken.objects.filter(user=alice).count() == knox_settings.TOKEN_LIMIT_PER_USER == 20


def test_at_the_limit_a_new_login_signs_out_the_least_recently_used_device(api_client, alice):
    made = [services.token_create(user=alice, device_name=f"phone {n}")[0] for n in range(20)]
    forgotten = made[7]  # knox moves the expiry forward on use: the earliest is the least used
    AuthToken.objects.filter(pk=forgotten.pk).update(expiry=timezone.now() + timedelta(days=1))
    response = _login(api_client, device_name="new phone")
    assert response.status_code == 201
    names = set(AuthToken.objects.filter(user=alice).values_list("device__name", flat=True))
    assert "phone 7" not in names
    assert {"phone 0", "phone 19", "new phone"} <= names


def test_expired_tokens_do_not_count_and_are_not_listed(api_client, alice):
    old, _ = services.token_create(user=alice, device_name="old tablet")
    AuthToken.objects.filter(pk=old.pk).update(expiry=timezone.now() - timedelta(minutes=1))
    token = _login(api_client).json()["token"]
    assert not AuthToken.objects.filter(pk=old.pk).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert len(api_client.get("/api/v1/auth/tokens/").json()) == 1


def test_a_forged_forwarded_for_header_does_not_escape_the_login_throttle(api_client, db):
    answers = [
        api_client.post(
            URL,
            {"email": f"spray{n}@example.com", "password": "Winter2026!"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.{n}.1",
        ).status_code
        for n in range(21)
    ]
    assert answers[:20] == [401] * 20
    assert answers[20] == 429


def test_a_token_works_with_the_bearer_prefix_that_generated_clients_send(api_client, alice):
    token = _login(api_client).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get("/api/v1/me/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token} extra")
    assert api_client.get("/api/v1/me/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get("/api/v1/me/").status_code == 401


def test_login_answers_carry_the_rate_limit_headers(api_client, alice):
    first = _login(api_client)
    second = _login(api_client)
    assert first["RateLimit-Limit"] == second["RateLimit-Limit"]
    limit = int(first["RateLimit-Limit"])
    assert int(first["RateLimit-Remaining"]) == limit - 1
    assert int(second["RateLimit-Remaining"]) == limit - 2
    assert 0 < int(second["RateLimit-Reset"]) <= 60
    assert second["RateLimit-Policy"] == f"{limit};w=60"
