"""The fuzzer's findings on input, each pinned: a parameter the API cannot read is a
400 naming it, never silently ignored (jsc/filters.py, jsc/pagination.py, jsc/params.py)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/alerts/", {"acknowledged": "-1.79e308"}),
        ("/api/v1/alerts/", {"acknowledged": "maybe"}),
        ("/api/v1/alerts/", {"acknowledged": ""}),
        ("/api/v1/pregnancies/", {"due_after": ""}),
        ("/api/v1/pregnancies/", {"due_before": ""}),
        ("/api/v1/pregnancies/", {"facility": ""}),
        ("/api/v1/pregnancies/", {"status": ""}),
        ("/api/v1/pregnancies/", {"updated_since": ""}),
    ],
)
def test_a_filter_given_without_a_readable_value_is_refused(api, citra, path, query):
    response = api(citra).get(path, query)

    assert response.status_code == 400
    assert list(response.json()) == list(query)


@pytest.mark.parametrize(
    ("user", "path", "query"),
    [
        ("citra", "/api/v1/pregnancies/", {"page": ""}),
        ("citra", "/api/v1/pregnancies/", {"page_size": " "}),
        ("citra", "/api/v1/pregnancies/", {"format": ""}),
        ("citra", "/api/v1/alerts/", {"page": ""}),
        ("citra", "/api/v1/villages/", {"district": ""}),
        ("citra", "/api/v1/districts/", {"page": ""}),
        ("dewi", "/api/v1/dashboard/summary/", {"year": ""}),
        ("dewi", "/api/v1/dashboard/pws-kia/", {"month": ""}),
        ("dewi", "/api/v1/dashboard/pws-kia/", {"district": ""}),
        ("dewi", "/api/v1/dashboard/alert-response/", {"year": " "}),
        ("dewi", "/api/v1/dashboard/high-risk/", {"page": ""}),
        ("dewi", "/api/v1/dashboard/high-risk/", {"facility": ""}),
        ("dewi", "/api/v1/dashboard/high-risk/", {"due_within_days": ""}),
        ("dewi", "/api/v1/dashboard/high-risk/", {"format": ""}),
        ("dewi", "/api/v1/mothers/", {"page": ""}),
        ("adi", "/api/v1/audit/", {"page": ""}),
    ],
)
def test_an_empty_value_is_refused_naming_the_parameter(api, citra, dewi, adi, user, path, query):
    """``?page=`` once answered page 1 and ``?year=`` this year, as if absent."""
    caller = {"citra": citra, "dewi": dewi, "adi": adi}[user]

    response = api(caller).get(path, query)

    assert response.status_code == 400, response.content
    assert response.json() == {
        name: ["Give a value, or leave the parameter out."] for name in query
    }


def test_an_empty_value_is_refused_in_bahasa_indonesia_by_default(api, dewi):
    answer = api(dewi, language=None).get("/api/v1/dashboard/summary/", {"year": ""}).json()

    assert answer["year"] != ["Give a value, or leave the parameter out."]


def test_an_audit_filter_given_empty_is_refused(api, adi):
    response = api(adi).get("/api/v1/audit/", {"user": ""})

    assert response.status_code == 400
    assert "user" in response.json()


def test_a_filter_on_fields_declared_by_name_is_strict_too(api, adi):
    response = api(adi).get("/api/v1/users/", {"facility": ""})

    assert response.status_code == 400


@pytest.mark.parametrize("value", ["true", "false", "1", "0", "True"])
def test_yes_and_no_are_still_read(api, citra, value):
    assert api(citra).get("/api/v1/alerts/", {"acknowledged": value}).status_code == 200


def test_an_empty_search_is_still_no_search(api, citra):
    assert api(citra).get("/api/v1/pregnancies/", {"search": ""}).status_code == 200


def test_a_visit_without_blood_pressure_is_documented_as_possibly_null():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    visit = schema["components"]["schemas"]["Visit"]["properties"]

    assert visit["hypertension"].get("nullable") is True
    assert visit["chronic_energy_deficiency"].get("nullable") is True
    me = schema["components"]["schemas"]["Me"]["properties"]["facility"]
    assert me.get("nullable") is True or {"type": "null"} in me.get("oneOf", [])
