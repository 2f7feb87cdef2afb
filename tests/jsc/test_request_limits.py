"""Every endpoint, not just the registry, refuses oversized and pathological JSON."""

from __future__ import annotations

import json

import pytest

from jsc.people.models import District, Facility
from pregnancies.models import Mother
from tests.pregnancies import helpers as registry

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


NUL_REFUSED = "NUL characters are not allowed in JSON strings."


def test_a_nul_character_in_a_string_is_a_400_not_a_500(api, adi):
    District.objects.create(name="Kalisat")
    facility = {"code": "PKM-KLS", "name": "Puskesmas Kalisat", "kind": "puskesmas"}

    response = api(adi).post(
        "/api/v1/facilities/", {**facility, "district": "\u0000"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == NUL_REFUSED
    assert not Facility.objects.exists()


def test_a_registration_with_a_nul_in_the_mothers_name_is_refused_whole(api, ana):
    registration = registry.body(mother=registry.mother(full_name="Siti\u0000Aminah"))

    response = api(ana).post(registry.URL, registration, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == NUL_REFUSED
    assert not Mother.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"key\u0000": "value"},
        {"a": [1, {"b": [None, "deep\u0000"]}]},
        ["\u0000"],
        "\u0000",
    ],
    ids=["in-a-key", "nested", "in-a-list", "bare"],
)
def test_a_nul_is_found_in_keys_and_at_any_depth(api, citra, payload):
    response = api(citra).post(
        "/api/v1/devices/", json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == NUL_REFUSED
