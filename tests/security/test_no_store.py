"""No browser or proxy keeps an answer: every answer the service makes is
``Cache-Control: no-store`` (a puskesmas shares one browser; jsc/middleware.py), the API's
and the pages' alike; static files keep their own caching."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.security.cast import readable_paths

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/accounts/login/",
    "/dashboard/",
    "/dashboard/pws-kia/",
    "/dashboard/high-risk/",
    "/dashboard/high-risk.csv",
    "/dashboard/deliveries/",
    "/dashboard/alerts/",
    "/dashboard/targets/",
]


@pytest.mark.parametrize("role", ["ana", "citra", "dewi", "adi", None])
def test_every_api_answer_is_no_store(cast, role):
    client = APIClient()
    if role is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(cast[role])}")

    answers = {path: client.get(path) for path in readable_paths(cast)}

    assert len(answers) > 25
    kept = {p: (a.status_code, a.get("Cache-Control")) for p, a in answers.items()}
    assert {p: v for p, v in kept.items() if "no-store" not in (v[1] or "")} == {}
    if role is not None:
        assert any(status == 200 for status, _ in kept.values())


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_no_store(client, cast, path):
    client.force_login(cast["dewi"])

    response = client.get(path)

    assert response.status_code in (200, 302), response.content[:300]
    assert "no-store" in response["Cache-Control"]


def test_a_page_that_answers_an_error_is_no_store_too(client, cast):
    client.force_login(cast["ana"])

    response = client.get("/dashboard/high-risk/")

    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/dashboard/autosubmit.js")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
