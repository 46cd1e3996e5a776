"""The GraphiQL explorer, served entirely by the gateway: its page, its bootstrap script, and the
third-party bundles (React, GraphiQL) it loads, so it works with no internet.

The bundles are not in the repository: `make` installs the exact versions `package.json` here names
from the npm registry into `node_modules/` beside it (git-ignored); `GATEWAY_GRAPHIQL_ASSETS` points
elsewhere for a deployment that installs them another way. Only the files listed in `BUNDLES` are
served, each pinned by its sha384 in the page's `integrity` attributes, so the browser refuses any
other bytes. While they are missing, `GET /graphql` from a browser answers 503 with a page that says
how to install them, rather than an explorer that cannot start.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

HERE = Path(__file__).parent
DEFAULT_ASSETS_DIR = HERE / "node_modules"
STATIC_PATH = "/graphql/static"
CACHE_CONTROL = "no-cache"  # revalidate: a new pin must never meet a stale cached file
INSTALL_HINT = "make explorer   (runs: npm install --prefix gateway/edge/explorer)"

# The page loads nothing from elsewhere, and may only talk to the gateway.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class Bundle:
    """A file of an npm package, served under its name in `BUNDLES`, pinned by `integrity` in the
    page's `$slot` placeholder."""

    slot: str
    package_path: str
    integrity: str
    media_type: str


BUNDLES: dict[str, Bundle] = {
    "react.production.min.js": Bundle(
        "react",
        "react/umd/react.production.min.js",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
        "text/javascript",
    ),
    "react-dom.production.min.js": Bundle(
        "react_dom",
        "react-dom/umd/react-dom.production.min.js",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
        "text/javascript",
    ),
    "graphiql.min.js": Bundle(
        "graphiql_js",
        "graphiql/graphiql.min.js",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
        "text/javascript",
    ),
    "graphiql.min.css": Bundle(
        "graphiql_css",
        "graphiql/graphiql.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
        "text/css",
    ),
}
OWN_FILES = {"explorer.js": "text/javascript"}  # the gateway's own code, kept in this folder

MISSING_PAGE = Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body style="font-family: sans-serif; max-width: 48em; margin: 3em auto">
<h1>The GraphiQL explorer is not installed</h1>
<p>The gateway serves GraphiQL's scripts itself, and these are missing from <code>$where</code>:</p>
<ul>$missing</ul>
<p>Install them with <code>$hint</code>, or point <code>GATEWAY_GRAPHIQL_ASSETS</code> at a
<code>node_modules</code> folder that has them. The API itself works: <code>POST $endpoint</code>.</p>
</body></html>
""")


class Explorer:
    """The explorer's page and files, read from `assets_dir` (a `node_modules` folder)."""

    def __init__(self, assets_dir: Path | str | None = None) -> None:
        self.assets_dir = Path(assets_dir) if assets_dir else DEFAULT_ASSETS_DIR
        self._page = Template((HERE / "page.html").read_text(encoding="utf-8"))

    def missing(self) -> list[str]:
        """The bundles not found under `assets_dir`."""
        return [b.package_path for b in BUNDLES.values() if not (self.assets_dir / b.package_path).is_file()]

    def page(self, request: Request) -> HTMLResponse:
        """GraphiQL for the endpoint at `request`'s path, or a 503 page naming what is missing."""
        missing = self.missing()
        if missing:
            return HTMLResponse(self._missing_page(request, missing), status_code=503)
        static = request.url.path.rstrip("/") + "/static"
        integrity = {b.slot: b.integrity for b in BUNDLES.values()}
        body = self._page.substitute(static=html.escape(static), **integrity)
        return HTMLResponse(body, headers={"content-security-policy": CONTENT_SECURITY_POLICY})

    def _missing_page(self, request: Request, missing: list[str]) -> str:
        items = "".join(f"<li><code>{html.escape(path)}</code></li>" for path in missing)
        return MISSING_PAGE.substitute(
            where=html.escape(str(self.assets_dir)),
            missing=items,
            hint=html.escape(INSTALL_HINT),
            endpoint=html.escape(request.url.path),
        )

    async def static(self, request: Request) -> Response:
        """`GET /graphql/static/{name}`: one of the listed files, nothing else."""
        name = request.path_params["name"]
        if name in OWN_FILES:
            return FileResponse(HERE / name, media_type=OWN_FILES[name], headers={"cache-control": CACHE_CONTROL})
        bundle = BUNDLES.get(name)
        path = self.assets_dir / bundle.package_path if bundle else None
        if bundle is None or path is None or not path.is_file():
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(path, media_type=bundle.media_type, headers={"cache-control": CACHE_CONTROL})


__all__ = ["BUNDLES", "Explorer", "STATIC_PATH"]
