"""An installed gateway is complete: the sdist and the wheel carry GraphiQL's pinned bundles and their
licences, and the wheel, installed into a fresh environment and started as `gateway serve` outside the
source tree, serves the explorer with no build step and no network (the browser test runs against it
too: tests/ops/test_graphiql_browser.py)."""

from __future__ import annotations

import tarfile
import tomllib
import zipfile
from pathlib import Path

import httpx

from gateway.edge.explorer import BUNDLES, HERE, LICENSE_FILE, PACKAGES, STATIC_PATH, sri
from tests.installed import REPO, Installation
from tests.support import page_assets

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
SHIPPED = {f"gateway/edge/explorer/vendor/{b.package_path}": b.integrity for b in BUNDLES.values()}
LICENCES = [f"gateway/edge/explorer/vendor/{package}/{LICENSE_FILE}" for package in PACKAGES]


def sdist_files(sdist: Path) -> dict[str, bytes]:
    """The sdist's files by their path in the project (without the `name-version/` folder)."""
    files: dict[str, bytes] = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            content = archive.extractfile(member) if member.isfile() else None
            if content is not None:
                files[member.name.split("/", 1)[1]] = content.read()
    return files


def test_the_sdist_and_the_wheel_carry_the_pinned_bundles_and_their_licences(installation: Installation) -> None:
    with zipfile.ZipFile(installation.wheel) as wheel:
        in_wheel = {name: wheel.read(name) for name in wheel.namelist()}
    in_sdist = sdist_files(installation.sdist)
    for files in (in_wheel, in_sdist):
        for path, integrity in SHIPPED.items():
            assert sri(files[path]) == integrity, path
        for path in LICENCES:
            assert files[path].startswith(b"MIT License"), path
        assert "gateway/edge/explorer/page.html" in files and "gateway/edge/explorer/explorer.js" in files


def test_the_installed_gateway_imports_from_its_own_environment(installation: Installation) -> None:
    printed = installation.run(str(installation.bin / "python"), "-c", "import gateway; print(gateway.__file__)")
    module = Path(printed.strip())
    assert module.is_relative_to(installation.bin.parent), module
    assert not module.is_relative_to(REPO)


def test_the_installed_gateway_prints_its_version(installation: Installation) -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    printed = installation.run(str(installation.bin / "gateway"), "--version")
    assert printed.split() == [project["name"], project["version"]]


def test_the_installed_gateway_serves_graphiql_and_every_file_it_references(installed_gateway: str) -> None:
    page = httpx.get(f"{installed_gateway}/graphql", headers=BROWSER, timeout=10)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assets = page_assets(page.text)
    assert {url.removeprefix(STATIC_PATH + "/") for url in assets} == set(BUNDLES) | {"explorer.js"}
    for url, integrity in assets.items():
        served = httpx.get(f"{installed_gateway}{url}", timeout=10)
        assert served.status_code == 200, url
        assert integrity is not None and sri(served.content) == integrity, url
        name = url.removeprefix(STATIC_PATH + "/")
        expected = BUNDLES[name].integrity if name in BUNDLES else sri((HERE / name).read_bytes())
        assert integrity == expected, f"{url}: not the file of this source tree"


def test_the_installed_gateway_answers_graphql_on_its_sandbox(installed_gateway: str) -> None:
    answer = httpx.post(f"{installed_gateway}/graphql", json={"query": "{ activityTypes { keyString } }"}, timeout=10)
    assert answer.status_code == 200
    assert "call" in [t["keyString"] for t in answer.json()["data"]["activityTypes"]]
