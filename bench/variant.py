"""The gateway as `gateway serve` runs it, with one lever moved: for measuring each lever on its own.

    BENCH_VARIANT='{"executor": "plain"}' python -m bench.variant --port 8000 --upstream URL [--workers N]

Levers: `executor` ("plain": graphql-core's executor instead of the plan executor), `json`
("stdlib": the standard library's response encoding instead of orjson), `caches` (true/false:
Strawberry's ParserCache and ValidationCache present or not), `gc` ("default": without the gc.freeze()
of `create_app_from_env`), `loop` and `http` (uvicorn's choices; "auto" takes uvloop and httptools when
installed). Anything not named stays as served.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.app import create_app_from_env

ENV = "BENCH_VARIANT"
CACHE_SIZE = 256


def _view(app: Starlette) -> Any:
    for route in app.routes:
        if isinstance(route, Route) and route.path == "/graphql":
            return route.endpoint
    raise LookupError("no /graphql route")


def _stdlib_json(data: object) -> str:
    return json.dumps(data, separators=(",", ":"))


def _is_cache(factory: Any) -> bool:
    made = factory() if callable(factory) and not isinstance(factory, type) else factory
    return isinstance(made, (ParserCache, ValidationCache)) or factory in (ParserCache, ValidationCache)


def _set_caches(schema: Any, on: bool) -> None:
    kept = tuple(factory for factory in schema.extensions if not _is_cache(factory))
    caches = (lambda: ParserCache(maxsize=CACHE_SIZE), lambda: ValidationCache(maxsize=CACHE_SIZE)) if on else ()
    schema.extensions = (*caches, *kept)


def apply(app: Starlette, variant: dict[str, Any]) -> None:
    view = _view(app)
    if variant.get("executor") == "plain":
        view.schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    if variant.get("json") == "stdlib":
        view.encode_json = _stdlib_json
    if variant.get("caches") is not None:
        _set_caches(view.schema, bool(variant["caches"]))


def create_variant_app() -> Starlette:
    """Factory for uvicorn, in every worker."""
    variant = json.loads(os.environ.get(ENV) or "{}")
    app = create_app_from_env()
    apply(app, variant)
    if variant.get("gc") == "default":
        gc.unfreeze()  # undo what create_app_from_env did
    return app


def main() -> None:
    from gateway.__main__ import run_server
    from gateway.config import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ.update({"GATEWAY_HOST": args.host, "GATEWAY_PORT": str(args.port), "PIPEDRIVE_BASE_URL": args.upstream})
    variant = json.loads(os.environ.get(ENV) or "{}")
    run_server(
        Settings.from_env(os.environ),
        workers=args.workers,
        app_factory="bench.variant:create_variant_app",
        loop=variant.get("loop", "auto"),
        http=variant.get("http", "auto"),
    )


if __name__ == "__main__":
    main()
