"""`GET /openapi.json`: the OpenAPI 3.1 document of the plain HTTP routes (CONTRACT §5).

GraphQL describes itself (introspection, `schema.graphql`); this document covers the
routes beside it: the token exchange, measurement ingest, the health check and this
document. It is written by hand from the routes' behaviour, and a test runs schemathesis
against a served API to hold the two together (`tests/http/test_openapi.py`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.http.exports import export_paths
from app.http.statements import statement_paths
from app.services.ingest import MAX_BODY_BYTES
from app.services.ingest.wire import MAX_ITEMS

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str, *headers: str) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": _ref("Error")}}}
    if headers:
        response["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in headers}
    return response


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


def _section(kind: str) -> dict[str, Any]:
    # Only the section's shape is checked on accept; each value is judged per item by
    # the worker (a wrong type becomes an ingest failure, the rest of the batch goes in).
    return {
        "type": ["object", "null"],
        "description": f"Fields of the meter: {kind}. A value of the wrong type, "
        "or a field not on the meter, rejects that measurement when the batch is processed.",
    }


def _schemas() -> dict[str, Any]:
    text = {"type": "string"}
    instant = {"type": "string", "format": "date-time"}
    measurement = {
        "type": "object",
        "required": ["meter", "account", "ts"],
        "properties": {
            "uid": {"type": ["string", "null"], "description": "Idempotency key (≤ 50 characters)."},
            "meter": {**text, "description": "Code of the meter."},
            "account": {**text, "description": "Code of the account."},
            "ts": {**instant, "description": "When the usage happened (ISO-8601 with offset)."},
            "ets": {"type": ["string", "null"], "format": "date-time", "description": "End of the usage, if any."},
            **{name: _section("strings") for name in ("who", "what", "where", "other", "metadata")},
            **{name: _section("numbers") for name in ("measure", "income", "cost")},
        },
    }
    return {
        "Error": {"type": "object", "required": ["message"], "properties": {"message": text}},
        "Health": {
            "type": "object",
            "required": ["status", "database", "redis"],
            "properties": {
                "status": {"enum": ["ok", "error"]},
                "database": {"enum": ["ok", "unavailable"]},
                "redis": {"enum": ["ok", "unavailable"]},
                "message": {**text, "description": "Only when one is unavailable: which, in words."},
            },
        },
        "Token": {
            "type": "object",
            "required": ["access_token", "token_type", "expires_in"],
            "properties": {
                "access_token": text,
                "token_type": {"const": "Bearer"},
                "expires_in": {"type": "integer", "description": "Lifetime of the token in seconds."},
            },
        },
        "TokenRequest": {
            "type": "object",
            "required": ["grant_type"],
            "properties": {"grant_type": {"const": "client_credentials"}},
        },
        "Measurement": measurement,
        "MeasurementBatch": {
            "type": "object",
            "required": ["measurements"],
            "properties": {
                "measurements": {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS, "items": _ref("Measurement")}
            },
        },
        "Accepted": {
            "type": "object",
            "required": ["result", "batchId"],
            "properties": {"result": {"const": "accepted"}, "batchId": {"type": "string", "format": "uuid"}},
        },
    }


def _paths() -> dict[str, Any]:
    throttled = _error("Too many requests; retry after `Retry-After` seconds.", "Retry-After")
    return {
        **export_paths(_error, throttled),
        **statement_paths(_error, throttled),
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Whether the database and Redis are reachable.",
                "security": [],
                "responses": {
                    "200": _ok("Both are reachable.", "Health"),
                    "503": _ok("One is not; it is named.", "Health"),
                },
            }
        },
        "/oauth/token": {
            "post": {
                "operationId": "token",
                "summary": "Exchange an access key for a bearer token (client credentials).",
                "security": [{"basic": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": _ref("TokenRequest")},
                        JSON: {"schema": _ref("TokenRequest")},
                    },
                },
                "responses": {
                    "200": _ok("The token.", "Token"),
                    "400": _error("`grant_type` is not client_credentials."),
                    "401": _error("Missing or wrong credentials.", "WWW-Authenticate"),
                    "413": _error("The body is too large."),
                    "429": throttled,
                },
            }
        },
        "/organizations/{orgId}/measurements": {
            "post": {
                "operationId": "ingestMeasurements",
                "summary": "Submit usage measurements (m3ter-compatible ingest).",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "orgId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "The organization of the token.",
                    }
                ],
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("MeasurementBatch")}}},
                "responses": {
                    "200": _ok("The batch is stored (durable); it is processed asynchronously.", "Accepted"),
                    "400": _error("Malformed JSON, 0 or more than 1000 measurements, a missing or invalid field."),
                    "401": _error("Missing or invalid bearer token.", "WWW-Authenticate"),
                    "403": _error("The token is of another organization or may not upload measurements."),
                    "413": _error(f"The body is {MAX_BODY_BYTES} bytes or more."),
                    "429": throttled,
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "security": [],
                "responses": {
                    "200": {"description": "The OpenAPI document.", "content": {JSON: {"schema": {"type": "object"}}}}
                },
            }
        },
    }


@cache
def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Metergraph HTTP API",
            "version": "1",
            "description": "Plain routes beside GraphQL (`/graphql`, described by its own schema).",
        },
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "basic": {"type": "http", "scheme": "basic", "description": "accessKeyId:apiSecret"},
                "bearer": {"type": "http", "scheme": "bearer", "description": "A token from /oauth/token or login."},
            },
            "headers": {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                "WWW-Authenticate": {"description": "The scheme to authenticate with.", "schema": {"type": "string"}},
            },
        },
    }


async def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(openapi_document())
