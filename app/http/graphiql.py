"""Self-hosted GraphiQL: the HTML page and its vendored static assets.

Strawberry's built-in GraphiQL page loads React and GraphiQL from a CDN, so on a
machine without internet access it stays blank.  This module serves the same IDE
entirely from files committed under ``app/http/static/graphiql/``:

* ``graphiql.min.js`` / ``graphiql.min.css`` -- graphiql 3.9.0, UMD build
  (bundles graphql-js, CodeMirror 5 and the graphql-ws client; fonts are inlined
  in the CSS as data: URLs),
* ``react.production.min.js`` / ``react-dom.production.min.js`` -- React 18.3.1 UMD,

each with its package's MIT ``LICENSE.<package>.txt`` next to it (see
``README.md`` in that directory for versions, checksums and how to update).

Authentication: the user pastes ``{"Authorization": "Bearer <token>"}`` into
GraphiQL's *Headers* editor.  GraphiQL sends those headers with every HTTP request
and, for subscriptions, ``GraphiQL.createFetcher({subscriptionUrl})`` opens a
graphql-ws connection whose ``connection_init`` payload is exactly that headers
object -- which is where the server looks for the bearer token on websockets.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
from pathlib import Path

from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSET_DIR: Path = Path(__file__).resolve().parent / "static" / "graphiql"

#: Assets referenced by the page, in load order (React must precede GraphiQL).
STYLESHEETS: tuple[str, ...] = ("graphiql.min.css",)
SCRIPTS: tuple[str, ...] = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
)

DEFAULT_ASSET_PREFIX = "/static/graphiql"

# Asset URLs carry ``?v=<content hash>``, so browsers may cache them "forever":
# a new vendored version changes the hash and therefore the URL.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _check_local_path(value: str, what: str) -> str:
    """Only same-origin absolute paths: the page must never reference another host."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        raise ValueError(f"{what} must be an absolute path on this server (like '/graphql'), got {value!r}")
    return value


@functools.cache
def _asset_version(name: str) -> str:
    return hashlib.sha256((ASSET_DIR / name).read_bytes()).hexdigest()[:12]


def _asset_url(asset_prefix: str, name: str) -> str:
    return f"{asset_prefix.rstrip('/')}/{name}?v={_asset_version(name)}"


def _js_string(value: str) -> str:
    """A JavaScript string literal that is also safe inside an inline <script>."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_DEFAULT_QUERY = """\
# Metergraph GraphiQL (all assets served locally).
#
# To authenticate, open "Headers" below and paste:
#
#   {"Authorization": "Bearer <access token>"}
#
# The headers are sent with queries and mutations,
# and as the websocket connection_init payload
# for subscriptions.
#
# Run: Ctrl-Enter.  Autocomplete: Ctrl-Space.
"""

_PAGE_TEMPLATE = """\
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>Metergraph GraphiQL</title>
    <link rel="icon" href="data:," />
    <style>
      html, body {{ height: 100%; margin: 0; width: 100%; overflow: hidden; }}
      #graphiql {{ height: 100vh; display: flex; }}
    </style>
{stylesheets}
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL&hellip;</div>
    <noscript>GraphiQL needs JavaScript.</noscript>
{scripts}
    <script>
      (function () {{
        "use strict";
        var graphqlPath = {graphql_path};
        var httpUrl = new URL(graphqlPath, window.location.href).toString();
        var wsUrl = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + graphqlPath;

        // Queries/mutations: POST to httpUrl with the headers from the Headers editor.
        // Subscriptions: graphql-ws (bundled in graphiql.min.js) to wsUrl; graphiql's
        // createFetcher opens one lazy connection per subscription and sends the
        // Headers editor's JSON object as the connection_init payload, e.g.
        // {{"Authorization": "Bearer ..."}}.
        var fetcher = GraphiQL.createFetcher({{ url: httpUrl, subscriptionUrl: wsUrl }});

        var root = ReactDOM.createRoot(document.getElementById("graphiql"));
        root.render(
          React.createElement(GraphiQL, {{
            fetcher: fetcher,
            defaultQuery: {default_query},
            defaultEditorToolsVisibility: "headers",
            isHeadersEditorEnabled: true,
            inputValueDeprecation: true
          }})
        );
      }})();
    </script>
  </body>
</html>
"""


@functools.lru_cache(maxsize=16)
def graphiql_page(graphql_path: str = "/graphql", asset_prefix: str = DEFAULT_ASSET_PREFIX) -> str:
    """The GraphiQL HTML page; every URL in it is a path on this server (no CDN, no web fonts)."""
    _check_local_path(graphql_path, "graphql_path")
    _check_local_path(asset_prefix, "asset_prefix")
    stylesheets = "\n".join(
        f'    <link rel="stylesheet" href="{html.escape(_asset_url(asset_prefix, name))}" />' for name in STYLESHEETS
    )
    scripts = "\n".join(
        f'    <script src="{html.escape(_asset_url(asset_prefix, name))}"></script>' for name in SCRIPTS
    )
    return _PAGE_TEMPLATE.format(
        stylesheets=stylesheets,
        scripts=scripts,
        graphql_path=_js_string(graphql_path),
        default_query=_js_string(_DEFAULT_QUERY),
    )


class _LongCacheStaticFiles(StaticFiles):
    """StaticFiles that lets browsers cache the (content-versioned) assets for a year."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def graphiql_routes(asset_prefix: str = DEFAULT_ASSET_PREFIX) -> list[BaseRoute]:
    """Routes serving the vendored GraphiQL assets (mount next to the page's GET /graphql)."""
    _check_local_path(asset_prefix, "asset_prefix")
    return [
        Mount(
            asset_prefix.rstrip("/"),
            app=_LongCacheStaticFiles(directory=ASSET_DIR),
            name="graphiql-static",
        )
    ]
