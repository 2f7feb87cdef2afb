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


@pytest.mark.parametrize(
    ("language", "expected", "lang"),
    [
        (None, "Formulir tidak dapat dikirim", "id"),
        ("en", "The form could not be sent", "en"),
    ],
)
def test_a_form_sent_without_its_csrf_token_is_told_so_in_the_asked_language(
    language, expected, lang
):
    from django.test import Client

    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "ana", "password": "x"}, **headers)

    assert response.status_code == 403
    text = response.content.decode()
    assert expected in text
    assert f'<html lang="{lang}">' in text
    assert "CSRF" not in text
