"""A password reset, a role change, a facility change or a deactivation ends every token
the user holds: the next request with the old access or refresh token answers 401
(docs/security.md, "Ending a user's tokens")."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jsc.people.models import Role, User
from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
ME = "/api/v1/me/"
NEW_PASSWORD = "another-long-pass-phrase-7"

pytestmark = pytest.mark.django_db


def log_in(api, username: str = "citra", password: str = PASSWORD) -> dict:
    response = api().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def me_with(api, access: str, language: str | None = "en"):
    client = api(language=language)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(ME)


def refreshed(api, refresh: str):
    return api().post(REFRESH, {"refresh": refresh}, format="json")


def assert_ended(api, tokens: dict) -> None:
    assert me_with(api, tokens["access"]).status_code == 401
    assert refreshed(api, tokens["refresh"]).status_code == 401


def test_a_password_reset_ends_the_old_access_and_refresh_tokens(api, adi, citra):
    tokens = log_in(api)
    assert me_with(api, tokens["access"]).status_code == 200

    reset = api(adi).post(
        f"/api/v1/users/{citra.pk}/password/", {"password": NEW_PASSWORD}, format="json"
    )

    assert reset.status_code == 204
    assert_ended(api, tokens)
    fresh = log_in(api, password=NEW_PASSWORD)
    assert me_with(api, fresh["access"]).status_code == 200
    assert refreshed(api, fresh["refresh"]).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"role": Role.MIDWIFE},
        {"facility": "patrang"},
        {"active": False},
    ],
    ids=["role", "facility", "deactivated"],
)
def test_a_role_facility_or_active_change_ends_the_tokens(api, adi, citra, patrang, change):
    tokens = log_in(api)
    if change.get("facility") == "patrang":
        change = {"facility": str(patrang.pk)}

    answer = api(adi).patch(f"/api/v1/users/{citra.pk}/", change, format="json")

    assert answer.status_code == 200, answer.content
    assert_ended(api, tokens)


def test_reactivating_a_user_does_not_bring_her_old_tokens_back(api, adi, citra):
    tokens = log_in(api)
    api(adi).patch(f"/api/v1/users/{citra.pk}/", {"active": False}, format="json")
    api(adi).patch(f"/api/v1/users/{citra.pk}/", {"active": True}, format="json")

    assert_ended(api, tokens)
    assert me_with(api, log_in(api)["access"]).status_code == 200


def test_a_new_name_or_phone_leaves_the_tokens_alive(api, adi, citra):
    tokens = log_in(api)

    api(adi).patch(
        f"/api/v1/users/{citra.pk}/",
        {"full_name": "dr. Citra Dewi", "phone": "+6281300000000"},
        format="json",
    )

    assert me_with(api, tokens["access"]).status_code == 200
    assert refreshed(api, tokens["refresh"]).status_code == 200


def test_every_device_of_the_user_is_signed_out_and_no_one_else(api, adi, citra, ana):
    phone, tablet, anas = log_in(api), log_in(api), log_in(api, "ana")

    api(adi).post(f"/api/v1/users/{citra.pk}/password/", {"password": NEW_PASSWORD}, format="json")

    assert_ended(api, phone)
    assert_ended(api, tablet)
    assert me_with(api, anas["access"]).status_code == 200


def test_the_401_says_why_in_bahasa_indonesia_by_default(api, adi, citra):
    tokens = log_in(api)
    api(adi).patch(f"/api/v1/users/{citra.pk}/", {"role": Role.MIDWIFE}, format="json")

    indonesian = me_with(api, tokens["access"], language=None).json()["detail"]
    english = me_with(api, tokens["access"]).json()["detail"]

    assert english.startswith("This sign-in has ended")
    assert indonesian != english


def test_the_django_admins_password_form_ends_the_tokens_too(client, api, citra):
    tokens = log_in(api)
    root = User.objects.create_superuser("root", password=PASSWORD, full_name="Root")
    client.force_login(root)

    answer = client.post(
        f"/admin/people/user/{citra.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert answer.status_code == 302, answer.content
    assert_ended(api, tokens)


def test_a_password_set_on_the_server_ends_the_tokens_too(api, citra, monkeypatch):
    """``manage.py changepassword`` saves the user as any other path does."""
    tokens = log_in(api)
    answers = iter([NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    call_command("changepassword", "citra", stdout=io.StringIO())

    assert_ended(api, tokens)


def test_a_token_from_before_versions_existed_is_of_version_zero(api, citra):
    """Tokens issued before this release carry no version: valid until the first change."""
    from rest_framework_simplejwt.tokens import RefreshToken

    legacy = RefreshToken.for_user(citra)  # simplejwt's own: no "ver" claim
    tokens = {"access": str(legacy.access_token), "refresh": str(legacy)}
    assert me_with(api, tokens["access"]).status_code == 200

    citra.set_password(NEW_PASSWORD)
    citra.save()

    assert_ended(api, tokens)


def test_two_changes_at_once_both_count(db, citra):
    """The version is raised in SQL, so it never stands still under concurrent saves."""
    first = User.objects.get(pk=citra.pk)
    second = User.objects.get(pk=citra.pk)
    first.role = Role.MIDWIFE
    first.save(update_fields=["role"])
    second.set_password(NEW_PASSWORD)
    second.save(update_fields=["password"])

    assert User.objects.get(pk=citra.pk).token_version == 2
    assert (first.token_version, second.token_version) == (1, 2)
