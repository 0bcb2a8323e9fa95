"""`POST /oauth/token`: m3ter-compatible OAuth2 client credentials (CONTRACT §2).

HTTP Basic `accessKeyId:apiSecret` and form body `grant_type=client_credentials`.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.http.rate_limit import client_address, limiter_of, too_many_requests
from app.services import rate_limits
from app.services.errors import AuthError
from app.services.service_users import exchange_client_credentials
from app.settings import get_settings


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    key_id, sep, secret = decoded.partition(":")
    return (key_id, secret) if sep and key_id and secret else None


async def _grant_type(request: Request) -> str | None:
    body = (await request.body()).decode(errors="replace")
    if request.headers.get("content-type", "").lower().startswith("application/json"):  # media types ignore case
        import json

        try:
            data = json.loads(body or "{}")
            return data.get("grant_type") if isinstance(data, dict) else None
        except (ValueError, RecursionError):  # RecursionError: a body nested thousands deep
            return None
    return (parse_qs(body).get("grant_type") or [None])[0]


async def token(request: Request) -> JSONResponse:
    credentials = _basic_credentials(request.headers.get("authorization"))
    if credentials is None:
        return JSONResponse(
            {"message": "HTTP Basic credentials accessKeyId:apiSecret are required"},
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="metergraph"'},
        )
    if await _grant_type(request) != "client_credentials":
        return JSONResponse({"message": "grant_type must be client_credentials"}, status_code=400)
    key_id, secret = credentials
    try:
        # Wrong secrets are throttled per key id and per client address (CONTRACT §5).
        access_token = await rate_limits.check_credentials(
            limiter_of(request),
            "key id",
            key_id,
            client_address(request),
            lambda: exchange_client_credentials(key_id, secret),
        )
    except rate_limits.RateLimited as exc:
        return too_many_requests(exc)
    except AuthError as exc:
        return JSONResponse({"message": str(exc)}, status_code=401)
    return JSONResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": get_settings().token_lifetime_seconds}
    )
