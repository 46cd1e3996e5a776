"""The sandbox stands apart: it imports nothing from the rest of the gateway, and only the
standard library, starlette, httpx and uvicorn from outside."""

import ast
import sys
from pathlib import Path

import gateway.sandbox

PACKAGE_DIR = Path(gateway.sandbox.__file__).parent
ALLOWED_THIRD_PARTY = {"starlette", "httpx", "uvicorn"}


def imported_modules(path: Path) -> list[str]:
    modules: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            modules.append(node.module or "")
    return modules


def test_imports_stay_inside_the_sandbox() -> None:
    sources = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(sources) > 10
    for path in sources:
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top == "gateway":
                inside = module == "gateway.sandbox" or module.startswith("gateway.sandbox.")
                assert inside, f"{path}: {module}"
            else:
                assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, f"{path}: {module}"
