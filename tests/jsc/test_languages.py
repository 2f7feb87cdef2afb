"""Answers speak Bahasa Indonesia by default and English when the app asks for it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_answers_in_bahasa_indonesia_by_default(api):
    detail = api(language=None).get("/api/v1/me/").json()["detail"]

    assert detail == "Data autentikasi tidak diberikan."


def test_it_answers_in_english_when_asked(api):
    response = api(language=None).get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert response["Content-Language"] == "en"
