"""The command line: `gateway serve`, `gateway sandbox`, `gateway export-schema`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, get_args

from gateway.config import DEFAULT_SANDBOX_DB, DEFAULT_SANDBOX_PORT, ApiMode, Settings, SettingsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description="GraphQL gateway over Pipedrive's Activities API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the gateway")
    serve.add_argument("--host", help="address to bind (default GATEWAY_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default GATEWAY_PORT or 8000)")
    serve.add_argument(
        "--upstream",
        help="Pipedrive base URL, e.g. https://yourcompany.pipedrive.com/api "
        "(default PIPEDRIVE_BASE_URL; none = the embedded sandbox)",
    )
    serve.add_argument(
        "--api-version",
        choices=get_args(ApiMode),
        help="which Pipedrive API the activity operations use (default PIPEDRIVE_API_VERSION or auto: v1 until "
        "the upstream retires it, then v2)",
    )
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    sandbox = commands.add_parser("sandbox", help="run the upstream emulator alone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=DEFAULT_SANDBOX_PORT)
    sandbox.add_argument("--db", default=DEFAULT_SANDBOX_DB, help="SQLite file (':memory:' for a throwaway one)")
    commands.add_parser("export-schema", help="print the GraphQL SDL (schema.graphql is its output)")
    return parser


def _serve(args: argparse.Namespace) -> None:
    overrides = {
        "GATEWAY_HOST": args.host,
        "GATEWAY_PORT": args.port,
        "PIPEDRIVE_BASE_URL": args.upstream,
        "PIPEDRIVE_API_VERSION": args.api_version,
    }
    for name, value in overrides.items():  # flags win; workers read the same environment
        if value is not None:
            os.environ[name] = str(value)
    run_server(Settings.from_env(os.environ), workers=args.workers)


def run_server(
    settings: Settings,
    *,
    workers: int = 1,
    app_factory: str = "gateway.app:create_app_from_env",
    **uvicorn_options: Any,
) -> None:
    """uvicorn serving `app_factory` (built anew in each worker from the environment) as `settings` say."""
    import uvicorn

    from gateway.observability.logs import logging_config

    uvicorn.run(
        app_factory,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        log_config=logging_config(settings),  # JSON lines, tokens redacted; every worker applies it
        access_log=False,  # the gateway's middleware writes the access line, with the request id
        **uvicorn_options,
    )


def _sandbox(args: argparse.Namespace) -> None:
    from gateway.sandbox.server import serve

    serve(args.host, args.port, args.db)


def _export_schema() -> None:
    from gateway.schema import export_sdl

    sys.stdout.write(export_sdl())


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            _serve(args)
        elif args.command == "sandbox":
            _sandbox(args)
        else:
            _export_schema()
    except SettingsError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
