"""The self-hosted GraphiQL page references only assets this server serves itself."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.http.graphiql import ASSET_DIR, graphiql_page, graphiql_routes


class _AssetRefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.inline_links: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"] or "")
            else:
                self.inline_scripts += 1
        elif tag == "link" and a.get("href") is not None:
            href = a["href"] or ""
            if href.startswith("data:"):  # inline favicon: nothing to fetch
                self.inline_links.append(href)
            else:
                self.links.append(href)


def _page(request: Request) -> HTMLResponse:
    return HTMLResponse(graphiql_page())


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = Starlette(routes=[Route("/graphql", _page), *graphiql_routes()])
    with TestClient(app) as c:
        yield c


def _refs(html: str) -> _AssetRefs:
    parser = _AssetRefs()
    parser.feed(html)
    return parser


def test_page_has_no_external_urls(client: TestClient) -> None:
    response = client.get("/graphql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text.lower()
    for needle in ("unpkg", "jsdelivr", "cdn", "https://", "http://", "googleapis", "//fonts"):
        assert needle not in html, needle
    assert "<title>metergraph graphiql</title>" in html


def test_page_loads_react_before_graphiql(client: TestClient) -> None:
    refs = _refs(client.get("/graphql").text)
    names = [src.split("?")[0].rsplit("/", 1)[-1] for src in refs.scripts]
    assert names == ["react.production.min.js", "react-dom.production.min.js", "graphiql.min.js"]
    assert refs.inline_scripts == 1
    assert [href.split("?")[0] for href in refs.links] == ["/static/graphiql/graphiql.min.css"]
    assert refs.inline_links == ["data:,"]  # empty favicon, so browsers do not request /favicon.ico


def test_every_referenced_asset_is_served(client: TestClient) -> None:
    refs = _refs(client.get("/graphql").text)
    urls = refs.scripts + refs.links
    assert len(urls) == 4
    for url in urls:
        assert url.startswith("/static/graphiql/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 5_000, url
        assert "max-age=31536000" in response.headers["cache-control"], url
        name = url.split("?")[0].rsplit("/", 1)[-1]
        assert response.content == (ASSET_DIR / name).read_bytes()
        expected_type = "text/css" if name.endswith(".css") else "javascript"
        assert expected_type in response.headers["content-type"], (url, response.headers["content-type"])


def test_assets_are_versioned_by_content(client: TestClient) -> None:
    refs = _refs(client.get("/graphql").text)
    for url in refs.scripts + refs.links:
        path, _, query = url.partition("?")
        assert query.startswith("v=") and len(query) > 2, url


def test_websocket_url_and_auth_wiring() -> None:
    html = graphiql_page()
    # ws:// or wss:// chosen from the page's own location, same host, same path.
    assert 'window.location.protocol === "https:" ? "wss://" : "ws://"' in html
    assert "window.location.host + graphqlPath" in html
    # graphiql's createFetcher sends the Headers editor object as connection_init payload.
    assert "subscriptionUrl: wsUrl" in html
    assert 'defaultEditorToolsVisibility: "headers"' in html


def test_vendored_files_and_licences_present() -> None:
    for name in (
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "LICENSE.graphiql.txt",
        "LICENSE.react.txt",
        "LICENSE.react-dom.txt",
    ):
        assert (ASSET_DIR / name).is_file(), name
    for licence in ASSET_DIR.glob("LICENSE.*.txt"):
        assert "MIT License" in licence.read_text()
    total = sum(p.stat().st_size for p in ASSET_DIR.iterdir() if p.is_file())
    assert total < 3_000_000


def test_custom_paths_and_escaping() -> None:
    html = graphiql_page("/api/graphql", "/assets/gql/")
    assert '"/api/graphql"' in html
    assert 'src="/assets/gql/react.production.min.js?v=' in html
    with pytest.raises(ValueError):
        graphiql_page("https://example.org/graphql")
    with pytest.raises(ValueError):
        graphiql_page("/graphql", "//cdn.example.org/graphiql")
    # A hostile path cannot close the inline <script>.
    assert "</script><script>" not in graphiql_page("/x</script><script>alert(1)//")
