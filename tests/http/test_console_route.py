"""The API serves the built console at /console: hashed assets cached for a year, every
other path answered by index.html (the app's router draws the page), nothing outside."""

from __future__ import annotations

import tomllib
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from app.http.console import CONSOLE_DIR, IMMUTABLE, console_routes

INDEX = '<!doctype html><div id="root"></div><script type="module" src="/console/assets/index-Ab12.js"></script>'


@pytest.fixture
def built(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-Ab12.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside")
    return tmp_path


def _client(directory: Path) -> httpx.AsyncClient:
    app = Starlette(routes=console_routes(directory))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _get(directory: Path, path: str, **options) -> httpx.Response:
    async with _client(directory) as client:
        return await client.get(path, **options)


async def test_root_redirects_to_the_app(built: Path) -> None:
    response = await _get(built, "/console", follow_redirects=False)
    assert response.status_code == 308 and response.headers["location"] == "/console/"


@pytest.mark.parametrize("path", ["/console/", "/console/bills/123", "/console/products/x/meters/y"])
async def test_pages_answer_index_never_cached(built: Path, path: str) -> None:
    response = await _get(built, path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/html")


async def test_hashed_assets_are_immutable(built: Path) -> None:
    response = await _get(built, "/console/assets/index-Ab12.js")
    assert response.status_code == 200 and response.text == "console.log(1)"
    assert response.headers["cache-control"] == IMMUTABLE
    assert "javascript" in response.headers["content-type"]


async def test_unhashed_files_revalidate(built: Path) -> None:
    response = await _get(built, "/console/favicon.svg")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"


async def test_missing_asset_is_404_not_html(built: Path) -> None:
    response = await _get(built, "/console/assets/index-Old9.js")
    assert response.status_code == 404
    assert "<html" not in response.text


@pytest.mark.parametrize("path", ["/console/../secret.txt", "/console/%2e%2e/secret.txt", "/console/..%2fsecret.txt"])
async def test_no_file_outside_the_build(built: Path, path: str) -> None:
    response = await _get(built, path)
    assert "outside" not in response.text


async def test_not_built_says_how_to_build(tmp_path: Path) -> None:
    response = await _get(tmp_path / "missing", "/console/")
    assert response.status_code == 404
    assert "make console" in response.text


async def test_the_app_routes_console(client) -> None:
    # The real application: built or not, /console is ours (never the generic 404).
    response = await client.get("/console/")
    if (CONSOLE_DIR / "index.html").is_file():
        assert response.status_code == 200 and '<div id="root">' in response.text
    else:
        assert response.status_code == 404 and "make console" in response.text


def test_built_assets_ship_with_the_package() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["app"]
    assert "http/static/console/**/*" in patterns and "http/static/console/*" in patterns
