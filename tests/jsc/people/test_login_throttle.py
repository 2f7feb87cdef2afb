"""Repeated failed JWT logins answer 429: per client address and username, and per
address across usernames; never per username alone (docs/security.md)."""

from __future__ import annotations

import pytest
from django.conf import settings
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


def test_five_failures_from_one_address_do_not_lock_the_user_out_from_another(api):
    client = api()
    statuses = [login(client, "ana", "wrong", addr="203.0.113.9").status_code for _ in range(6)]

    assert statuses == [401] * 5 + [429]
    assert login(client, "ana", PASSWORD, addr="10.0.0.2").status_code == 200
    assert login(client, "ana", "wrong", addr="203.0.113.9").status_code == 429


def test_a_spray_of_twenty_usernames_from_one_address_is_throttled(api):
    client = api()
    statuses = [
        login(client, f"user{i}", "wrong", addr="203.0.113.9").status_code for i in range(20)
    ]

    assert statuses[:15] == [401] * 15
    assert set(statuses[15:]) == {429}
    # The spray's address is shut, even for a real account; the user's own phone is not.
    assert login(client, "ana", PASSWORD, addr="203.0.113.9").status_code == 429
    assert login(client, "ana", PASSWORD, addr="10.0.0.2").status_code == 200


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_counter(api):
    client = api()
    statuses = [
        client.post(
            TOKEN,
            {"username": f"user{i}", "password": "wrong"},
            format="json",
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        ).status_code
        for i in range(16)
    ]

    assert statuses[-1] == 429


@override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1})
def test_behind_one_proxy_each_client_address_counts_for_itself(api):
    client = api()
    for _ in range(5):
        client.post(
            TOKEN,
            {"username": "ana", "password": "wrong"},
            format="json",
            REMOTE_ADDR="10.9.9.9",  # the proxy
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )

    def from_client(addr):
        return client.post(
            TOKEN,
            {"username": "ana", "password": PASSWORD},
            format="json",
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=addr,
        ).status_code

    assert from_client("203.0.113.9") == 429
    assert from_client("10.0.0.2") == 200
