"""The gateway's settings: one frozen object, read once from the environment and flags, passed down."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_SANDBOX_PORT = 8001
DEFAULT_SANDBOX_DB = ".gateway/sandbox.sqlite3"
SANDBOX_BASE_URL = "http://sandbox.internal/api"
"""The embedded sandbox's base URL, reached in-process (no socket)."""
WEBHOOK_PATH = "/webhooks/pipedrive"

ApiMode = Literal["auto", "v1", "v2"]
"""Which Pipedrive API the activity operations use (`gateway.activities.version`)."""


class SettingsError(ValueError):
    """A setting has a value the gateway cannot use; the message names the setting."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Per-request upstream timeouts, in seconds."""

    connect: float = 5.0
    read: float = 20.0
    write: float = 20.0
    pool: float = 10.0


@dataclass(frozen=True, slots=True)
class RetrySettings:
    """How hard the upstream client tries again (see `gateway.upstream.retry`)."""

    max_retries: int = 3
    max_total_seconds: float = 30.0
    base_delay: float = 0.25
    max_delay: float = 8.0


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """Caps on what one client request may ask for, enforced before any upstream call."""

    max_depth: int = 10
    max_aliases: int = 100
    max_tokens: int = 5000
    max_body_bytes: int = 1_000_000
    max_page_size: int = 500
    default_page_size: int = 100
    max_node_cost: int = 50_000
    max_ids_per_request: int = 500
    max_scan_pages: int = 10
    """Upstream pages one GraphQL page may read where the gateway filters (API v2)."""


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Where Pipedrive delivers activity webhooks, and with which HTTP Basic credentials.

    With `user` and `password` set, `POST /webhooks/pipedrive` takes deliveries; with `public_url` too,
    the gateway registers its webhook upstream (`{public_url}/webhooks/pipedrive`) itself."""

    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    public_url: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.user and self.password)

    @property
    def subscription_url(self) -> str | None:
        """The URL Pipedrive posts to, when the gateway knows its public address."""
        return f"{self.public_url.rstrip('/')}{WEBHOOK_PATH}" if self.public_url else None


@dataclass(frozen=True, slots=True)
class LiveSettings:
    """Subscriptions: how far a subscriber may fall behind, and the window that batches event reads."""

    max_queue: int = 1000
    """Events waiting for one subscriber before it is dropped (close code 1013)."""
    read_window_seconds: float = 0.02
    """How long the reads of one token's event deliveries are gathered into one upstream call."""
    keep_alive_seconds: float = 20.0
    """WebSocket pings (and the time a pong may take) that find vanished subscribers."""


@dataclass(frozen=True, slots=True)
class AdmissionSettings:
    """How many GraphQL operations over HTTP run at once (`gateway.edge.admission`): a limit that follows the
    event loop's lag, the others waiting in arrival order."""

    enabled: bool = True
    target_lag_seconds: float = 0.005
    """The event loop lag above which the limit shrinks."""
    max_wait_seconds: float = 10.0
    """How long a request may wait for its turn before it is answered 503 `OVERLOADED`."""
    initial_limit: int = 32
    min_limit: int = 2
    max_limit: int = 1000
    interval_seconds: float = 0.1
    """How often the lag is measured and the limit adjusted."""


@dataclass(frozen=True, slots=True)
class RedisSettings:
    """The Redis that several instances share (`gateway.shared`); none by default."""

    url: str | None = field(default=None, repr=False)
    """`redis://[:password@]host:port/db`, `rediss://…` or `unix://…`: may carry a password."""
    key_secret: str | None = field(default=None, repr=False)
    """The HMAC secret tokens are keyed under; without it, one kept in Redis (made by the first instance)."""
    prefix: str = "gateway"
    """Of every key and channel: deployments sharing one Redis each take their own."""
    timeout_seconds: float = 0.2
    """Of every Redis command (connect and read); past it the instance works on its own state."""

    @property
    def configured(self) -> bool:
        return self.url is not None


