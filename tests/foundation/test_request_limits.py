"""Every endpoint, not just the registry, refuses oversized and pathological JSON."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_is_a_json_413_on_any_endpoint(api, adi):
    body = json.dumps({"code": "X", "name": "x" * (300 * 1024)})

    response = api(adi).post("/api/v1/facilities/", body, content_type="application/json")

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_json_nested_too_deeply_is_a_400(api, citra):
    body = "[" * 100_000 + "]" * 100_000

    response = api(citra).post("/api/v1/devices/", body, content_type="application/json")

    assert response.status_code in (400, 413)
    assert "detail" in response.json()


def test_a_body_that_is_not_json_is_a_400(api, citra):
    response = api(citra).post("/api/v1/devices/", "token=abc", content_type="application/json")

    assert response.status_code == 400
