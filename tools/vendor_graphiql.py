"""Fetches GraphiQL's bundles again from the npm registry into `gateway/edge/explorer/vendor/`, for a
version bump or an audit: `python -m tools.vendor_graphiql [--check]` (`make vendor-graphiql`).

For each package in `PACKAGES` it reads the version's metadata from the registry, downloads its tarball,
checks the tarball against the registry's own integrity (sha512), and takes from it the files `BUNDLES`
lists and the package's LICENSE. It then compares every bundle with its sha384 pin: a difference (a new
version) is printed with the new value to paste into `BUNDLES`, and the exit status is 1 until the pins
agree. `--check` compares without writing: the committed files must be the registry's bytes.
Needs neither node nor npm: plain HTTPS to the registry.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from gateway.edge.explorer import BUNDLES, LICENSE_FILE, PACKAGES, VENDOR_DIR

REGISTRY = "https://registry.npmjs.org"


class VendorError(Exception):
    """The registry's answer cannot be trusted or used."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One file taken from a tarball, and how it compares with what is pinned or committed."""

    vendor_path: str
    ok: bool
    note: str


def sri(content: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, content).digest()).decode()


def fetch_tarball(client: httpx.Client, package: str, version: str) -> bytes:
    """The package's tarball, checked against the integrity the registry publishes for it."""
    meta = client.get(f"{REGISTRY}/{quote(package, safe='@')}/{version}")
    meta.raise_for_status()
    dist = meta.json()["dist"]
    tarball = client.get(dist["tarball"])
    tarball.raise_for_status()
    expected = dist["integrity"]
    algorithm = expected.split("-", 1)[0]
    if algorithm not in ("sha512", "sha384", "sha256") or sri(tarball.content, algorithm) != expected:
        raise VendorError(f"{package}@{version}: the tarball does not match the registry's integrity {expected}")
    return tarball.content


def files_of(tarball: bytes, package: str) -> dict[str, bytes]:
    """The bundles of `package` and its LICENSE, keyed by their path under `vendor/`."""
    wanted = {f"package/{b.path}": b.package_path for b in BUNDLES.values() if b.package == package}
    wanted[f"package/{LICENSE_FILE}"] = f"{package}/{LICENSE_FILE}"
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            target = wanted.get(member.name)
            extracted = archive.extractfile(member) if target and member.isfile() else None
            if target and extracted is not None:
                found[target] = extracted.read()
    absent = sorted(set(wanted.values()) - set(found))
    if absent:
        raise VendorError(f"{package}: the tarball lacks {', '.join(absent)}")
    return found


def compare(vendor_path: str, content: bytes, vendor_dir: Path, *, check: bool) -> Finding:
    """A bundle against its pin; with `check`, any file against the committed copy too."""
    bundle = next((b for b in BUNDLES.values() if b.package_path == vendor_path), None)
    if bundle is not None and sri(content) != bundle.integrity:
        return Finding(vendor_path, False, f"pin differs: set integrity={sri(content)!r} in BUNDLES")
    committed = vendor_dir / vendor_path
    if check and (not committed.is_file() or committed.read_bytes() != content):
        return Finding(vendor_path, False, "the committed file differs from the registry's")
    return Finding(vendor_path, True, sri(content) if bundle else "licence text")


def vendor(client: httpx.Client, vendor_dir: Path = VENDOR_DIR, *, check: bool = False) -> list[Finding]:
    """Fetch every package, compare its files, and (unless `check`) write them under `vendor_dir`."""
    findings: list[Finding] = []
    for package, version in PACKAGES.items():
        for vendor_path, content in files_of(fetch_tarball(client, package, version), package).items():
            findings.append(compare(vendor_path, content, vendor_dir, check=check))
            if not check:
                (vendor_dir / vendor_path).parent.mkdir(parents=True, exist_ok=True)
                (vendor_dir / vendor_path).write_bytes(content)
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.vendor_graphiql", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files; write nothing")
    args = parser.parse_args(argv)
    try:
        with httpx.Client(timeout=60, follow_redirects=True) as client:
            findings = vendor(client, check=args.check)
    except (httpx.HTTPError, VendorError) as exc:
        print(f"vendor_graphiql: {exc}", file=sys.stderr)
        return 1
    for finding in findings:
        print(f"{'ok  ' if finding.ok else 'FAIL'} {finding.vendor_path}: {finding.note}")
    return 0 if all(f.ok for f in findings) else 1


if __name__ == "__main__":
    raise SystemExit(main())
