"""`GET /exports/{bills|measurements|usage}.{csv|jsonl}` and `GET /exports/jobs/{id}/download`
(SEMANTICS §15.2, CONTRACT §5).

The checks run in the order a client can act on: credentials (401), permission (403),
rate (429), filters (400); only then is the snapshot opened and the body streamed. Once
the first byte is out the status is sent: an error after it drops the connection without
the final chunk (the exception propagates to the server), so a client sees a transfer
error, never a file that merely looks complete.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from app.auth.tokens import bearer_token
from app.domain.date_range import EARLIEST_DATE, LATEST_DATE
from app.domain.exports.filters import (
    GRANULARITIES,
    ID_PATTERN,
    MAX_PARAMETER,
    STATUSES,
    allowed_parameters,
    parse_filters,
)
from app.domain.exports.formats import EXTENSIONS, FORMATS, KINDS, MEDIA_TYPES, ExportFormat, ExportKind
from app.http.rate_limit import limiter_of, too_many_requests
from app.models.exports import EXPIRED
from app.services import rate_limits
from app.services.errors import AuthError, InputErrors
from app.services.exports import ExportRequest, OpenExport, file_of, find_export_job, open_export, status_at
from app.services.principals import Principal, principal_from_token

# What reading each kind's records needs (SEMANTICS §15.2 rule 2; bills are read with
# config:retrieve like every other configuration read, app.graphql.reads).
READ_BILLS = ("config:retrieve", "config:bill/item/*")
READ_MEASUREMENTS = ("measurements:retrieve", "measurements:measurement/item/*")
PERMISSION = {
    ExportKind.BILLS: READ_BILLS,
    ExportKind.MEASUREMENTS: READ_MEASUREMENTS,
    ExportKind.USAGE: READ_MEASUREMENTS,
}


class Streams:
    """Streamed exports running in this process. Each holds one pooled database connection
    for as long as its client reads, so past `limit` a new one is refused (503, retry
    shortly) rather than leave GraphQL requests waiting for connections."""

    def __init__(self, limit: int) -> None:
        self.limit, self.running = limit, 0

    def take(self) -> bool:
        if self.running >= self.limit:
            return False
        self.running += 1
        return True

    def give(self) -> None:
        self.running -= 1


class ExportResponse(StreamingResponse):
    """The streamed export. Whatever ends the response (the last byte, an error, the client
    going away, even before the first byte), the snapshot is closed and the slot given back."""

    def __init__(self, opened: OpenExport, fmt: ExportFormat, filename: str) -> None:
        super().__init__(
            opened.pieces(),
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
        )
        self.opened = opened

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Out here, past Starlette's task group, a client that went away no longer cancels
        # what is awaited: the snapshot's transaction is closed whole, never half (which
        # asyncpg would report as an error when the pool resets the connection).
        try:
            await super().__call__(scope, receive, send)
        finally:
            try:
                await self.body_iterator.aclose()  # type: ignore[attr-defined]  # our async generator
                await self.opened.close()
            finally:
                STREAMS.give()


# A quarter of the connection pool (app.db.POOL_MAX_SIZE is 20).
STREAMS = Streams(limit=5)


def error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers or None)


async def authenticated(request: Request) -> Principal | JSONResponse:
    """The caller, or the 401 answer."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return error(401, "a bearer token is required", **{"WWW-Authenticate": "Bearer"})
    try:
        return await principal_from_token(token)
    except AuthError as exc:
        return error(401, str(exc), **{"WWW-Authenticate": "Bearer"})


async def refused(request: Request, principal: Principal, kind: ExportKind) -> JSONResponse | None:
    """The 403 or 429 answer, or None when `principal` may read `kind` now."""
    action, resource = PERMISSION[kind]
    if not principal.can(action, resource):
        return error(403, f"not permitted: {action} on {resource}")
    limits = limiter_of(request)
    try:
        if limits is not None:
            await rate_limits.check_graphql(limits, principal)
    except rate_limits.RateLimited as exc:
        return too_many_requests(exc)
    return None


def bad_request(exc: InputErrors) -> JSONResponse:
    return error(400, "; ".join(f"{'.'.join(p.path)}: {p.message}" for p in exc.problems))


def _repeated(request: Request) -> list[str]:
    """Parameters given more than once (`?accountIds=a&accountIds=b`): refused, because
    reading one of the values would silently export less than was asked for."""
    counts = Counter(name for name, _ in request.query_params.multi_items())
    return sorted(name for name, count in counts.items() if count > 1)


def visible_bills(principal: Principal) -> Callable[[uuid.UUID], bool] | None:
    """None when every bill may be read; else the test for one bill (DENYs on items)."""
    action, collection = READ_BILLS
    if principal.permissions.allows_every_item(action, collection):
        return None
    return lambda bill_id: principal.can(action, f"config:bill/item/{bill_id}")


def _download(kind: ExportKind, fmt: ExportFormat):  # noqa: ANN202 - a Starlette endpoint
    async def download(request: Request) -> Response:
        principal = await authenticated(request)
        if isinstance(principal, Response):
            return principal
        if answer := await refused(request, principal, kind):
            return answer
        if repeated := _repeated(request):
            return error(
                400, "; ".join(f"{name}: given more than once (list ids comma-separated)" for name in repeated)
            )
        try:
            filters = parse_filters(kind, dict(request.query_params))
        except InputErrors as exc:
            return bad_request(exc)
        if not STREAMS.take():
            return error(503, "too many exports are running; retry shortly", **{"Retry-After": "5"})
        try:
            opened = await open_export(
                ExportRequest(
                    principal.organization_id,
                    kind,
                    fmt,
                    filters,
                    visible_bills(principal) if kind is ExportKind.BILLS else None,
                )
            )
        except BaseException as exc:
            STREAMS.give()
            if isinstance(exc, InputErrors):
                return bad_request(exc)
            raise
        return ExportResponse(opened, fmt, f"{kind.value.lower()}.{EXTENSIONS[fmt]}")

    return download


