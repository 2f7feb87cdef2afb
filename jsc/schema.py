"""The OpenAPI schema says every answer an operation can give, errors included.

drf-spectacular documents the success answers a view declares; the errors every DRF
view can give (a 400 for bad input, 401 without credentials, 403 for a role that may
not, 404 for an id out of reach or a page past the end, 413 for an oversized body,
415 for a body that is not JSON, and the web server's own 414 and 431 for a request line
or headers over gunicorn's limits, jsc/gunicorn_worker.py) would otherwise be missing,
and a client generated from the schema would not know them. This hook adds them, in
DRF's error shapes, wherever an operation can really give them; codes an operation
declares itself keep its own description. Schemathesis checks the result
(tests/security/test_api_fuzz.py).
"""

from __future__ import annotations

from copy import deepcopy

ERROR_COMPONENT = "Error"
VALIDATION_COMPONENT = "ValidationError"

ERROR_SCHEMA = {
    "type": "object",
    "description": "DRF's error shape: a message in `detail`.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# {"field": ["message", ...]}, nested for nested objects, or {"detail": "..."}.
VALIDATION_SCHEMA = {
    "type": "object",
    "description": "Each field in error with its messages (nested for nested objects), "
    "or `detail` / `non_field_errors` for the request as a whole.",
    "additionalProperties": True,
}

_ERROR = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
_VALIDATION = {"$ref": f"#/components/schemas/{VALIDATION_COMPONENT}"}

DESCRIPTIONS = {
    "400": "The input is not valid: each field in error with its messages.",
    "401": "No valid credentials (a JWT access token or a session).",
    "403": "The caller's role may not do this.",
    "404": "Not found, or outside the caller's reach (or a page past the end, or a "
    "`format` with no renderer).",
    "413": "The request body is larger than the service accepts.",
    "414": "The request line (method, path and query) is longer than the web server takes "
    "(4094 bytes); answered by gunicorn, in Bahasa Indonesia.",
    "415": "The body is not JSON.",
    "429": "Too many failed logins from this address; see Retry-After.",
    "431": "More than 100 headers, or one over 8190 bytes; answered by gunicorn, in Bahasa "
    "Indonesia.",
}

# Operations anyone may call (no credentials needed): no 403 from them.
PUBLIC_PATHS = {"/api/v1/auth/token/", "/api/v1/auth/token/refresh/"}
THROTTLED_PATHS = {"/api/v1/auth/token/"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _codes_for(path: str, method: str, operation: dict) -> dict[str, dict]:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    has_path = any(p.get("in") == "path" for p in parameters)
    paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
    # DRF answers a ?format= it has no renderer for with 404 (content negotiation).
    formats = any(p.get("in") == "query" and p.get("name") == "format" for p in parameters)
    codes: dict[str, dict] = {}
    # Any request can be malformed: a query parameter the view does not know (some
    # views refuse those), a path segment that is no year, a body that is no object.
    codes["400"] = _json(_VALIDATION, DESCRIPTIONS["400"])
    # The logins answer 401 for a wrong password or a dead refresh token too.
    codes["401"] = _json(_ERROR, DESCRIPTIONS["401"])
    if path not in PUBLIC_PATHS:
        codes["403"] = _json(_ERROR, DESCRIPTIONS["403"])
    if has_path or paginated or formats:
        codes["404"] = _json(_ERROR, DESCRIPTIONS["404"])
    if has_body or method in {"post", "put", "patch"}:
        codes["413"] = _json(_ERROR, DESCRIPTIONS["413"])
        codes["415"] = _json(_ERROR, DESCRIPTIONS["415"])
    if path in THROTTLED_PATHS:
        codes["429"] = _json(_ERROR, DESCRIPTIONS["429"])
    # gunicorn's limits, before any view: every operation can meet them.
    codes["414"] = _json(_ERROR, DESCRIPTIONS["414"])
    codes["431"] = _json(_ERROR, DESCRIPTIONS["431"])
    return codes


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, deepcopy(ERROR_SCHEMA))
    schemas.setdefault(VALIDATION_COMPONENT, deepcopy(VALIDATION_SCHEMA))
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in _codes_for(path, method, operation).items():
                declared = responses.get(code)
                if declared is None:
                    responses[code] = response
                elif "content" not in declared:
                    # A code the view declared with words only: keep its words, add the shape.
                    declared["content"] = response["content"]
    return result
