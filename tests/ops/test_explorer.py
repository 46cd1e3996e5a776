"""The GraphiQL page and its files, served by the gateway itself (no CDN), pinned by sha384."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from gateway.edge.explorer import BUNDLES, LICENSE_FILE, PACKAGES, STATIC_PATH, VENDOR_DIR, Explorer, sri
from tests.support import page_assets, running

pytestmark = pytest.mark.anyio

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


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


async def test_every_script_and_stylesheet_is_served_with_the_integrity_the_page_names(
    http: httpx.AsyncClient,
) -> None:
    assets = page_assets((await http.get("/graphql", headers=BROWSER)).text)
    assert {url.removeprefix(STATIC_PATH + "/") for url in assets} == set(BUNDLES) | {"explorer.js"}
    for url, integrity in assets.items():
        response = await http.get(url)
        assert response.status_code == 200, url
        assert integrity is not None and sri(response.content) == integrity, f"{url} is not the pinned file"
        name = url.removeprefix(STATIC_PATH + "/")
        if name in BUNDLES:
            assert integrity == BUNDLES[name].integrity
            assert response.headers["content-type"].startswith(BUNDLES[name].media_type)


async def test_only_listed_files_are_served(http: httpx.AsyncClient) -> None:
    assert (await http.get("/graphql/static/explorer.js")).status_code == 200
    for name in ("package.json", "..%2F__init__.py", "graphiql%2Fpackage.json", "react.development.js"):
        assert (await http.get(f"/graphql/static/{name}")).status_code == 404, name


async def test_missing_files_give_a_page_that_says_so(tmp_path: Path) -> None:
    explorer = Explorer(tmp_path)  # as a broken install would have it
    routes = [Route("/graphql", explorer.page), Route(STATIC_PATH + "/{name}", explorer.static)]
    async with running(Starlette(routes=routes)) as http:
        response = await http.get("/graphql", headers=BROWSER)
        assert response.status_code == 503
        assert "reinstall the package" in response.text
        assert "graphiql/graphiql.min.js" in response.text
        assert (await http.get("/graphql/static/graphiql.min.js")).status_code == 404


def test_explorer_reports_what_is_missing(tmp_path: Path) -> None:
    assert len(Explorer(tmp_path).missing()) == len(BUNDLES)
    assert Explorer().missing() == []


def test_the_committed_bundles_are_the_pinned_bytes() -> None:
    """What is in `vendor/` (and so in every wheel and sdist) is exactly what the page pins."""
    for name, bundle in BUNDLES.items():
        content = (VENDOR_DIR / bundle.package_path).read_bytes()
        assert sri(content) == bundle.integrity, f"{name}: `make vendor-graphiql` fetches the pinned file again"
    assert {b.package for b in BUNDLES.values()} == set(PACKAGES)


def test_each_bundled_package_has_its_licence_beside_it() -> None:
    for package in PACKAGES:
        licence = (VENDOR_DIR / package / LICENSE_FILE).read_text(encoding="utf-8")
        assert licence.startswith("MIT License"), package
        assert "Permission is hereby granted, free of charge" in licence, package
    assert sorted(p.relative_to(VENDOR_DIR).as_posix() for p in VENDOR_DIR.rglob("*") if p.is_file()) == sorted(
        [b.package_path for b in BUNDLES.values()] + [f"{package}/{LICENSE_FILE}" for package in PACKAGES]
    ), "vendor/ holds the pinned bundles and their licences, nothing else"
