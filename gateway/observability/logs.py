"""Structured logs: one JSON object a line, each with the request id, and no token ever written.

`logging_config(settings)` is the `dictConfig` that `gateway serve` hands to uvicorn (so every worker
process sets it up the same way): the root logger and uvicorn's loggers write through one handler whose
filters stamp the current request id (`bind_request_id`, set by the request middleware) and scrub
anything token-like (`RedactingFilter`), and whose formatter writes JSON (`JsonFormatter`). Fields
passed with `extra=` become top-level keys of the line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import orjson

from gateway.config import Settings

REDACTED = "[REDACTED]"

_request_id: ContextVar[str | None] = ContextVar("gateway_request_id", default=None)

# A header or parameter name that carries a secret, then its value (in `k: v`, `k=v`, `"k": "v"` or a
# `(b'k', b'v')` header tuple); a Bearer credential anywhere; a bare 40-hex string (a Pipedrive API token).
_NAMED_SECRET = re.compile(
    r"(?i)((?:x-api-token|authorization|api_token|access_token|refresh_token|client_secret)"
    r"['\"]?\s*[:=,]\s*(?:b(?=['\"]))?['\"]?(?:bearer\s+|basic\s+)?)([^\s'\",;&}\]\)]+)"
)
_BEARER = re.compile(r"(?i)(\bbearer\s+)([A-Za-z0-9._~+/=-]+)")
_HEX_TOKEN = re.compile(r"\b[0-9a-fA-F]{40}\b")
# Whatever any of the three needs to match: most texts have none of it, and one search is a third of
# the three substitutions (two lines a request go through this).
_MAY_HOLD_A_TOKEN = re.compile(
    r"(?i)x-api-token|authorization|api_token|access_token|refresh_token|client_secret|bearer|[0-9a-f]{40}"
)

# LogRecord's own attributes; anything else on a record came from `extra=` and is written as a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}


@contextlib.contextmanager
def bind_request_id(request_id: str) -> Iterator[None]:
    """Stamp `request_id` on every log line written while handling one request."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def current_request_id() -> str | None:
    return _request_id.get()


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with token-like values and the given secrets replaced by `[REDACTED]`."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    if _MAY_HOLD_A_TOKEN.search(text) is None:
        return text
    text = _NAMED_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    return _HEX_TOKEN.sub(REDACTED, text)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class RedactingFilter(logging.Filter):
    """Scrubs tokens from the message, the traceback and every string field of a record."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self._secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        fields = vars(record)
        for name in fields.keys() - _RECORD_ATTRIBUTES:
            value = fields[name]
            if isinstance(value, str):
                fields[name] = redact(value, self._secrets)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, then the `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        try:
            return orjson.dumps(line, default=str).decode()
        except orjson.JSONEncodeError:  # what orjson refuses (an int past 64 bits) the standard library writes
            return json.dumps(line, default=str, ensure_ascii=False)


def logging_config(settings: Settings) -> dict[str, Any]:
    """The `logging.config.dictConfig` of `gateway serve`, uvicorn's loggers included."""
    handler = ["json"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "redact": {"()": RedactingFilter, "secrets": [settings.api_token] if settings.api_token else []},
        },
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
                "filters": ["request_id", "redact"],
            },
        },
        "root": {"level": settings.log_level, "handlers": handler},
        "loggers": {
            "uvicorn": {"level": settings.log_level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": settings.log_level, "handlers": [], "propagate": True},
            # The request middleware writes the access line (with the request id and duration).
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            # One line per upstream request is what /metrics and the operation line already count.
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
            # Strawberry logs every error of a result, expected ones (BAD_USER_INPUT) included, with a
            # traceback; `gateway.errors` already logs the unexpected ones in full, and only those.
            "strawberry.execution": {"level": "CRITICAL"},
        },
    }


access_logger = logging.getLogger("gateway.access")
# Probes, scrapes and static files are logged at DEBUG so they do not drown the GraphQL traffic.
_QUIET_PATHS = ("/healthz", "/readyz", "/metrics", "/graphql/static/")


def log_access(method: str, path: str, status: int, seconds: float) -> None:
    """The access line of one HTTP request (the path only: a query string may carry anything)."""
    level = logging.DEBUG if path.startswith(_QUIET_PATHS) else logging.INFO
    access_logger.log(
        level,
        "%s %s %d",
        method,
        path,
        status,
        extra={"method": method, "path": path, "status": status, "duration_ms": round(seconds * 1000, 2)},
    )