REDIS_PREFIX = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the gateway is configured with. Build it with `Settings.from_env`."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    upstream_url: str | None = None
    api_token: str | None = None
    api_version: ApiMode = "auto"
    sandbox_db: str = DEFAULT_SANDBOX_DB
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetrySettings = field(default_factory=RetrySettings)
    limits: QueryLimits = field(default_factory=QueryLimits)
    max_connections: int = 50
    activity_types_ttl_seconds: float = 300.0
    cors_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    tracing: bool = False
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    live: LiveSettings = field(default_factory=LiveSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    admission: AdmissionSettings = field(default_factory=AdmissionSettings)

    def __post_init__(self) -> None:
        self.validate()

    @property
    def uses_sandbox(self) -> bool:
        """No upstream configured: the embedded sandbox answers."""
        return self.upstream_url is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> Settings:
        """Read the environment; keyword overrides (command-line flags) win when not None."""
        values: dict[str, Any] = {
            "host": environ.get("GATEWAY_HOST", DEFAULT_HOST),
            "port": _int(environ, "GATEWAY_PORT", DEFAULT_PORT),
            "upstream_url": environ.get("PIPEDRIVE_BASE_URL") or None,
            "api_token": environ.get("PIPEDRIVE_API_TOKEN") or None,
            "api_version": environ.get("PIPEDRIVE_API_VERSION", "auto").strip().lower() or "auto",
            "sandbox_db": environ.get("GATEWAY_SANDBOX_DB", DEFAULT_SANDBOX_DB),
            "timeouts": _timeouts_from_env(environ),
            "retry": RetrySettings(
                max_retries=_int(environ, "GATEWAY_MAX_RETRIES", RetrySettings().max_retries),
                max_total_seconds=_float(environ, "GATEWAY_RETRY_BUDGET_SECONDS", RetrySettings().max_total_seconds),
            ),
            "limits": _limits_from_env(environ),
            "max_connections": _int(environ, "GATEWAY_MAX_CONNECTIONS", 50),
            "activity_types_ttl_seconds": _float(environ, "GATEWAY_ACTIVITY_TYPES_TTL", 300.0),
            "cors_origins": _csv(environ.get("GATEWAY_CORS_ORIGINS", "")),
            "log_level": environ.get("GATEWAY_LOG_LEVEL", "INFO").upper(),
            "tracing": _tracing(environ),
            "webhooks": WebhookSettings(
                user=environ.get("GATEWAY_WEBHOOK_USER") or None,
                password=environ.get("GATEWAY_WEBHOOK_PASSWORD") or None,
                public_url=environ.get("GATEWAY_PUBLIC_URL") or None,
            ),
            "live": LiveSettings(
                max_queue=_int(environ, "GATEWAY_SUBSCRIBER_QUEUE", LiveSettings().max_queue, minimum=1),
                read_window_seconds=_float(environ, "GATEWAY_EVENT_READ_WINDOW", LiveSettings().read_window_seconds),
                keep_alive_seconds=_float(environ, "GATEWAY_WS_PING_INTERVAL", LiveSettings().keep_alive_seconds),
            ),
            "redis": RedisSettings(
                url=environ.get("GATEWAY_REDIS_URL") or None,
                key_secret=environ.get("GATEWAY_REDIS_KEY_SECRET") or None,
                prefix=environ.get("GATEWAY_REDIS_PREFIX") or RedisSettings().prefix,
                timeout_seconds=_float(environ, "GATEWAY_REDIS_TIMEOUT", RedisSettings().timeout_seconds),
            ),
            "admission": _admission_from_env(environ),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def validate(self) -> None:
        """Refuse values the gateway cannot use, naming the setting (run on every construction)."""
        if not 0 < self.port < 65536:
            raise SettingsError(f"GATEWAY_PORT / --port must be 1-65535, got {self.port}")
        if self.upstream_url is not None:
            parts = urlsplit(self.upstream_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise SettingsError(
                    "PIPEDRIVE_BASE_URL / --upstream must be an http(s) URL such as "
                    "https://yourcompany.pipedrive.com/api"
                )
            if parts.query or "api_token" in self.upstream_url:
                raise SettingsError(
                    "PIPEDRIVE_BASE_URL / --upstream must not carry a query string: "
                    "put the token in PIPEDRIVE_API_TOKEN"
                )
        if self.api_version not in get_args(ApiMode):
            raise SettingsError(
                f"PIPEDRIVE_API_VERSION / --api-version must be auto, v1 or v2, got {self.api_version!r}"
            )
        if self.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(f"GATEWAY_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {self.log_level!r}")
        _validate_webhooks(self.webhooks)
        _validate_redis(self.redis)
        _validate_admission(self.admission)


def _validate_admission(admission: AdmissionSettings) -> None:
    if not 1 <= admission.min_limit <= admission.initial_limit:
        raise SettingsError(f"the admission's limits must be 1 <= min <= initial, got {admission}")
    if admission.max_limit < admission.min_limit:
        raise SettingsError(
            f"GATEWAY_MAX_OPERATIONS_IN_FLIGHT must be at least {admission.min_limit}, got {admission.max_limit}"
        )


def _validate_redis(redis: RedisSettings) -> None:
    if redis.url is not None:
        parts = urlsplit(redis.url)
        if parts.scheme not in ("redis", "rediss", "unix") or not (parts.netloc or parts.path):
            raise SettingsError(
                "GATEWAY_REDIS_URL must be a Redis URL such as redis://127.0.0.1:6379/0 (rediss:// for TLS, "
                "unix:///path/to/socket)"
            )
    if not REDIS_PREFIX.fullmatch(redis.prefix):
        raise SettingsError(f"GATEWAY_REDIS_PREFIX must be 1-64 letters, digits, '_', '.' or '-', got {redis.prefix!r}")
    if redis.key_secret is not None and len(redis.key_secret) < 16:
        raise SettingsError("GATEWAY_REDIS_KEY_SECRET must be at least 16 characters")


def _validate_webhooks(webhooks: WebhookSettings) -> None:
    if bool(webhooks.user) != bool(webhooks.password):
        raise SettingsError("GATEWAY_WEBHOOK_USER and GATEWAY_WEBHOOK_PASSWORD must be set together")
    if webhooks.user is not None and ":" in webhooks.user:
        raise SettingsError(
            "GATEWAY_WEBHOOK_USER must not contain ':' (HTTP Basic auth separates it from the password)"
        )
    if webhooks.public_url is None:
        return
    parts = urlsplit(webhooks.public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or parts.username:
        raise SettingsError(
            "GATEWAY_PUBLIC_URL must be the gateway's public http(s) base URL, such as https://gateway.example.com "
            "(no query, no credentials)"
        )
    if not webhooks.configured:
        raise SettingsError(
            "GATEWAY_PUBLIC_URL needs GATEWAY_WEBHOOK_USER and GATEWAY_WEBHOOK_PASSWORD: "
            "the webhook the gateway registers upstream authenticates with them"
        )


def _timeouts_from_env(environ: Mapping[str, str]) -> Timeouts:
    d = Timeouts()
    return Timeouts(
        connect=_float(environ, "GATEWAY_CONNECT_TIMEOUT", d.connect),
        read=_float(environ, "GATEWAY_READ_TIMEOUT", d.read),
        write=_float(environ, "GATEWAY_WRITE_TIMEOUT", d.write),
    )


def _admission_from_env(environ: Mapping[str, str]) -> AdmissionSettings:
    d = AdmissionSettings()
    return AdmissionSettings(
        enabled=_bool(environ, "GATEWAY_ADMISSION", d.enabled),
        target_lag_seconds=_float(environ, "GATEWAY_ADMISSION_TARGET_LAG", d.target_lag_seconds),
        max_wait_seconds=_float(environ, "GATEWAY_ADMISSION_MAX_WAIT", d.max_wait_seconds),
        max_limit=_int(environ, "GATEWAY_MAX_OPERATIONS_IN_FLIGHT", d.max_limit),
    )


def _limits_from_env(environ: Mapping[str, str]) -> QueryLimits:
    """Every cap is at least 1: a cap of 0 would refuse every request."""
    d = QueryLimits()
    return QueryLimits(
        max_depth=_int(environ, "GATEWAY_MAX_DEPTH", d.max_depth, minimum=1),
        max_aliases=_int(environ, "GATEWAY_MAX_ALIASES", d.max_aliases, minimum=1),
        max_tokens=_int(environ, "GATEWAY_MAX_TOKENS", d.max_tokens, minimum=1),
        max_body_bytes=_int(environ, "GATEWAY_MAX_BODY_BYTES", d.max_body_bytes, minimum=1),
        max_node_cost=_int(environ, "GATEWAY_MAX_NODE_COST", d.max_node_cost, minimum=1),
        max_scan_pages=_int(environ, "GATEWAY_MAX_SCAN_PAGES", d.max_scan_pages, minimum=1),
    )


def _int(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _tracing(environ: Mapping[str, str]) -> bool:
    """GATEWAY_TRACING decides; unset, tracing is on when an OTLP endpoint is configured."""
    configured = bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
    return _bool(environ, "GATEWAY_TRACING", configured)


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())
