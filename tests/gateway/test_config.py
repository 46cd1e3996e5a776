"""Settings: read once from the environment, flags win, and a bad value names its setting."""

from __future__ import annotations

import pytest

from gateway.__main__ import main
from gateway.config import DEFAULT_SANDBOX_DB, Settings, SettingsError


def test_defaults_run_on_the_embedded_sandbox() -> None:
    settings = Settings.from_env({})
    assert (settings.host, settings.port, settings.upstream_url, settings.api_token) == ("127.0.0.1", 8000, None, None)
    assert settings.uses_sandbox and settings.sandbox_db == DEFAULT_SANDBOX_DB
    assert settings.limits.max_depth == 10 and settings.limits.max_aliases == 100


def test_environment_is_read_and_flags_win() -> None:
    environ = {
        "GATEWAY_HOST": "127.0.0.2",
        "GATEWAY_PORT": "9000",
        "PIPEDRIVE_BASE_URL": "https://acme.pipedrive.com/api",
        "PIPEDRIVE_API_TOKEN": "t0k",
        "GATEWAY_READ_TIMEOUT": "3.5",
        "GATEWAY_WRITE_TIMEOUT": "7",
        "GATEWAY_MAX_DEPTH": "4",
        "GATEWAY_CORS_ORIGINS": "https://a.test, https://b.test",
    }
    settings = Settings.from_env(environ, port=9100, host=None)
    assert (settings.host, settings.port) == ("127.0.0.2", 9100)
    assert settings.upstream_url == "https://acme.pipedrive.com/api" and not settings.uses_sandbox
    assert (settings.timeouts.read, settings.timeouts.write) == (3.5, 7.0)
    assert settings.limits.max_depth == 4
    assert settings.cors_origins == ("https://a.test", "https://b.test")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"GATEWAY_PORT": "http"}, "GATEWAY_PORT"),
        ({"GATEWAY_PORT": "70000"}, "GATEWAY_PORT"),
        ({"GATEWAY_READ_TIMEOUT": "-1"}, "GATEWAY_READ_TIMEOUT"),
        ({"GATEWAY_MAX_DEPTH": "0"}, "GATEWAY_MAX_DEPTH"),
        ({"GATEWAY_MAX_ALIASES": "many"}, "GATEWAY_MAX_ALIASES"),
        ({"PIPEDRIVE_BASE_URL": "acme.pipedrive.com"}, "PIPEDRIVE_BASE_URL"),
        ({"PIPEDRIVE_BASE_URL": "https://acme.pipedrive.com/api?api_token=x"}, "PIPEDRIVE_BASE_URL"),
        ({"GATEWAY_LOG_LEVEL": "chatty"}, "GATEWAY_LOG_LEVEL"),
        ({"GATEWAY_REDIS_URL": "http://127.0.0.1:6379/0"}, "GATEWAY_REDIS_URL"),
        ({"GATEWAY_REDIS_URL": "redis://127.0.0.1:6379/0", "GATEWAY_REDIS_PREFIX": "gw:*"}, "GATEWAY_REDIS_PREFIX"),
        ({"GATEWAY_REDIS_KEY_SECRET": "short"}, "GATEWAY_REDIS_KEY_SECRET"),
        ({"GATEWAY_REDIS_TIMEOUT": "0"}, "GATEWAY_REDIS_TIMEOUT"),
    ],
)
def test_a_bad_value_names_its_setting(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(environ)


def test_redis_settings_are_read_and_their_secrets_never_shown() -> None:
    environ = {
        "GATEWAY_REDIS_URL": "redis://:s3cret-password@127.0.0.1:6380/2",
        "GATEWAY_REDIS_KEY_SECRET": "a-deployment-secret-of-some-length",
        "GATEWAY_REDIS_PREFIX": "gw-eu",
        "GATEWAY_REDIS_TIMEOUT": "0.05",
    }
    settings = Settings.from_env(environ)
    assert settings.redis.configured and (settings.redis.prefix, settings.redis.timeout_seconds) == ("gw-eu", 0.05)
    assert "s3cret" not in repr(settings) and "deployment-secret" not in repr(settings)
    assert not Settings.from_env({}).redis.configured


def test_settings_built_directly_are_checked_too() -> None:
    with pytest.raises(SettingsError, match="GATEWAY_PORT"):
        Settings(port=0)
    with pytest.raises(SettingsError, match="PIPEDRIVE_BASE_URL"):
        Settings().replace(upstream_url="ftp://nowhere")


def test_the_command_line_reports_a_bad_setting_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PIPEDRIVE_BASE_URL", "ftp://nowhere")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gateway: PIPEDRIVE_BASE_URL") and "Traceback" not in err
