"""Production settings refuse to start without a real secret or its host names, and say so
without printing a value."""

import pytest
from pydantic import SecretStr, ValidationError

from settings import DATABASE_DRIVER, Settings, get_settings


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=SecretStr("change-me"))


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=SecretStr("too-short"))


def test_production_accepts_a_long_random_secret() -> None:
    settings = Settings(
        environment="production", secret_key=SecretStr("x" * 48), allowed_hosts=["api.example.com"]
    )

    assert settings.secret_key.get_secret_value() == "x" * 48


def test_production_has_no_default_allowed_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)

    with pytest.raises(ValidationError, match="ALLOWED_HOSTS"):
        Settings(environment="production", secret_key=SecretStr("x" * 48), _env_file=None)


def test_production_refuses_an_empty_allowed_hosts() -> None:
    with pytest.raises(ValidationError, match="ALLOWED_HOSTS"):
        Settings(environment="production", secret_key=SecretStr("x" * 48), allowed_hosts=[])


def test_allowed_hosts_default_to_local_names_outside_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)

    assert Settings(_env_file=None).allowed_hosts == ["localhost", "127.0.0.1", "testserver"]


def test_allowed_hosts_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " api.example.com , .example.org,, ")

    assert Settings().allowed_hosts == ["api.example.com", ".example.org"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("SECRET_KEY", "short-but-s3cret"), ("MAX_REQUEST_BODY_BYTES", "s3cret-not-a-number")],
)
def test_a_refused_start_up_names_the_setting_never_its_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
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
        'but this project is built for "sqlite+pysqlite"'
    ) in message
    assert "s3cret" not in message


def test_a_database_url_without_a_driver_gets_the_installed_one() -> None:
    dialect = DATABASE_DRIVER.partition("+")[0]

    settings = Settings(database_url=f"{dialect}://app@db.internal/app")

    assert settings.database_url == f"{DATABASE_DRIVER}://app@db.internal/app"


def test_the_process_reads_its_settings_once(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)

    assert get_settings().log_level == "ERROR"
    assert get_settings() is get_settings()


def test_docs_are_enabled_outside_production() -> None:
    assert Settings(_env_file=None).docs_enabled is True


def test_docs_are_disabled_in_production() -> None:
    settings = Settings(
        environment="production", secret_key=SecretStr("x" * 48), allowed_hosts=["api.example.com"]
    )

    assert settings.docs_enabled is False


def test_production_may_enable_the_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCS_ENABLED", "true")
    settings = Settings(
        environment="production", secret_key=SecretStr("x" * 48), allowed_hosts=["api.example.com"]
    )

    assert settings.docs_enabled is True
