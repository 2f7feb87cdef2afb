"""POST /api/v1/auth/token/ and /api/v1/auth/token/refresh/: JWT login and refresh."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
ME = "/api/v1/me/"

pytestmark = pytest.mark.django_db


def test_it_gives_an_access_and_a_refresh_token_for_good_credentials(api, ana):
    response = api().post(TOKEN, {"username": "ana", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_the_access_token_signs_requests_in(api, ana):
    access = (
        api().post(TOKEN, {"username": "ana", "password": PASSWORD}, format="json").json()["access"]
    )
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    response = client.get(ME)

    assert response.status_code == 200
    assert response.json()["username"] == "ana"


def test_it_answers_401_to_a_wrong_password(api, ana):
    response = api().post(TOKEN, {"username": "ana", "password": "wrong"}, format="json")

    assert response.status_code == 401
    assert "access" not in response.json()


def test_it_answers_401_to_an_unknown_username(api, db):
    response = api().post(TOKEN, {"username": "nobody", "password": PASSWORD}, format="json")

    assert response.status_code == 401


def test_it_answers_401_to_a_deactivated_user(api, ana):
    ana.is_active = False
    ana.save()

    response = api().post(TOKEN, {"username": "ana", "password": PASSWORD}, format="json")

    assert response.status_code == 401


@pytest.mark.parametrize("missing", ["username", "password"])
def test_it_rejects_a_login_with_a_missing_field(api, ana, missing):
    body = {"username": "ana", "password": PASSWORD}
    del body[missing]

    response = api().post(TOKEN, body, format="json")

    assert response.status_code == 400
    assert missing in response.json()


@pytest.mark.parametrize(
    "body",
    [
        ["ana", PASSWORD],
        "ana",
        None,
        {"username": {"name": "ana"}, "password": PASSWORD},
        {"username": ["ana"], "password": PASSWORD},
    ],
    ids=["list", "string", "null", "object-username", "list-username"],
)
def test_it_rejects_a_login_body_of_the_wrong_shape_with_400(api, ana, body):
    response = api().post(TOKEN, body, format="json")

    assert response.status_code == 400


def test_it_rejects_a_login_that_is_not_json(api, ana):
    response = api().post(TOKEN, "{not json", content_type="application/json")

    assert response.status_code == 400


def test_it_gives_a_new_access_token_for_a_refresh_token(api, ana):
    tokens = api().post(TOKEN, {"username": "ana", "password": PASSWORD}, format="json").json()

    response = api().post(REFRESH, {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 200
    assert "access" in response.json()
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert client.get(ME).json()["username"] == "ana"


def test_it_refuses_an_access_token_as_a_refresh_token(api, ana):
    tokens = api().post(TOKEN, {"username": "ana", "password": PASSWORD}, format="json").json()

    response = api().post(REFRESH, {"refresh": tokens["access"]}, format="json")

    assert response.status_code == 401


def test_it_refuses_a_garbled_refresh_token(api, db):
    response = api().post(REFRESH, {"refresh": "not.a.token"}, format="json")

    assert response.status_code == 401


def test_it_rejects_a_refresh_with_a_missing_field(api, db):
    response = api().post(REFRESH, {}, format="json")

    assert response.status_code == 400
    assert "refresh" in response.json()


def test_it_refuses_a_garbled_bearer_token(api, db):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    assert client.get(ME).status_code == 401
