"""Safe defaults, and production settings that refuse to start without a secret and hosts."""

import pytest
from pydantic import SecretStr, ValidationError

from app.settings import DATABASE_DRIVER, LOCAL_HOSTS, Settings

SECRET = SecretStr("x" * 48)
HOSTS = ["api.example.com"]


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=SecretStr("change-me"))


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=SecretStr("too-short"))


def test_production_accepts_a_long_random_secret() -> None:
    settings = Settings(environment="production", secret_key=SECRET, allowed_hosts=HOSTS)

    assert settings.secret_key.get_secret_value() == "x" * 48


def test_production_refuses_to_start_without_its_host_names() -> None:
    with pytest.raises(ValidationError, match="ALLOWED_HOSTS"):
        Settings(environment="production", secret_key=SECRET)


def test_production_hides_the_api_docs() -> None:
    settings = Settings(environment="production", secret_key=SECRET, allowed_hosts=HOSTS)

    assert settings.docs_enabled is False


def test_development_serves_localhost_and_the_api_docs() -> None:
    settings = Settings(environment="development")

    assert settings.allowed_hosts == list(LOCAL_HOSTS)
    assert settings.docs_enabled is True


def test_hosts_and_docs_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", SECRET.get_secret_value())
    monkeypatch.setenv("ALLOWED_HOSTS", "api.example.com,www.example.com")
    monkeypatch.setenv("DOCS_ENABLED", "true")

    settings = Settings()

    assert settings.allowed_hosts == ["api.example.com", "www.example.com"]
    assert settings.docs_enabled is True


def test_allowed_hosts_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " api.example.com , .example.org,, ")

    assert Settings().allowed_hosts == ["api.example.com", ".example.org"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", "hunter2"),
        ("MAX_REQUEST_BODY_BYTES", "hunter2"),
        ("LOG_LEVEL", "hunter2"),
    ],
)
def test_a_refused_start_up_names_the_setting_never_its_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", SECRET.get_secret_value())
    monkeypatch.setenv("ALLOWED_HOSTS", "api.example.com")
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError) as refused:
        Settings()

    message = str(refused.value)
    assert name.lower() in message.lower()
    assert value not in message


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    assert Settings().log_level == "WARNING"


def test_a_database_url_for_another_driver_is_refused_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Such as an .env copied before the database or concurrency answer changed.
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://app:s3cret@db.internal/app")

    with pytest.raises(ValidationError) as refused:
        Settings()

    message = str(refused.value)
    assert (
        'DATABASE_URL uses the driver "mysql+pymysql", '
        'but this project is built for "sqlite+aiosqlite"'
    ) in message
    assert "s3cret" not in message


def test_a_database_url_without_a_driver_gets_the_installed_one() -> None:
    dialect = DATABASE_DRIVER.partition("+")[0]

    settings = Settings(database_url=f"{dialect}://app@db.internal/app")

    assert settings.database_url == f"{DATABASE_DRIVER}://app@db.internal/app"
