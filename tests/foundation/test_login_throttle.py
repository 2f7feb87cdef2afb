"""Repeated failed JWT logins for one client and username answer 429."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ana", "bayu")]


def login(client, username: str, password: str, addr: str = "10.0.0.1"):
    return client.post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=addr
    )


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_it_answers_429_after_repeated_bad_logins(api):
    client = api()
    statuses = [login(client, "ana", "wrong").status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 429]


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_FAILURE_WINDOW_SECONDS=600)
def test_the_429_names_the_wait(api):
    client = api()
    for _ in range(3):
        login(client, "ana", "wrong")

    response = login(client, "ana", "wrong")

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert "detail" in response.json()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_it_refuses_even_the_right_password_once_throttled(api):
    client = api()
    for _ in range(3):
        login(client, "ana", "wrong")

    assert login(client, "ana", PASSWORD).status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_it_counts_usernames_in_any_case_as_one(api):
    client = api()
    for username in ("ana", "ANA", "Ana"):
        login(client, username, "wrong")

    assert login(client, "ana", "wrong").status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_it_never_throttles_successful_logins(api):
    client = api()
    statuses = {login(client, "ana", PASSWORD).status_code for _ in range(6)}

    assert statuses == {200}


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_another_user_on_the_same_address_can_still_log_in(api):
    client = api()
    for _ in range(3):
        login(client, "ana", "wrong")

    assert login(client, "bayu", PASSWORD).status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_the_same_user_from_another_address_can_still_log_in(api):
    client = api()
    for _ in range(3):
        login(client, "ana", "wrong", addr="10.0.0.1")

    assert login(client, "ana", PASSWORD, addr="10.0.0.2").status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_malformed_logins_do_not_count_as_failures(api):
    client = api()
    for _ in range(5):
        client.post(TOKEN, {"username": "ana"}, format="json", REMOTE_ADDR="10.0.0.1")

    assert login(client, "ana", PASSWORD).status_code == 200
