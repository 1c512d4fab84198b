"""Self-contained GraphiQL page whose JS/CSS is served from our own static files."""

from __future__ import annotations

import html
import json
import re

from starlette.types import Scope

# Why this exists: Strawberry's bundled GraphiQL page loads React and GraphiQL
# from unpkg.com. csrgraph runs offline (no route to unpkg or any CDN), so that
# page renders blank. Instead we vendor the UMD builds under
# graph/static/graphiql/ (versions and licenses in LICENSES.md there) and render
# a page that only references `static_path`. The page makes no remote requests.
OFFLINE_REASON = (
    "GraphiQL assets are vendored under graph/static/graphiql because the "
    "default CDN (unpkg.com) is unreachable from an offline deployment."
)

# The asset files under graph/static/graphiql/, in load order.
STYLESHEETS = ("graphiql.min.css", "graphiql-plugin-explorer.css")
SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql-plugin-explorer.umd.js",
)

# The Headers tab starts with this text until the user pastes a real token.
TOKEN_PLACEHOLDER = "<paste your identity provider's token, or the output of: csrgraph token agent@lumen.example>"
DEFAULT_HEADERS = json.dumps({"Authorization": f"Bearer {TOKEN_PLACEHOLDER}"}, indent=2)

PAGE_TITLE = "csrgraph GraphiQL"


def _js(value: object) -> str:
    """Encode `value` as a JS literal that is safe to put inside <script>."""
    return (
        json.dumps(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <meta name="robots" content="noindex" />
  <meta name="referrer" content="no-referrer" />
  <title>__TITLE__</title>
  <style>
    html, body { height: 100%; margin: 0; overflow: hidden; width: 100%; }
    #graphiql { height: 100vh; }
  </style>
__STYLES__
</head>
<body>
  <div id="graphiql">Loading GraphiQL&hellip;</div>
__SCRIPTS__
  <script>
    (function () {
      var graphqlPath = __GRAPHQL_PATH__;
      var defaultHeaders = __DEFAULT_HEADERS__;

      // Same host and path as the HTTP endpoint; ws:// or wss:// to match the page.
      var subscriptionUrl =
        (window.location.protocol === "https:" ? "wss://" : "ws://") +
        window.location.host +
        graphqlPath;

      var fetcher = GraphiQL.createFetcher({
        url: graphqlPath,
        subscriptionUrl: subscriptionUrl,
      });

      // GraphiQL 3.8 clears its own "graphiql:headers" key each time the page
      // mounts, so a saved token would be lost after the second reload. We keep
      // the last headers text under our own key and pass it back as `headers`.
      var HEADERS_KEY = "csrgraph:graphiql:headers";
      function loadHeaders() {
        try {
          return window.localStorage.getItem(HEADERS_KEY) || undefined;
        } catch (e) {
          return undefined; // localStorage disabled
        }
      }
      function saveHeaders(value) {
        try {
          window.localStorage.setItem(HEADERS_KEY, value);
        } catch (e) {
          // localStorage disabled: headers last for this page view only.
        }
      }

      // Open /graphql#token=XYZ to prefill "Authorization: Bearer XYZ".
      // A fragment is never sent to the server, so the token stays out of logs.
      // Remove it from the address bar once read.
      // Parsed by hand, not with URLSearchParams, so a "+" in the token is kept.
      var headers = loadHeaders();
      var token = null;
      var rest = window.location.hash.replace(/^#/, "").split("&").filter(function (part) {
        if (part.indexOf("token=") !== 0) return true;
        try {
          token = decodeURIComponent(part.slice("token=".length)).trim();
        } catch (e) {
          token = part.slice("token=".length).trim();
        }
        return false;
      });
      if (token) {
        headers = JSON.stringify({ Authorization: "Bearer " + token }, null, 2);
        saveHeaders(headers);
        window.history.replaceState(
          null,
          "",
          window.location.pathname +
            window.location.search +
            (rest.length ? "#" + rest.join("&") : "")
        );
      }

      var plugins = [];
      if (window.GraphiQLPluginExplorer) {
        plugins.push(window.GraphiQLPluginExplorer.explorerPlugin());
      }

      var props = {
        fetcher: fetcher,
        defaultHeaders: defaultHeaders,
        shouldPersistHeaders: true,
        onEditHeaders: saveHeaders,
        defaultEditorToolsVisibility: "headers",
        plugins: plugins,
      };
      if (headers) {
        props.headers = headers;
      }

      var root = ReactDOM.createRoot(document.getElementById("graphiql"));
      root.render(React.createElement(GraphiQL, props));
    })();
  </script>
</body>
</html>
"""

_PLACEHOLDER = re.compile(r"__(TITLE|STYLES|SCRIPTS|GRAPHQL_PATH|DEFAULT_HEADERS)__")


def render_graphiql_html(
    graphql_path: str = "/graphql", static_path: str = "/static/graphiql"
) -> str:
    """Return the GraphiQL page; assets come from `static_path`, queries go to `graphql_path`."""
    base = static_path.rstrip("/")
    styles = "\n".join(
        f'  <link rel="stylesheet" href="{html.escape(f"{base}/{name}")}" />'
        for name in STYLESHEETS
    )
    scripts = "\n".join(
        f'  <script src="{html.escape(f"{base}/{name}")}"></script>' for name in SCRIPTS
    )
    values = {
        "TITLE": html.escape(PAGE_TITLE),
        "STYLES": styles,
        "SCRIPTS": scripts,
        "GRAPHQL_PATH": _js(graphql_path),
        "DEFAULT_HEADERS": _js(DEFAULT_HEADERS),
    }
    # One pass, so substituted text is never itself searched for placeholders.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _TEMPLATE)


def wants_ide(scope: Scope) -> bool:
    """A browser opening /graphql: the page holds no data, so it is served without a token."""
    if scope["method"] != "GET":  # checked first: POSTs (nearly every request) skip the header scan
        return False
    html = b"text/html" in dict(scope["headers"]).get(b"accept", b"")
    return html and b"query=" not in scope.get("query_string", b"")
