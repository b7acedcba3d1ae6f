"""The records options contribute to the slots the host files loop over."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    """A vertical slice of the example application (its router, service, models ...)."""

    name: str
    layers: tuple[str, ...]


@dataclass(frozen=True)
class Health:
    """How a server's container says it is ready."""

    command: tuple[str, ...]  # compose's healthcheck, the argv after "CMD"
    ci_command: str  # the CI service container's --health-cmd
    interval_seconds: int
    timeout_seconds: int
    retries: int = 10
    start_period_seconds: int = 0  # 0: none


@dataclass(frozen=True)
class Service:
    """A server the project needs running: a compose service and a CI service container.

    ``name`` is the compose service, the host name the application reaches it by;
    ``ci_alias`` the CI service's (GitLab's host name for it).
    """

    name: str
    server: str  # what people call it: "PostgreSQL"
    image: str
    port: int
    volume: str  # the named volume that keeps its data across restarts ...
    data_dir: str  # ... mounted here
    health: Health
    ci_alias: str
    # The setting the application containers read its URL from, and compose's value.
    app_setting: str
    app_url: str
    # The setting the tests read its URL from, and the URL, with "{host}" for the host.
    test_setting: str
    test_url: str
    # The application's processes that talk to it (compose starts them once it is healthy).
    used_by: tuple[str, ...] = ("web", "worker", "scheduler")
    comment: str = ""  # compose's comment above the service
    environment: tuple[tuple[str, str], ...] = ()  # compose's environment of the server
    command: tuple[str, ...] = ()  # compose's command; () keeps the image's
    ci_comment: str = ""
    ci_variables: tuple[tuple[str, str], ...] = ()

    def test_url_at(self, host: str) -> str:
        """The tests' URL of this server when it answers at ``host``."""
        return self.test_url.format(host=host)

    def test_url_in_compose(self) -> str:
        """The tests' URL from a container beside compose's server: its service name, and
        the application's login (compose's server asks for it where CI's trusts anyone)."""
        url = self.test_url_at(self.name)
        login = self.app_url.partition("://")[2].rpartition("@")[0]
        if not login or "@" not in url:
            return url
        scheme, _, rest = url.partition("://")
        return f"{scheme}://{login}@{rest.partition('@')[2]}"


@dataclass(frozen=True)
class Setting:
    """A setting an option adds to the project's settings module, read from the environment.

    FastAPI and Flask declare it as a field of the pydantic ``Settings`` class, Django as a
    constant of its settings module; ``comment`` is the same lines above it in both. Its
    line in .env.example and the README's table is the option's ``env_vars`` record.
    """

    name: str  # the environment variable, and Django's constant
    annotation: str  # the pydantic field's type
    default: str  # the pydantic field's default, as Python source
    django: str  # the expression Django's settings module assigns, as Python source
    comment: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", self.name):
            msg = f"setting {self.name!r}: an environment variable's name, in capitals"
            raise ValueError(msg)

    @property
    def field(self) -> str:
        """The pydantic field's name."""
        return self.name.lower()


@dataclass(frozen=True)
class Process:
    """A process of the application's image beside the web server (a compose service).

    A one-shot process (the migrations) runs to completion before the web server
    starts; the others run beside it, restarted when they die, and are healthy while
    ``check`` exits 0. Each waits for the servers whose ``used_by`` names it.
    """

    name: str
    comment: str
    command: tuple[str, ...]
    one_shot: bool = False
    check: tuple[str, ...] = ()  # the healthcheck's argv after "CMD"; one-shot: none

    def __post_init__(self) -> None:
        if bool(self.check) == self.one_shot:
            msg = f"process {self.name!r}: a healthcheck if and only if it keeps running"
            raise ValueError(msg)


@dataclass(frozen=True)
class CiTarget:
    """A Makefile target beyond ``make check`` that CI runs after it, in the same job."""

    target: str
    help: str  # the Makefile's help text
    command: str
    why: str  # the CI step's comment
    report: str  # the JUnit report GitLab collects: report*.xml

    def __post_init__(self) -> None:
        if not re.fullmatch(r"report[\w.-]*\.xml", self.report):
            msg = f"{self.target}: GitLab collects report*.xml, not {self.report!r}"
            raise ValueError(msg)
