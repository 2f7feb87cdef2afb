"""Under /api/, a path that names nothing and a method a path does not take answer
DRF-shaped JSON (`{"detail": ...}`), never Django's HTML page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/", "/api/v1/", "/api/v1/nothing-here/", "/api/v2/pregnancies/", "/api/v1/me/extra/"],
)
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_an_unknown_api_path_answers_a_json_404_for_any_method(api, ana, path, method):
    response = getattr(api(ana, language=None), method)(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Data tidak ditemukan."}


def test_an_unknown_api_path_answers_in_english_when_asked(api):
    response = api().get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_id_on_a_known_route_is_a_json_404_too(api, adi):
    response = api(adi).get("/api/v1/facilities/not-a-uuid/")

    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/me/"),
        ("delete", "/api/v1/pregnancies/"),
        ("patch", "/api/v1/alerts/"),
        ("get", "/api/v1/auth/token/"),
    ],
)
def test_a_method_a_path_does_not_take_answers_a_json_405(api, citra, method, path):
    response = getattr(api(citra), method)(path)

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_pages_outside_the_api_keep_django_s_own_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
