"""Settings: ENVIRONMENT picks the module; production refuses a weak secret and is deployable.

A refused setting names itself in the error, never its value.
"""

import importlib
import inspect
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from acme_orders.config.environment import use_environment_settings
from acme_orders.config.settings.base import (
    LOG_LEVELS,
    database_settings,
    database_url,
    env_bool,
    env_choice,
    env_int,
    env_json_list,
    env_list,
    env_seconds,
)
from tests.conftest import PROJECT_ROOT

BASE_SETTINGS = "acme_orders.config.settings.base"
PRODUCTION_SETTINGS = "acme_orders.config.settings.prod"
ENVIRONMENT_MODULE = "acme_orders.config.environment"


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No ENVIRONMENT, no DJANGO_SETTINGS_MODULE and no .env file; all restored afterwards."""
    for name in ("ENVIRONMENT", "DJANGO_SETTINGS_MODULE"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setattr(f"{ENVIRONMENT_MODULE}.DOTENV_PATH", tmp_path / ".env")
    return monkeypatch


def base_settings() -> dict[str, Any]:
    """The base settings module, run afresh: it reads the environment again."""
    return runpy.run_path(inspect.getfile(importlib.import_module(BASE_SETTINGS)))


def production_settings(
    monkeypatch: pytest.MonkeyPatch, secret_key: str, allowed_hosts: str = "app.example.com"
) -> dict[str, Any]:
    """The production settings module, run afresh with this SECRET_KEY and ALLOWED_HOSTS."""
    monkeypatch.setenv("SECRET_KEY", secret_key)
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    return runpy.run_module(PRODUCTION_SETTINGS)


@pytest.mark.parametrize(
    ("environment", "module"),
    [
        ("development", "acme_orders.config.settings.dev"),
        ("test", "acme_orders.config.settings.test"),
        ("production", PRODUCTION_SETTINGS),
    ],
)
def test_environment_picks_the_settings(
    clean_environment: pytest.MonkeyPatch, environment: str, module: str
) -> None:
    clean_environment.setenv("ENVIRONMENT", environment)

    use_environment_settings()

    assert os.environ["DJANGO_SETTINGS_MODULE"] == module


def test_development_is_the_default(clean_environment: pytest.MonkeyPatch) -> None:
    use_environment_settings()

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "acme_orders.config.settings.dev"


def test_a_dotenv_file_fills_in_unset_variables(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("ENVIRONMENT=production\n")

    use_environment_settings()

    assert os.environ["DJANGO_SETTINGS_MODULE"] == PRODUCTION_SETTINGS


def test_an_unknown_environment_is_refused(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("ENVIRONMENT", "staging")

    with pytest.raises(ImproperlyConfigured, match="ENVIRONMENT") as refused:
        use_environment_settings()

    assert "staging" not in str(refused.value)


@pytest.mark.parametrize("secret_key", ["", "change-me", "too-short"])
def test_production_refuses_a_weak_secret(monkeypatch: pytest.MonkeyPatch, secret_key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        production_settings(monkeypatch, secret_key)


@pytest.mark.parametrize("allowed_hosts", ["", " , "])
def test_production_refuses_to_answer_any_host(
    monkeypatch: pytest.MonkeyPatch, allowed_hosts: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        production_settings(monkeypatch, secrets.token_urlsafe(48), allowed_hosts)


def test_production_is_https_only(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = production_settings(monkeypatch, secrets.token_urlsafe(48))

    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings["SECURE_REDIRECT_EXEMPT"] == [r"^health/", r"^metrics$"]
    # Strict-Transport-Security: max-age=31536000 on every HTTPS response.
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert settings["LOGGING"]["json"] is True


@pytest.mark.parametrize(("docs_enabled", "browsable"), [(None, False), ("true", True)])
def test_production_serves_the_browsable_api_only_with_the_docs_on(
    monkeypatch: pytest.MonkeyPatch, docs_enabled: str | None, browsable: bool
) -> None:
    if docs_enabled is None:
        monkeypatch.delenv("DOCS_ENABLED", raising=False)
    else:
        monkeypatch.setenv("DOCS_ENABLED", docs_enabled)

    settings = production_settings(monkeypatch, secrets.token_urlsafe(48))

    renderers = settings["REST_FRAMEWORK"]["DEFAULT_RENDERER_CLASSES"]
    assert renderers[0] == "rest_framework.renderers.JSONRenderer"
    assert ("rest_framework.renderers.BrowsableAPIRenderer" in renderers) is browsable
    assert settings["DOCS_ENABLED"] is browsable


def test_development_shows_debug_pages() -> None:
    settings = runpy.run_module("acme_orders.config.settings.dev")

    assert settings["DEBUG"] is True


@pytest.mark.parametrize(
    "url", ["mysql://app:s3cret@db.internal/app", "sqlite+aiosqlite://app:s3cret@db.internal/app"]
)
def test_a_database_url_for_another_database_is_refused_without_its_password(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    # Such as an .env copied before the database answer changed.
    monkeypatch.setenv("DATABASE_URL", url)

    with pytest.raises(ImproperlyConfigured) as refused:
        database_url()

    message = str(refused.value)
    assert 'but this project is built for "postgresql"' in message
    assert url.split("://")[0] in message
    assert "s3cret" not in message


def test_the_database_is_pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "7")

    database = database_settings("postgresql://app:secret@db.internal:6543/orders?sslmode=require")

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 6543, "orders")
    # Pooled connections are checked before use, and go back to the pool after each request.
    assert (database["CONN_HEALTH_CHECKS"], database["CONN_MAX_AGE"]) == (True, 0)
    assert database["OPTIONS"]["sslmode"] == "require"
    assert database["OPTIONS"]["pool"]["min_size"] == 3
    assert database["OPTIONS"]["pool"]["max_size"] == 10


def production_environment() -> dict[str, str]:
    """The environment of a production server: this one's, with production's settings."""
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    return environment | {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "app.example.com",
        "DATABASE_URL": "postgresql://app:secret@db.internal:5432/acme_orders",
    }


def test_production_passes_the_deployment_checks() -> None:
    environment = production_environment()
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]

    result = subprocess.run(  # noqa: S603 - the project's own manage.py
        command, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("SECRET_KEY", "s3cret-but-far-too-short"), ("MAX_REQUEST_BODY_BYTES", "s3cret-limit")],
)
def test_a_refused_start_up_names_the_setting_but_not_its_value(name: str, value: str) -> None:
    environment = production_environment() | {name: value}
    command = [sys.executable, "manage.py", "check"]

    result = subprocess.run(  # noqa: S603 - the project's own manage.py
        command, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert name in result.stderr
    assert value not in result.stdout + result.stderr


def test_lists_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "api.example.com, www.example.com")
    monkeypatch.setenv("READINESS_URLS", '["https://payments.example.com/health"]')

    assert env_list("ALLOWED_HOSTS") == ["api.example.com", "www.example.com"]
    assert env_json_list("READINESS_URLS") == ["https://payments.example.com/health"]


@pytest.mark.parametrize("value", ['"https://payments.example.com/health"', "https://s3cret"])
def test_a_malformed_json_list_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("READINESS_URLS", value)

    with pytest.raises(ImproperlyConfigured, match="READINESS_URLS") as refused:
        env_json_list("READINESS_URLS")

    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("0", False), ("On", True)])
def test_flags_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("LOG_JSON", value)

    assert env_bool("LOG_JSON", default=not expected) is expected


def test_job_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBS_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("JOBS_BACKOFF_SECONDS", "0.5")
    monkeypatch.delenv("JOBS_STALE_AFTER_SECONDS", raising=False)

    assert env_int("JOBS_MAX_ATTEMPTS", 5, minimum=1) == 3
    assert env_seconds("JOBS_BACKOFF_SECONDS", 2.0) == 0.5
    assert env_seconds("JOBS_STALE_AFTER_SECONDS", 3600) == 3600


@pytest.mark.parametrize(("value", "limit"), [(None, 1_048_576), ("2048", 2048)])
def test_the_request_body_limit_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, limit: int
) -> None:
    if value is None:
        monkeypatch.delenv("MAX_REQUEST_BODY_BYTES", raising=False)
    else:
        monkeypatch.setenv("MAX_REQUEST_BODY_BYTES", value)

    settings = base_settings()

    assert settings["DATA_UPLOAD_MAX_MEMORY_SIZE"] == limit


@pytest.mark.parametrize("value", ["0", "-1", "many", "1.5"])
def test_whole_numbers_must_be_whole_and_large_enough(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("MAX_REQUEST_BODY_BYTES", value)

    with pytest.raises(ImproperlyConfigured, match="MAX_REQUEST_BODY_BYTES") as refused:
        env_int("MAX_REQUEST_BODY_BYTES", 1_048_576, minimum=1)

    assert value not in str(refused.value)


@pytest.mark.parametrize("value", ["0", "-2", "soon", "inf", "nan"])
def test_seconds_must_be_positive(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("HTTP_TIMEOUT_SECONDS", value)

    with pytest.raises(ImproperlyConfigured, match="HTTP_TIMEOUT_SECONDS") as refused:
        env_seconds("HTTP_TIMEOUT_SECONDS", 5)

    assert value not in str(refused.value)


@pytest.mark.parametrize("value", ["LOUD", "info"])
def test_a_choice_must_be_one_of_the_choices(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LOG_LEVEL", value)

    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL") as refused:
        env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)

    assert value not in str(refused.value)


def test_the_database_timeouts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT_SECONDS", "3")
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("DATABASE_POOL_TIMEOUT_SECONDS", "1.5")

    settings = base_settings()

    options = settings["DATABASES"]["default"]["OPTIONS"]
    assert options["connect_timeout"] == 3
    assert options["options"] == "-c statement_timeout=2500"
    assert options["pool"]["timeout"] == 1.5


def test_the_server_entry_point_loads(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("DJANGO_SETTINGS_MODULE", "acme_orders.config.settings.test")

    module = importlib.import_module("acme_orders.config.wsgi")

    assert callable(module.application)


def test_manage_py_runs_commands(
    clean_environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_environment.setenv("DJANGO_SETTINGS_MODULE", "acme_orders.config.settings.test")
    clean_environment.setattr(sys, "argv", ["manage.py", "check"])
    manage = importlib.import_module("manage")

    manage.main()

    assert "no issues" in capsys.readouterr().out
