"""The OpenAPI schema agrees with the contract: its paths and methods, and the details of
the "Doctors: devices and alerts" table."""

from __future__ import annotations

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.notifications.helpers import CONTRACT_FIELDS as ALERT_FIELDS


@pytest.fixture(scope="module")
def generated() -> tuple[dict, list[str]]:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, warnings


@pytest.fixture(scope="module")
def schema(generated) -> dict:
    return generated[0]


def component(schema: dict, ref_holder: dict) -> dict:
    name = ref_holder["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][name]


def response_schema(operation: dict, code: str) -> dict:
    return operation["responses"][code]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/v1/auth/token/", {"post"}),
        ("/api/v1/auth/token/refresh/", {"post"}),
        ("/api/v1/me/", {"get"}),
        ("/api/v1/facilities/", {"get", "post"}),
        ("/api/v1/users/", {"post"}),
        ("/api/v1/pregnancies/", {"get", "post"}),
        ("/api/v1/pregnancies/{id}/", {"get", "patch"}),
        ("/api/v1/pregnancies/{pregnancy_id}/visits/", {"get", "post"}),
        ("/api/v1/pregnancies/{pregnancy_id}/outcome/", {"post", "patch"}),
        ("/api/v1/devices/", {"post"}),
        ("/api/v1/devices/{token}/", {"delete"}),
        ("/api/v1/alerts/", {"get"}),
        ("/api/v1/alerts/{id}/acknowledge/", {"post"}),
        ("/api/v1/reference/", {"get"}),
        ("/api/v1/pregnancies/{pregnancy_id}/risk-history/", {"get"}),
        ("/api/v1/pregnancies/{pregnancy_id}/referrals/", {"get"}),
        ("/api/v1/satusehat/status/", {"get"}),
        ("/api/v1/pregnancies/{pregnancy_id}/satusehat/", {"get"}),
    ],
)
def test_it_has_the_contracts_paths_and_methods(schema, path, methods):
    assert path in schema["paths"]
    operations = {m for m in schema["paths"][path] if m != "parameters"}
    assert methods <= operations


def test_registering_a_device_answers_201_or_200_with_the_device(schema):
    operation = schema["paths"]["/api/v1/devices/"]["post"]

    assert {"200", "201"} <= set(operation["responses"])
    body = component(schema, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(body["properties"]) == {"token", "platform"}
    assert set(body["required"]) == {"token", "platform"}
    platform = component(schema, body["properties"]["platform"])
    assert set(platform["enum"]) == {"android", "ios", "web"}


def test_signing_a_device_out_answers_204_and_takes_the_token_in_the_path(schema):
    operation = schema["paths"]["/api/v1/devices/{token}/"]["delete"]

    assert {code for code in operation["responses"] if code < "300"} == {"204"}
    assert {"401", "404"} <= set(operation["responses"])  # jsc/schema.py adds the errors
    [token] = [p for p in operation["parameters"] if p["in"] == "path"]
    assert (token["name"], token["schema"]["type"]) == ("token", "string")


def test_the_inbox_is_paginated_alerts_with_an_acknowledged_filter(schema):
    operation = schema["paths"]["/api/v1/alerts/"]["get"]

    page = component(schema, response_schema(operation, "200"))
    assert {"results", "next"} <= set(page["properties"])
    alert = component(schema, page["properties"]["results"]["items"])
    assert ALERT_FIELDS <= set(alert["properties"])
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["acknowledged"]["in"] == "query"
    assert params["acknowledged"]["schema"]["type"] == "boolean"


def test_acknowledging_takes_a_uuid_and_an_optional_body_and_answers_the_alert(schema):
    operation = schema["paths"]["/api/v1/alerts/{id}/acknowledge/"]["post"]

    assert not operation["requestBody"].get("required", False)
    body = component(schema, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(body["properties"]) == {"action", "note", "referral"}
    assert set(component(schema, body["properties"]["action"])["enum"]) == {
        "called",
        "visited",
        "referred",
        "no_action",
    }
    referral = body["properties"]["referral"]
    referral = component(schema, referral.get("allOf", [referral])[0])
    assert set(referral["properties"]) == {"to_facility", "kind"}
    [alert_id] = [p for p in operation["parameters"] if p["in"] == "path"]
    assert (alert_id["name"], alert_id["schema"]["format"]) == ("id", "uuid")
    alert = component(schema, response_schema(operation, "200"))
    assert ALERT_FIELDS <= set(alert["properties"])


def test_the_schema_is_valid_openapi(schema):
    validate_schema(schema)


def test_no_view_generates_a_schema_warning_or_error(generated):
    _, warnings = generated

    assert warnings == []


def page_item(schema: dict, path: str) -> dict:
    page = component(schema, response_schema(schema["paths"][path]["get"], "200"))
    return component(schema, page["properties"]["results"]["items"])


def test_the_risk_history_and_referrals_answer_the_contracts_fields(schema):
    history = page_item(schema, "/api/v1/pregnancies/{pregnancy_id}/risk-history/")
    referral = page_item(schema, "/api/v1/pregnancies/{pregnancy_id}/referrals/")

    assert set(history["properties"]) == {
        "at",
        "factor",
        "change",
        "points",
        "source",
        "visit",
        "by",
        "kspr_score",
        "risk_band",
    }
    assert set(referral["properties"]) == {
        "id",
        "at",
        "by",
        "from_facility",
        "to_facility",
        "kind",
        "alert",
    }


def test_the_reference_lists_the_contracts_groups(schema):
    reference = component(
        schema, response_schema(schema["paths"]["/api/v1/reference/"]["get"], "200")
    )

    assert {
        "risk_factors",
        "danger_signs",
        "outcome_kinds",
        "milestones",
        "acknowledge_actions",
    } <= set(reference["properties"])
    factor = component(schema, reference["properties"]["risk_factors"]["items"])
    assert {"code", "points", "derived", "label"} <= set(factor["properties"])


def test_the_satusehat_status_and_a_pregnancys_rows_answer_the_contracts_fields(schema):
    status = component(
        schema, response_schema(schema["paths"]["/api/v1/satusehat/status/"]["get"], "200")
    )
    facility = component(schema, status["properties"]["by_facility"]["items"])
    rows = response_schema(
        schema["paths"]["/api/v1/pregnancies/{pregnancy_id}/satusehat/"]["get"], "200"
    )
    row = component(schema, rows["items"])

    assert {"enabled", "by_facility"} <= set(status["properties"])
    assert {
        "facility",
        "pending",
        "sent",
        "failed",
        "waiting",
        "oldest_pending_at",
        "last_error",
    } <= set(facility["properties"])
    assert rows["type"] == "array"
    assert {"resource_type", "local", "state", "satusehat_id", "last_error", "sent_at"} <= set(
        row["properties"]
    )


def test_every_operation_documents_the_web_servers_limits(schema):
    """gunicorn refuses an over-long request line (414) or headers (431) itself, in the
    API's JSON error shape (jsc/gunicorn_worker.py): the schema says so everywhere."""
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for code in ("414", "431"):
                answer = operation["responses"][code]
                assert "gunicorn" in answer["description"], (method, path, code)
                assert "application/json" in answer["content"], (method, path, code)


def test_the_audit_trail_documents_person_entries_and_matches(schema):
    entry = schema["components"]["schemas"]["AuditEntry"]["properties"]

    assert entry["pregnancy"].get("nullable") is True
    assert entry["matched_facilities"]["items"]["format"] == "uuid"
    disclosed = entry["disclosed"]
    assert disclosed.get("nullable") is True or {"type": "null"} in disclosed.get("oneOf", [])
