"""A server error under /api/ answers JSON in the caller's language, never Django's HTML
page: the apps read `detail` from every error. Pages keep Django's HTML 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.jsc.urls_that_raise")]


def client() -> Client:
    # As a real server: the exception becomes the 500 answer instead of reaching the test.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/api/v1/raises/", "/api/v1/raises-plain/"])
def test_an_api_view_that_raises_answers_a_json_500_in_indonesian(path):
    response = client().get(path)

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Terjadi galat di server."}


def test_it_answers_in_english_when_asked():
    response = client().get("/api/v1/raises/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


def test_a_page_that_raises_keeps_django_s_html_500():
    response = client().get("/raises/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