async def download_export_job(request: Request) -> Response:
    """The file of a COMPLETE export job: 404 for no such job of the caller's organization
    (or one without a file yet), 403 to a reader denied any single item of its kind, 410
    once its retention is over."""
    principal = await authenticated(request)
    if isinstance(principal, Response):
        return principal
    job = await find_export_job(principal.organization_id, request.path_params["id"])
    if job is None:
        return error(404, "no such export job")
    kind = ExportKind(job.kind)
    if answer := await refused(request, principal, kind):
        return answer
    action, collection = PERMISSION[kind]
    # The file holds the whole collection, whoever created the job: a reader denied single
    # items would see them in it (createExportJob refuses that reader the same way).
    if not principal.permissions.allows_every_item(action, collection):
        return error(403, f"not permitted: {action} on {collection} (the file holds every item)")
    now = datetime.now(UTC)
    if status_at(job, now) == EXPIRED:
        return error(410, "the export job's file has expired and was deleted")
    path = file_of(job, now)
    if path is None:
        return error(404, f"the export job is {job.status}; it has no file")
    fmt = ExportFormat(job.format)
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[fmt],
        filename=f"{kind.value.lower()}-{job.id}.{EXTENSIONS[fmt]}",
        headers={"Cache-Control": "no-store"},
    )


def export_routes() -> list[Route]:
    routes = [
        Route(f"/exports/{name}.{extension}", _download(kind, fmt), methods=["GET"])
        for name, kind in KINDS.items()
        for extension, fmt in FORMATS.items()
    ]
    routes.append(Route("/exports/jobs/{id}/download", download_export_job, methods=["GET"]))
    return routes


def _parameter(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _parameters(kind: ExportKind) -> list[dict[str, Any]]:
    """The filters of `kind` exactly as `parse_filters` accepts them: what the document
    allows is accepted, and the rest refused (cross-parameter rules aside: `from` before
    `to`, and a usage range within its period limit, cannot be written here)."""
    day = {"type": "string", "format": "date"}
    bound = day if kind is ExportKind.BILLS else {"anyOf": [day, {"type": "string", "format": "date-time"}]}
    ids = {"type": "string", "pattern": f"^{ID_PATTERN.pattern}(,{ID_PATTERN.pattern})*$", "maxLength": MAX_PARAMETER}
    usage = kind is ExportKind.USAGE
    every = {
        "from": _parameter(
            "from",
            "Start (inclusive): YYYY-MM-DD (local midnight), or an instant with offset;"
            f" within {EARLIEST_DATE} to {LATEST_DATE}.",
            bound,
            usage,
        ),
        "to": _parameter("to", "End (exclusive), like from.", bound, usage),
        "accountIds": _parameter("accountIds", "Comma-separated account ids (at most 1000).", ids),
        "status": _parameter("status", "Bill status.", {"type": "string", "enum": list(STATUSES)}),
        "locked": _parameter(
            "locked", "Locked bills (true) or unlocked ones (false).", {"type": "string", "enum": ["true", "false"]}
        ),
        "meterIds": _parameter("meterIds", "Comma-separated meter ids (at most 1000).", ids),
        "aggregationIds": _parameter(
            "aggregationIds", "Comma-separated (compound) aggregation ids (at most 1000).", ids
        ),
        "granularity": _parameter(
            "granularity", "Periods of the rows.", {"type": "string", "enum": list(GRANULARITIES)}
        ),
    }
    return [parameter for name, parameter in every.items() if name in allowed_parameters(kind)]


def export_paths(error_response: Any, throttled: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI path items of the export routes (`app.http.openapi`)."""
    refused = {
        "401": error_response("Missing or invalid bearer token.", "WWW-Authenticate"),
        "403": error_response("The token may not read these records."),
        "429": throttled,
    }
    paths: dict[str, Any] = {}
    for name, kind in KINDS.items():
        for extension, fmt in FORMATS.items():
            media = MEDIA_TYPES[fmt].split(";")[0]
            paths[f"/exports/{name}.{extension}"] = {
                "get": {
                    "operationId": f"export{kind.value.title()}{fmt.value.title()}",
                    "summary": f"Stream the {name} of the organization as {fmt.value} (one snapshot).",
                    "security": [{"bearer": []}],
                    "parameters": _parameters(kind),
                    "responses": {
                        "200": {
                            "description": "The export, streamed.",
                            "content": {media: {"schema": {"type": "string"}}},
                        },
                        "400": error_response("A filter is malformed, unknown for this kind, or out of bounds."),
                        "503": error_response(
                            "Too many exports are running; retry after `Retry-After` seconds.", "Retry-After"
                        ),
                        **refused,
                    },
                }
            }
    paths["/exports/jobs/{id}/download"] = {
        "get": {
            "operationId": "downloadExportJob",
            "summary": "The file of a COMPLETE export job.",
            "security": [{"bearer": []}],
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "The export job.",
                }
            ],
            "responses": {
                "200": {
                    "description": "The file.",
                    "content": {m.split(";")[0]: {"schema": {"type": "string"}} for m in MEDIA_TYPES.values()},
                },
                "404": error_response("No such export job in the organization, or it has no file (yet)."),
                "410": error_response("The file's retention is over; it was deleted."),
                **refused,
            },
        }
    }
    return paths
