"""Schema-first codegen with a real generator: ariadne-codegen turns `schema.graphql` and the operations in
`codegen/operations.graphql` into a typed client (in a temporary folder, never in git), mypy
(strict) checks it together with a small program using it, and that program runs a query through the client
against the gateway on a real socket.

The client side lives in its own environment (`make codegen`: .venv/codegen), as a client project
would: ariadne-codegen needs graphql-core < 3.3, the gateway 3.3.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent / "codegen"
CODEGEN_BIN = REPO / ".venv" / "codegen" / "bin"
PACKAGE = "activities_client"

CONFIG = """\
[tool.ariadne-codegen]
schema_path = "{schema}"
queries_path = "{operations}"
target_package_name = "{package}"
target_package_path = "{target}"
async_client = true

[tool.ariadne-codegen.scalars.DateTime]
type = "datetime.datetime"

[tool.ariadne-codegen.scalars.Date]
type = "datetime.date"

[tool.mypy]
strict = true

[[tool.mypy.overrides]]
# The generator's transport plumbing (an untyped fallback for its optional websockets support); the
# generated models and client methods, which this test is about, stay strict.
module = "{package}.async_base_client"
ignore_errors = true
"""


def run(args: list[str], cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def codegen_bin() -> Path:
    if not (CODEGEN_BIN / "ariadne-codegen").exists() or not (CODEGEN_BIN / "mypy").exists():
        pytest.fail(f"{CODEGEN_BIN.parent} is missing: `make codegen` makes it")
    return CODEGEN_BIN


@pytest.fixture(scope="module")
def generated(codegen_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the generated package and the program that uses it."""
    target = tmp_path_factory.mktemp("codegen")
    schema = REPO / "schema.graphql"
    assert schema.exists(), "schema.graphql is missing: `make schema` writes it"
    (target / "pyproject.toml").write_text(
        CONFIG.format(
            schema=schema,
            operations=HERE / "operations.graphql",
            package=PACKAGE,
            target=target,
        )
    )
    run([str(codegen_bin / "ariadne-codegen"), "--config", "pyproject.toml"], cwd=target)
    shutil.copy(HERE / "use_client.py", target / "use_client.py")
    return target


def test_generated_client_type_checks(codegen_bin: Path, generated: Path) -> None:
    cache = REPO / ".venv" / "codegen" / ".mypy_cache"  # warm after the first run: seconds, not tens
    mypy = [str(codegen_bin / "mypy"), "--config-file", "pyproject.toml", "--cache-dir", str(cache)]
    run([*mypy, "use_client.py", PACKAGE], cwd=generated)


def test_generated_client_queries_the_gateway(codegen_bin: Path, generated: Path, live_gateway: str) -> None:
    output = run([str(codegen_bin / "python"), "use_client.py", f"{live_gateway}/graphql"], cwd=generated, timeout=60)
    summary = json.loads(output)
    assert summary["count"] == 3
    assert all(isinstance(subject, str) and subject for subject in summary["subjects"])
    assert summary["add_time_has_offset"] is True  # DateTime arrives as ISO 8601 with its UTC offset
    assert summary["has_next_page"] is True
    assert summary["types"], "activityType should resolve through the generated client"
