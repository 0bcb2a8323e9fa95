"""The web console, served by the API at `/console` (same origin: no CORS, no tokens in URLs).

`make console` builds `console/` (Vite) into `app/http/static/console/`, so the built
assets travel with the Python package and nothing needs Node at run time.

- `/console/assets/*` are content-hashed by Vite: a new build changes the names, so
  browsers may keep them for a year without asking again.
- Any other path under `/console/` is a page of the single-page app: it answers
  `index.html` (its router draws the page), which is never cached, so a new build is
  picked up on the next load.
- Without a build, `/console` says how to make one instead of a bare 404.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

CONSOLE_DIR: Path = Path(__file__).resolve().parent / "static" / "console"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
NOT_BUILT = (
    "The console is not built. Run `make console` (needs Node.js 20+), "
    "or `make dev`, which builds it when Node is installed.\n"
)


def is_built(directory: Path = CONSOLE_DIR) -> bool:
    return (directory / "index.html").is_file()


def _inside(directory: Path, relative: str) -> Path | None:
    """The file `relative` names inside `directory`, or None (absent, or escaping it)."""
    root = directory.resolve()
    try:
        candidate = (root / relative).resolve()
        if candidate != root and root in candidate.parents and candidate.is_file():
            return candidate
    except (OSError, ValueError):  # a NUL in the path, a name too long: it names no file
        return None
    return None


def console_routes(directory: Path = CONSOLE_DIR) -> list[BaseRoute]:
    async def root(request: Request) -> Response:
        return RedirectResponse("/console/", status_code=308)

    async def page(request: Request) -> Response:
        if not is_built(directory):
            return PlainTextResponse(NOT_BUILT, status_code=404)
        relative = request.path_params.get("path", "")
        found = _inside(directory, relative) if relative else None
        if found is not None:
            hashed = relative.startswith("assets/")
            return FileResponse(found, headers={"Cache-Control": IMMUTABLE if hashed else REVALIDATE})
        if relative.startswith("assets/"):
            # A missing hashed asset is an old page asking for a previous build's file:
            # answering index.html would hand a script tag HTML.
            return PlainTextResponse("Not found\n", status_code=404)
        return FileResponse(directory / "index.html", headers={"Cache-Control": REVALIDATE})

    return [
        Route("/console", root, methods=["GET", "HEAD"]),
        Route("/console/{path:path}", page, methods=["GET", "HEAD"]),
    ]
