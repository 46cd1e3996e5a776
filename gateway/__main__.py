"""The command line: `gateway serve`, `gateway sandbox`, `gateway export-schema`, `gateway webhooks
register|list`, `gateway --version`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import logging.config
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import Any, get_args
from urllib.parse import urlsplit

from gateway.config import DEFAULT_SANDBOX_DB, DEFAULT_SANDBOX_PORT, SANDBOX_BASE_URL, ApiMode, Settings, SettingsError

DISTRIBUTION = "activities-gateway"


def version() -> str:
    """The installed distribution's version (from its metadata, so a wheel reports what it was built as)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description="GraphQL gateway over Pipedrive's Activities API.")
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {version()}")
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
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default 1; more need GATEWAY_REDIS_URL while live updates are on)",
    )
    sandbox = commands.add_parser("sandbox", help="run the upstream emulator alone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=DEFAULT_SANDBOX_PORT)
    sandbox.add_argument("--db", default=DEFAULT_SANDBOX_DB, help="SQLite file (':memory:' for a throwaway one)")
    sandbox.add_argument(
        "--retire-v1", action="store_true", help="start with the v1 activity endpoints retired (410 Gone)"
    )
    commands.add_parser("export-schema", help="print the GraphQL SDL (schema.graphql is its output)")
    webhooks = commands.add_parser(
        "webhooks",
        help="the gateway's activity webhook upstream (PIPEDRIVE_BASE_URL/PIPEDRIVE_API_TOKEN, or the sandbox)",
    )
    actions = webhooks.add_subparsers(dest="webhooks_command", required=True)
    register = actions.add_parser(
        "register",
        help="register (or reuse) the webhook delivering every activity event to {public-url}/webhooks/pipedrive, "
        "with GATEWAY_WEBHOOK_USER/GATEWAY_WEBHOOK_PASSWORD",
    )
    register.add_argument("--public-url", help="the gateway's public base URL (default GATEWAY_PUBLIC_URL)")
    actions.add_parser("list", help="the company's webhooks, one JSON object a line (never a password)")
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
    settings = Settings.from_env(os.environ)
    _check_workers(args.workers, settings)
    _announce(settings)
    run_server(settings, workers=args.workers)


def _check_workers(workers: int, settings: Settings) -> None:
    """One worker by default: live updates reach the subscribers of the process a webhook lands in, so
    several workers without a shared broker would each miss the events the others receive (and each would
    run its own embedded sandbox). With Redis they share events and state like several instances."""
    if workers < 1:
        raise SettingsError(f"--workers must be at least 1, got {workers}")
    live_updates = settings.uses_sandbox or settings.webhooks.configured
    if workers > 1 and live_updates and not settings.redis.configured:
        raise SettingsError(
            f"--workers {workers} needs GATEWAY_REDIS_URL while live updates are on (the embedded sandbox, or "
            "GATEWAY_WEBHOOK_USER/GATEWAY_WEBHOOK_PASSWORD set): a webhook reaches one worker, and without "
            "Redis the subscribers of the others would miss it. Set GATEWAY_REDIS_URL, or run one worker."
        )


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
        # Keep-alive of subscriptions: a ping frame every interval, and a client that does not answer
        # within another is closed (its subscriptions end, its queue is freed).
        ws_ping_interval=settings.live.keep_alive_seconds,
        ws_ping_timeout=settings.live.keep_alive_seconds,
        **uvicorn_options,
    )


def _announce(settings: Settings) -> None:
    """Once per `gateway serve`, before any worker starts: what answers, where GraphiQL is, which token
    applies. Never a configured token; the sandbox's tokens are demo credentials, printed to be tried."""
    from gateway.observability.logs import logging_config

    logging.config.dictConfig(logging_config(settings))  # as uvicorn sets it up again, in every worker
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    graphiql = f"http://{host}:{settings.port}/graphql"
    where, tip, fields = _on_sandbox(settings) if settings.uses_sandbox else _on_upstream(settings)
    default = fields["default_token"]
    applies = f"requests without a token use {default}" if default else "requests must send their own token"
    message = f"GraphiQL at {graphiql}, on {where}; {applies}.{tip}"
    logging.getLogger("gateway.serve").info(message, extra={"graphiql": graphiql, "version": version(), **fields})


