"""The GraphiQL page and its files, served by the gateway itself (no CDN), pinned by sha384."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.edge.explorer import BUNDLES, Explorer
from gateway.sandbox import Sandbox
from tests.support import GraphQLClient, running

pytestmark = pytest.mark.anyio

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def sri(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


async def test_the_page_loads_only_the_gateways_own_files(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(src.startswith("/graphql/static/") or src.startswith("data:") for src in sources), sources
    assert "http://" not in page and "https://" not in page
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp


async def test_every_pinned_file_is_served_with_the_integrity_the_page_names(http: httpx.AsyncClient) -> None:
    page = (await http.get("/graphql", headers=BROWSER)).text
    pinned = dict(re.findall(r'(?:src|href)="/graphql/static/([^"]+)" integrity="([^"]+)"', page))
    assert set(pinned) == set(BUNDLES)
    for name, integrity in pinned.items():
        response = await http.get(f"/graphql/static/{name}")
        assert response.status_code == 200, f"{name}: run `make explorer`"
        assert sri(response.content) == integrity, f"{name} is not the pinned version: run `make explorer`"
        assert response.headers["content-type"].startswith(BUNDLES[name].media_type)


async def test_only_listed_files_are_served(http: httpx.AsyncClient) -> None:
    assert (await http.get("/graphql/static/explorer.js")).status_code == 200
    for name in ("package.json", "..%2F__init__.py", "graphiql%2Fpackage.json", "react.development.js"):
        assert (await http.get(f"/graphql/static/{name}")).status_code == 404, name


async def test_missing_assets_give_a_page_that_says_how_to_install_them(tmp_path: Path, sandbox: Sandbox) -> None:
    app = create_app(Settings(graphiql_assets=str(tmp_path)), sandbox=sandbox)
    async with running(app) as http:
        response = await http.get("/graphql", headers=BROWSER)
        assert response.status_code == 503
        assert "make explorer" in response.text
        assert "graphiql/graphiql.min.js" in response.text
        assert (await http.get("/graphql/static/graphiql.min.js")).status_code == 404
        await GraphQLClient(http).data("{ activityTypes { name } }")  # the API itself still works


def test_explorer_reports_what_is_missing(tmp_path: Path) -> None:
    assert len(Explorer(tmp_path).missing()) == len(BUNDLES)
    assert Explorer().missing() == [], "run `make explorer` to install GraphiQL's bundles"
