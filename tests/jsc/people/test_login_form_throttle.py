"""The web login form (and so the admin's) shares the JWT login's failure limit."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ana")]


def submit(client, password: str):
    return client.post("/accounts/login/", {"username": "ana", "password": password})


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_it_answers_429_after_repeated_bad_passwords_even_for_the_right_one(client):
    statuses = [submit(client, "wrong").status_code for _ in range(3)]
    blocked = submit(client, PASSWORD)

    assert statuses == [200, 200, 200]
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_good_login_is_not_counted(client):
    for _ in range(10):
        assert submit(client, PASSWORD).status_code == 302
        client.logout()


def test_the_admin_login_goes_through_the_guarded_form(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
