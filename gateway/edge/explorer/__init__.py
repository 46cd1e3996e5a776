"""The GraphiQL explorer, served entirely by the gateway: its page, its bootstrap script, and the
third-party bundles (React, ReactDOM, GraphiQL) it loads, so it works with no internet.

The bundles are kept in the repository under `vendor/`, laid out as in their npm packages
(`vendor/<package>/<path>`), each beside its package's LICENSE, and ship in the wheel and the sdist as
package data: an installed gateway serves GraphiQL with no build step, no node and no network.
`python -m tools.vendor_graphiql` (`make vendor-graphiql`) fetches them again from the npm registry for
the versions in `PACKAGES` and checks them against the pins here. Only the files listed in `BUNDLES`
are served, each pinned by its sha384 in the page's `integrity` attributes, so the browser refuses any
other bytes; the gateway's own `explorer.js` is pinned the same way, by the hash of the file it serves.
Should they be missing (a broken install), `GET /graphql` from a browser answers 503 with
a page that says so, rather than an explorer that cannot start.
"""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

HERE = Path(__file__).parent
VENDOR_DIR = HERE / "vendor"
STATIC_PATH = "/graphql/static"
CACHE_CONTROL = "no-cache"  # revalidate: a new pin must never meet a stale cached file
LICENSE_FILE = "LICENSE"  # each package's licence text, kept beside its files in vendor/<package>/

# The npm packages the bundles come from, at exact versions (a bump changes the pins in `BUNDLES`).
PACKAGES: dict[str, str] = {"react": "18.2.0", "react-dom": "18.2.0", "graphiql": "3.8.3"}

# The page loads nothing from elsewhere, and may only talk to the gateway.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class Bundle:
    """A file of an npm package (`path` inside `package`), served under its name in `BUNDLES`, pinned by
    `integrity` in the page's `$slot` placeholder."""

    slot: str
    package: str
    path: str
    integrity: str
    media_type: str

    @property
    def package_path(self) -> str:
        """Where the file lies under `vendor/` (as under an npm `node_modules/`)."""
        return f"{self.package}/{self.path}"


BUNDLES: dict[str, Bundle] = {
    "react.production.min.js": Bundle(
        "react",
        "react",
        "umd/react.production.min.js",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
        "text/javascript",
    ),
    "react-dom.production.min.js": Bundle(
        "react_dom",
        "react-dom",
        "umd/react-dom.production.min.js",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
        "text/javascript",
    ),
    "graphiql.min.js": Bundle(
        "graphiql_js",
        "graphiql",
        "graphiql.min.js",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
        "text/javascript",
    ),
    "graphiql.min.css": Bundle(
        "graphiql_css",
        "graphiql",
        "graphiql.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
        "text/css",
    ),
}
OWN_FILES = {"explorer.js": "text/javascript"}  # the gateway's own code, kept in this folder

MISSING_PAGE = Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL's files are missing</title></head>
<body style="font-family: sans-serif; max-width: 48em; margin: 3em auto">
<h1>GraphiQL's files are missing</h1>
<p>The gateway serves GraphiQL's scripts itself, from files that ship inside its package, and these
are missing from <code>$where</code>:</p>
<ul>$missing</ul>
<p>The installation is incomplete: reinstall the package (in a checkout of the repository,
<code>make vendor-graphiql</code> fetches them again). The API itself works: <code>POST $endpoint</code>.</p>
</body></html>
""")


def sri(content: bytes) -> str:
    """The Subresource Integrity value of `content`, as the page's `integrity` attributes carry it."""
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


class Explorer:
    """The explorer's page and files, the bundles read from `assets_dir` (the package's `vendor/`)."""

    def __init__(self, assets_dir: Path | str | None = None) -> None:
        self.assets_dir = Path(assets_dir) if assets_dir else VENDOR_DIR
        self._page = Template((HERE / "page.html").read_text(encoding="utf-8"))
        self._integrity = {b.slot: b.integrity for b in BUNDLES.values()}
        self._integrity["explorer"] = sri((HERE / "explorer.js").read_bytes())

    def missing(self) -> list[str]:
        """The bundles not found under `assets_dir`."""
        return [b.package_path for b in BUNDLES.values() if not (self.assets_dir / b.package_path).is_file()]

    def page(self, request: Request) -> HTMLResponse:
        """GraphiQL for the endpoint at `request`'s path, or a 503 page naming what is missing."""
        missing = self.missing()
        if missing:
            return HTMLResponse(self._missing_page(request, missing), status_code=503)
        static = request.url.path.rstrip("/") + "/static"
        body = self._page.substitute(static=html.escape(static), **self._integrity)
        return HTMLResponse(body, headers={"content-security-policy": CONTENT_SECURITY_POLICY})

    def _missing_page(self, request: Request, missing: list[str]) -> str:
        items = "".join(f"<li><code>{html.escape(path)}</code></li>" for path in missing)
        return MISSING_PAGE.substitute(
            where=html.escape(str(self.assets_dir)),
            missing=items,
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


__all__ = ["BUNDLES", "LICENSE_FILE", "PACKAGES", "STATIC_PATH", "VENDOR_DIR", "Bundle", "Explorer", "sri"]
