"""`GET /bills/{id}/statement.json` and `GET /bills/{id}/statement.csv` (SEMANTICS §12.2
rule 4, CONTRACT §5): the stored statement of a bill of the token's organization.

Checks in the order a client can act on: credentials (401), permission to read the bill
(`config:retrieve` on it, as GraphQL reads bills; 403), rate (429). A bill of another
organization, a malformed id and a statement never generated are all 404: nothing tells
one organization what another holds. A stale statement is served as stored, flagged by
`X-Statement-Stale: true`; `X-Bill-Version` names the version it shows.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.auth.tokens import bearer_token
from app.http.rate_limit import limiter_of, too_many_requests
from app.services import rate_limits
from app.services.errors import AuthError
from app.services.principals import principal_from_token
from app.services.statements import StatementNotFound, read_statement

READ = "config:retrieve"
FORMATS = {"json": ("JSON", "application/json"), "csv": ("CSV", "text/csv; charset=utf-8")}


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers or None)


async def _download(request: Request, extension: str) -> Response:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return _error(401, "a bearer token is required", **{"WWW-Authenticate": "Bearer"})
    try:
        principal = await principal_from_token(token)
    except AuthError as exc:
        return _error(401, str(exc), **{"WWW-Authenticate": "Bearer"})
    try:
        bill_id = uuid.UUID(request.path_params["bill_id"])
    except ValueError:
        return _error(404, "no such bill")
    resource = f"config:bill/item/{bill_id}"
    if not principal.can(READ, resource):
        return _error(403, f"not permitted: {READ} on {resource}")
    limits = limiter_of(request)
    try:
        if limits is not None:
            await rate_limits.check_graphql(limits, principal)
    except rate_limits.RateLimited as exc:
        return too_many_requests(exc)
    fmt, media = FORMATS[extension]
    try:
        stored = await read_statement(principal.organization_id, bill_id, fmt)
    except StatementNotFound:
        return _error(404, f"no {fmt} statement of this bill was generated")
    headers = {
        "Content-Disposition": f'attachment; filename="statement-{bill_id}.{extension}"',
        "Cache-Control": "no-store",
        "X-Bill-Version": str(stored.bill_version),
        "X-Statement-Stale": "true" if stored.stale else "false",
    }
    return Response(stored.document.encode("utf-8"), media_type=media, headers=headers)


async def json_statement(request: Request) -> Response:
    return await _download(request, "json")


async def csv_statement(request: Request) -> Response:
    return await _download(request, "csv")


def statement_routes() -> list[Route]:
    return [
        Route("/bills/{bill_id}/statement.json", json_statement, methods=["GET"]),
        Route("/bills/{bill_id}/statement.csv", csv_statement, methods=["GET"]),
    ]


def statement_paths(error_response: Any, throttled: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI path items of the statement routes (`app.http.openapi`)."""
    paths: dict[str, Any] = {}
    for extension, (fmt, media) in FORMATS.items():
        paths[f"/bills/{{id}}/statement.{extension}"] = {
            "get": {
                "operationId": f"billStatement{fmt.title()}",
                "summary": f"The {fmt} usage statement of a bill, as last generated.",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "The bill.",
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The statement; `X-Statement-Stale` says whether the bill changed since.",
                        "content": {media.split(";")[0]: {"schema": {"type": "string"}}},
                    },
                    "401": error_response("Missing or invalid bearer token.", "WWW-Authenticate"),
                    "403": error_response("The token may not read this bill."),
                    "404": error_response("No such bill in the organization, or no statement of it was generated."),
                    "429": throttled,
                },
            }
        }
    return paths
