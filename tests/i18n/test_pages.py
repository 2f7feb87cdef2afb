"""The web pages the service writes itself (the sign-in form, the landing page) read in
Bahasa Indonesia by default and in English on request."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [(None, ["Nama pengguna", "Kata sandi", "Masuk"]), ("en", ["Username", "Password", "Sign in"])],
)
def test_the_sign_in_form_speaks_the_asked_language(client, language, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    text = client.get("/accounts/login/", **headers).content.decode()

    for words in expected:
        assert words in text


def test_a_failed_sign_in_says_so_in_either_language(client, ana):
    wrong = {"username": "ana", "password": "wrong"}
    indonesian = client.post("/accounts/login/", wrong).content.decode()
    english = client.post("/accounts/login/", wrong, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Nama pengguna atau kata sandi salah." in indonesian
    assert "Wrong username or password." in english


def test_the_landing_page_speaks_the_asked_language(client, ana):
    assert client.login(username="ana", password=PASSWORD)
    indonesian = client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Dokumentasi API interaktif" in indonesian and "Keluar" in indonesian
    assert "The interactive API documentation" in english and "Sign out" in english
