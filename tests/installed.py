"""The gateway as a deployer gets it: `python -m build` makes the sdist and, from that sdist, the wheel;
the wheel is installed with its dependencies into a fresh virtual environment outside the source tree.

The dependencies really come from the package index (pip's cache makes it quick), not from the test's own
environment: a dependency the wheel fails to declare makes the installed gateway fail here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What could make the installed gateway import the source tree, or run against another upstream.
LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PIPEDRIVE_BASE_URL", "PIPEDRIVE_API_TOKEN")


@dataclass(frozen=True)
class Installation:
    sdist: Path
    wheel: Path
    bin: Path  # the fresh environment's bin/
    home: Path  # a working directory outside the source tree

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if k not in LEAKY and not k.startswith("GATEWAY_")}
        return {**keep, "GATEWAY_SANDBOX_DB": str(self.home / "sandbox.sqlite3")}

    def run(self, *args: str) -> str:
        done = subprocess.run(args, cwd=self.home, env=self.env(), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout


def run(args: list[str], cwd: Path, timeout: float) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args[:4])} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"


def fresh_copy(target: Path) -> Path:
    """The files of this tree that a commit would hold (tracked, or new and not ignored), copied to `target`:
    a clone of the work tree as it stands, without what earlier builds and installs left in it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    return target


def install(root: Path) -> Installation:
    """Build the distributions from a fresh copy of the source tree (a stale `*.egg-info` in the tree would
    add its files to the sdist) and install the wheel into `root`/venv."""
    assert not root.resolve().is_relative_to(REPO), "the installation must live outside the source tree"
    dist = root / "dist"
    source = fresh_copy(root / "source")
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], cwd=root, timeout=300)
    [sdist], [wheel] = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    # No pip of its own (ensurepip costs 10-15 s here): this environment's pip installs into it.
    run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], cwd=root, timeout=60)
    bin_dir = root / "venv" / "bin"
    pip = [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "--quiet", str(wheel)]
    run(pip, cwd=root, timeout=300)
    home = root / "home"
    home.mkdir()
    return Installation(sdist, wheel, bin_dir, home)
