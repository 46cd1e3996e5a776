"""`tools.vendor_graphiql`, the re-fetch of GraphiQL's bundles for a version bump, against a registry
made here (no network): it takes the pinned files and the licences from the packages' tarballs, refuses
a tarball the registry's own integrity does not vouch for, and names the pin a new version changes."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from gateway.edge.explorer import BUNDLES, LICENSE_FILE, PACKAGES, VENDOR_DIR
from tools.vendor_graphiql import VendorError, sri, vendor

Tamper = Callable[[str, bytes], bytes]


def tarball(package: str, tamper: Tamper) -> bytes:
    """An npm tarball of `package` holding the committed files (under `package/`), passed through `tamper`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        for path in sorted((VENDOR_DIR / package).rglob("*")):
            if path.is_file():
                content = tamper(path.name, path.read_bytes())
                info = tarfile.TarInfo("package/" + path.relative_to(VENDOR_DIR / package).as_posix())
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def registry(tamper: Tamper = lambda name, content: content, *, lie: bool = False) -> httpx.Client:
    tarballs = {package: tarball(package, tamper) for package in PACKAGES}

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "registry.npmjs.org"
        package, _, rest = request.url.path.strip("/").partition("/")
        if rest.startswith("-/"):
            return httpx.Response(200, content=tarballs[package])
        assert rest == PACKAGES[package], "asks for the pinned version"
        integrity = sri(b"something else" if lie else tarballs[package], "sha512")
        tarball_url = f"https://registry.npmjs.org/{package}/-/{package}-{rest}.tgz"
        return httpx.Response(200, text=json.dumps({"dist": {"tarball": tarball_url, "integrity": integrity}}))

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_the_pinned_files_and_licences_come_from_the_tarballs(tmp_path: Path) -> None:
    with registry() as client:
        findings = vendor(client, tmp_path)
    assert all(f.ok for f in findings), findings
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    expected = [b.package_path for b in BUNDLES.values()] + [f"{p}/{LICENSE_FILE}" for p in PACKAGES]
    assert written == sorted(expected)
    for path in written:
        assert (tmp_path / path).read_bytes() == (VENDOR_DIR / path).read_bytes()
    with registry() as client:
        assert all(f.ok for f in vendor(client, tmp_path, check=True))


def test_a_tarball_the_registry_does_not_vouch_for_is_refused(tmp_path: Path) -> None:
    with registry(lie=True) as client, pytest.raises(VendorError, match="integrity"):
        vendor(client, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_new_version_names_the_pin_to_change(tmp_path: Path) -> None:
    def new_graphiql(name: str, content: bytes) -> bytes:
        return content + b"\n/* next version */" if name == "graphiql.min.js" else content

    with registry(new_graphiql) as client:
        findings = {f.vendor_path: f for f in vendor(client, tmp_path)}
    changed = findings[BUNDLES["graphiql.min.js"].package_path]
    assert not changed.ok
    new_pin = sri((tmp_path / BUNDLES["graphiql.min.js"].package_path).read_bytes())
    assert new_pin in changed.note and new_pin != BUNDLES["graphiql.min.js"].integrity
    assert [path for path, f in findings.items() if not f.ok] == [changed.vendor_path]


def test_check_mode_finds_a_committed_file_that_is_not_the_registrys(tmp_path: Path) -> None:
    with registry() as client:
        vendor(client, tmp_path)
        (tmp_path / "react" / LICENSE_FILE).write_text("changed by hand")
        findings = {f.vendor_path: f for f in vendor(client, tmp_path, check=True)}
    assert not findings[f"react/{LICENSE_FILE}"].ok
    assert (tmp_path / "react" / LICENSE_FILE).read_text() == "changed by hand", "check writes nothing"
