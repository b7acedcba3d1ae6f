"""Application settings, read from the environment (and a local ``.env`` file)."""

import re
from functools import lru_cache
from typing import Annotated, Any, Literal, Self

from fastapi import Request
from pydantic import AnyHttpUrl, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The placeholder shipped in .env.example; production refuses to start with it.
PLACEHOLDER_SECRET_KEY = "change-me"  # noqa: S105
MIN_SECRET_KEY_LENGTH = 32
# The Host headers a development or test server answers to (the test clients send "testserver").
LOCAL_HOSTS = ("localhost", "127.0.0.1", "testserver")
# The SQLAlchemy dialect and driver this project installs, as DATABASE_URL names them.
DATABASE_DRIVER = "postgresql+asyncpg"
URL_SCHEME = re.compile(r"([\w+]+)://")


def _local_hosts_outside_production(data: dict[str, Any]) -> list[str]:
    return [] if data.get("environment") == "production" else list(LOCAL_HOSTS)


def _outside_production(data: dict[str, Any]) -> bool:
    return data.get("environment") != "production"


class Settings(BaseSettings):
    """Every setting has a safe development default; production needs a secret and host names."""

    # Errors name the setting, never its value: a URL may hold a password.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    app_name: str = "Acme Orders"
    environment: Literal["development", "test", "production"] = "development"
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET_KEY)
    # Host names served besides loopback, comma-separated (api.example.com,www.example.com);
    # production has no default.
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=_local_hosts_outside_production
    )
    # The interactive API docs and the OpenAPI schema: off in production unless enabled here.
    docs_enabled: bool = Field(default_factory=_outside_production)
    # A larger request body is refused with 413.
    max_request_body_bytes: int = Field(default=1_048_576, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = False
    database_url: str = "postgresql+asyncpg://postgres:postgres@localhost:5432/acme_orders"
    # Connections kept open per process, and how many more a burst may open.
    database_pool_size: int = Field(default=5, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    # How long to wait, in seconds, for a new connection ...
    database_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    # ... for one statement (asyncpg's command_timeout: a frozen connection too) ...
    database_statement_timeout_seconds: float = Field(default=15.0, gt=0)
    # ... and for a connection from the pool when every one is busy.
    database_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    http_timeout_seconds: float = Field(default=5.0, gt=0)
    readiness_urls: list[AnyHttpUrl] = Field(default_factory=list)
    # The task queue: Redis keeps the job records and carries the messages.
    redis_url: str = "redis://localhost:6379/0"
    # The jobs' namespace: the queue's name and the prefix of every Redis key they write.
    jobs_queue: str = Field(default="acme-orders", pattern=r"^[A-Za-z0-9_.-]+$")
    jobs_max_attempts: int = Field(default=5, ge=1)
    # Retry n waits JOBS_BACKOFF_SECONDS * 2**(n-1), at most five minutes.
    jobs_backoff_seconds: float = Field(default=2.0, gt=0)
    # Unfinished jobs nothing has moved for this many seconds are failed as expired.
    jobs_stale_after_seconds: float = Field(default=3600.0, gt=0)
    # The bearer token /metrics asks for; unset, /metrics answers 404.
    metrics_token: SecretStr | None = None

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_the_comma_separated_hosts(cls, hosts: object) -> object:
        """Read ALLOWED_HOSTS=api.example.com,www.example.com; a list given in code stays as is."""
        if isinstance(hosts, str):
            return [host.strip() for host in hosts.split(",") if host.strip()]
        return hosts

    @field_validator("database_url")
    @classmethod
    def _name_the_installed_driver(cls, url: str) -> str:
        """Refuse another database's or driver's URL, such as an .env older than the project.

        A URL that names no driver (postgresql://, as hosting platforms hand it out)
        gets the installed one: SQLAlchemy's own default for it may not be installed.
        """
        found = URL_SCHEME.match(url)
        scheme = found[1] if found else ""
        if scheme == DATABASE_DRIVER.partition("+")[0]:
            return DATABASE_DRIVER + url.removeprefix(scheme)
        if scheme != DATABASE_DRIVER:
            msg = (
                f'DATABASE_URL uses the driver "{scheme}", but this project is built for '
                f'"{DATABASE_DRIVER}"; update DATABASE_URL in .env (see .env.example)'
            )
            raise ValueError(msg)
        return url

    @model_validator(mode="after")
    def _require_a_real_secret_in_production(self) -> Self:
        secret = self.secret_key.get_secret_value()
        if self.environment == "production" and (
            secret == PLACEHOLDER_SECRET_KEY or len(secret) < MIN_SECRET_KEY_LENGTH
        ):
            msg = (
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
                "characters in production"
            )
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _require_allowed_hosts_in_production(self) -> Self:
        if self.environment == "production" and not self.allowed_hosts:
            msg = (
                "ALLOWED_HOSTS must list the host names this service answers to in production, "
                "comma-separated: ALLOWED_HOSTS=api.example.com"
            )
            raise ValueError(msg)
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def settings_from(request: Request) -> Settings:
    """The settings of the application serving this request."""
    settings: Settings = request.app.state.settings
    return settings