def _on_sandbox(settings: Settings) -> tuple[str, str, dict[str, Any]]:
    from gateway.sandbox import DEMO_NONADMIN_TOKEN, DEMO_TOKEN

    database = settings.sandbox_db if settings.sandbox_db == ":memory:" else os.path.abspath(settings.sandbox_db)
    tip = f" Demo tokens to try in an X-Api-Token header: admin {DEMO_TOKEN}, non-admin {DEMO_NONADMIN_TOKEN}."
    fields = {
        "upstream": "sandbox",
        "sandbox_db": database,
        "default_token": "PIPEDRIVE_API_TOKEN" if settings.api_token else "the sandbox's demo admin token",
        "demo_tokens": {"admin": DEMO_TOKEN, "non_admin": DEMO_NONADMIN_TOKEN},
    }
    return f"the embedded sandbox (demo data in {database})", tip, fields


def _on_upstream(settings: Settings) -> tuple[str, str, dict[str, Any]]:
    upstream = _without_credentials(settings.upstream_url or "")
    fields = {"upstream": upstream, "default_token": "PIPEDRIVE_API_TOKEN" if settings.api_token else None}
    return f"the upstream {upstream}", "", fields


def _without_credentials(url: str) -> str:
    """The base URL as logged: no user information, no query (the settings refuse one anyway)."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc, query="", fragment="").geturl()


def _sandbox(args: argparse.Namespace) -> None:
    from gateway.sandbox.server import serve

    serve(args.host, args.port, args.db, retire_v1=args.retire_v1)


def _webhooks(args: argparse.Namespace) -> None:
    if getattr(args, "public_url", None):
        os.environ["GATEWAY_PUBLIC_URL"] = args.public_url
    settings = Settings.from_env(os.environ)
    if args.webhooks_command == "register" and not (settings.webhooks.subscription_url and settings.webhooks.user):
        raise SettingsError(
            "gateway webhooks register needs --public-url (or GATEWAY_PUBLIC_URL), GATEWAY_WEBHOOK_USER and "
            "GATEWAY_WEBHOOK_PASSWORD"
        )
    for line in asyncio.run(_webhooks_upstream(settings, args.webhooks_command)):
        print(json.dumps(line, default=str))


async def _webhooks_upstream(settings: Settings, command: str) -> list[dict[str, Any]]:
    """Run `command` against the upstream (or the sandbox's database, in-process, with its demo token)."""
    import httpx

    from gateway.live import register
    from gateway.upstream import CallLedger, Credentials, PipedriveClient, UpstreamTransport
    from gateway.upstream.retry import RetryPolicy
    from gateway.upstream.webhooks import WebhookRecord, WebhookRegistration

    sandbox = None
    transport: httpx.AsyncBaseTransport | None = None
    token = settings.api_token
    if settings.uses_sandbox:
        from gateway.sandbox import DEMO_TOKEN, Sandbox

        sandbox = Sandbox(db_path=settings.sandbox_db)
        transport, token = sandbox.transport(), token or DEMO_TOKEN
    if not token:
        raise SettingsError("PIPEDRIVE_API_TOKEN: gateway webhooks needs a token of the company")
    base = settings.upstream_url or SANDBOX_BASE_URL

    def shown(webhook: WebhookRecord) -> dict[str, Any]:
        return {name: getattr(webhook, name) for name in ("id", *sorted(webhook.present - {"id"}))}

    try:
        async with httpx.AsyncClient(base_url=base, transport=transport, timeout=20) as http:
            client = PipedriveClient(
                UpstreamTransport(http, RetryPolicy(settings.retry)), Credentials(token), CallLedger()
            )
            if command == "list":
                return [shown(webhook) for webhook in await client.webhooks()]
            hooks = settings.webhooks
            assert hooks.subscription_url and hooks.user and hooks.password
            done = await register(client, WebhookRegistration(hooks.subscription_url, hooks.user, hooks.password))
            return [{"created": done.created, "removed": list(done.removed), **shown(done.webhook)}]
    finally:
        if sandbox is not None:
            sandbox.close()


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
        elif args.command == "webhooks":
            _webhooks(args)
        else:
            _export_schema()
    except SettingsError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
