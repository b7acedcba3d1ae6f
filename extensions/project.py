"""Ready-made facts about one generated project, computed once from its answers.

Template files read ``project.<fact>`` instead of re-deriving decisions in
Jinja: flags (``project.is_async``), keyword prefixes for code shared by the
async and sync variants (``project.async_`` renders ``"async "`` or ``""``),
paths and import names from the layout, and requirement strings from
``versions``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from . import decisions, docs, fw_django, fw_fastapi, fw_flask, options, queues, versions
from .runtime import Runtime

# The module that knows each framework's layout, dependencies and runtime.
FRAMEWORKS: dict[str, Any] = {"fastapi": fw_fastapi, "django": fw_django, "flask": fw_flask}

# Every answer that shapes the rendered tree: the identity questions, then the
# decision questions in the order the questionnaire asks them.
ANSWER_KEYS: tuple[str, ...] = (
    "project_name",
    "project_slug",
    "package_name",
    "python_version",
    *decisions.QUESTION_ORDER,
)

# How the generated docs run Copier: the template's Jinja extensions (extensions/) load
# only with copier-template-extensions installed beside Copier.
COPIER_COMMAND = "uvx --with copier-template-extensions copier"

ON = "."  # a group folder that renders to "." merges into its parent
OFF = ""  # a path part that renders empty makes Copier skip the file


@dataclass(frozen=True)
class Project:
    """What the template files need to know, already decided."""

    answers: Mapping[str, Any]
    layout: Any
    is_async: bool
    has_db: bool
    offload: str  # "process", "thread" or ""
    has_retries: bool
    features: tuple[str, ...]
    dependencies: tuple[str, ...]
    dev_dependencies: tuple[str, ...]
    on: Mapping[str, str]
    tools: Mapping[str, str]
    runtime: Runtime
    jobs: queues.Jobs | None = None

    @property
    def fw(self) -> Mapping[str, Any]:
        """Facts only the chosen framework's own templates read."""
        return self.runtime.facts

    @property
    def framework(self) -> str:
        return str(self.answers["framework"])

    @property
    def async_(self) -> str:
        return "async " if self.is_async else ""

    @property
    def await_(self) -> str:
        return "await " if self.is_async else ""

    @property
    def session_type(self) -> str:
        """The SQLAlchemy session class the project's code is typed with."""
        return "AsyncSession" if self.is_async else "Session"

    @property
    def session_import(self) -> str:
        if self.is_async:
            return "from sqlalchemy.ext.asyncio import AsyncSession"
        return "from sqlalchemy.orm import Session"

    @property
    def client_type(self) -> str:
        """The HTTP test client: httpx's AsyncClient, or Starlette's TestClient."""
        return "AsyncClient" if self.is_async else "TestClient"

    @property
    def client_import(self) -> str:
        if self.is_async:
            return "from httpx import AsyncClient"
        return "from fastapi.testclient import TestClient"

    @property
    def has_transient_statuses(self) -> bool:
        """Whether the HTTP module says which answers are worth sending again: its own
        retries read it, and so does the webhook delivery of the jobs."""
        return self.has_retries or self.jobs is not None

    @property
    def http_client_type(self) -> str:
        return "httpx.AsyncClient" if self.is_async else "httpx.Client"

    def imports(self, *specs: Any) -> str:
        """First-party ``from`` imports, in the order ruff's isort wants them.

        Each spec is ``(part, name, ...)``: the logical part (``"settings"``,
        ``"items_service"``) resolves to its module for this layout. Parts this
        project does not have are dropped, so a template can ask for optional
        imports without a Jinja ``if``.
        """
        lines = []
        for part, *names in specs:
            if not self.layout.path.get(part):
                continue
            module = self.layout.module[part]
            lines.append((module, sorted(names, key=_isort_name_key)))
        lines.sort(key=lambda pair: pair[0].lower())
        return "\n".join(_format_from_import(module, names) for module, names in lines)

    @property
    def copier(self) -> str:
        """The Copier command line the README and docs/decisions.md print."""
        return COPIER_COMMAND

    @property
    def stack(self) -> str:
        """The README's "Built with" phrase."""
        return docs.stack(self.answers)

    @property
    def browse(self) -> tuple[tuple[str, str], ...]:
        return (*docs.browse(self.answers), *options.browse(self))

    @property
    def migration_commands(self) -> tuple[tuple[str, str], ...]:
        return docs.migration_commands(self.answers)

    @property
    def env_vars(self) -> tuple[docs.EnvVar, ...]:
        # Django's `check --deploy` asks for a longer secret than the other settings do.
        secret_length = self.runtime.facts.get("secret_key_min_length", 32)
        return docs.env_vars(self.answers, secret_length, options.env_vars(self))

    @property
    def option_settings(self) -> tuple[tuple[options.Setting, ...], ...]:
        """The options' settings, one group per option, for the settings module."""
        return options.settings(self)

    @property
    def layers(self) -> str:
        return docs.layers(self.answers)

    @property
    def parts(self) -> tuple[tuple[str, str], ...]:
        return docs.parts(self.answers, self.layout.path)

    @property
    def add_feature_steps(self) -> tuple[str, ...]:
        return docs.add_feature_steps(self.answers, self.layout.path)

    @property
    def decision_records(self) -> list[dict[str, str]]:
        return decisions.decision_records(self.answers)

    @property
    def decision_inputs(self) -> list[str]:
        return decisions.decision_inputs(self.answers)

    @property
    def routers(self) -> tuple[tuple[str, str], ...]:
        """(part, alias) of every router the app includes, in inclusion order."""
        features = tuple(
            (f"{feature}_routes", f"{feature}_router")
            for feature in self.features
            if self.layout.path.get(f"{feature}_routes")
        )
        return (*features, *((part, f"{part}_router") for part in options.routers(self)))

    @property
    def middleware(self) -> tuple[tuple[str, str], ...]:
        """(part, class) of the middleware the options add to the app, outermost first."""
        return options.middleware(self)

    @property
    def quiet_routes(self) -> str:
        """The route templates whose healthy answers log at debug level, as a Python set:
        the probes, and the options' (a metrics scrape)."""
        routes = ("/health/live", "/health/ready", *(r for r, _ in options.quiet_routes(self)))
        return "{" + ", ".join(f'"{route}"' for route in routes) + "}"

    @property
    def option_quiet_routes(self) -> tuple[str, ...]:
        """The routes the options add that machines call every few seconds (a scrape)."""
        return tuple(route for route, _ in options.quiet_routes(self))

    @property
    def redirect_exempt(self) -> str:
        """Django's SECURE_REDIRECT_EXEMPT as a Python list: the probes, and the options'
        machine-called routes (a scrape from inside the network comes over plain HTTP)."""
        routes = [r"^health/", *(f"^{r.lstrip('/')}$" for r in self.option_quiet_routes)]
        return "[" + ", ".join(f'r"{route}"' for route in routes) + "]"

    @property
    def quiet_route_notes(self) -> tuple[str, ...]:
        """Why the options' quiet routes are quiet: a comment line each."""
        return tuple(why for _, why in options.quiet_routes(self))

    @property
    def app_imports(self) -> tuple[tuple[str, ...], ...]:
        """The ``imports`` specs of the app factory's routers or blueprints, and of what the
        options add to it (middleware, installers)."""
        routers = tuple(
            (part, f"router as {alias}")
            for part, alias in (self.routers if self.framework == "fastapi" else ())
        )
        blueprints = tuple(self.fw.get("blueprint_imports", ()))
        # A module's plain import before its aliased one, as ruff sorts them.
        return (*self.middleware, *self.installers, *routers, *blueprints)

    @property
    def url_modules(self) -> tuple[str, ...]:
        """The parts whose urlpatterns the URL configuration includes (Django)."""
        return options.url_modules(self)

    @property
    def installers(self) -> tuple[tuple[str, str], ...]:
        """(part, function) the app factory calls first with the app (Flask)."""
        return options.installers(self)

    @property
    def push_cleanup(self) -> str:
        """The AsyncExitStack method that registers a close function of this stack."""
        return "push_async_callback" if self.is_async else "callback"

    @property
    def http_close(self) -> str:
        return "aclose" if self.is_async else "close"

    @property
    def path(self) -> Mapping[str, str]:
        return self.layout.path

    @property
    def mod(self) -> Mapping[str, str]:
        return self.layout.module

    @property
    def uses_src(self) -> bool:
        return self.answers["project_size"] == "large"

    @property
    def coverage_source(self) -> tuple[str, ...]:
        if self.layout.root:
            return (self.layout.root,)
        return (".",)

    @property
    def docker_image(self) -> str:
        return f"python:{self.answers['python_version']}-slim-trixie"

    @property
    def uses_sqlite(self) -> bool:
        """The database is a file in data/ (volumes, writable folders, ...)."""
        return self.answers["database"] == "sqlite"

    @property
    def uses_postgresql(self) -> bool:
        return self.answers["database"] == "postgresql"

    @functools.cached_property
    def services(self) -> tuple[options.Service, ...]:
        """The servers the project needs running: the options' contributions, in order."""
        return options.services(self)

    @functools.cached_property
    def processes(self) -> tuple[options.Process, ...]:
        """The application's processes beside the web server (migrations, worker, ...)."""
        return options.processes(self)

    @functools.cached_property
    def ci_targets(self) -> tuple[options.CiTarget, ...]:
        """The Makefile targets CI runs after `make check` (the worker-kill test, ...)."""
        return options.ci_targets(self)

    @property
    def server_names(self) -> str:
        """The servers the project needs, as a sentence names them ("PostgreSQL and Redis")."""
        names = [service.server for service in self.services]
        return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))

    def services_for(self, process: str) -> tuple[options.Service, ...]:
        """The servers one of the application's processes (``"web"``, ...) talks to."""
        return tuple(service for service in self.services if process in service.used_by)

    @property
    def app_volumes(self) -> tuple[tuple[str, str], ...]:
        return options.app_volumes(self)

    @property
    def database_scheme(self) -> str:
        """The URL scheme (with the driver) of the application's DATABASE_URL."""
        return self.runtime.database_url.split("://", 1)[0]

    @property
    def database_driver(self) -> str:
        """SQLAlchemy's dialect+driver for DATABASE_URL, spelled out (a bare sqlite is pysqlite)."""
        scheme = self.database_scheme
        return f"{scheme}+pysqlite" if scheme == "sqlite" else scheme

    @property
    def postgres_image(self) -> str:
        return self.tools["postgres-image"]

    def postgres_url(self, host: str, database: str, password: str = "") -> str:
        """A DATABASE_URL for the PostgreSQL server at ``host`` (user ``postgres``)."""
        secret = f":{password}" if password else ""
        return f"{self.database_scheme}://postgres{secret}@{host}:5432/{database}"

    @property
    def database_url(self) -> str:
        return self.runtime.database_url

    # ------------------------------------------------------------ the task queue

    def setting(self, name: str) -> str:
        """How code reads a setting: ``settings.redis_url`` (Django: ``settings.REDIS_URL``)."""
        if self.framework == "django":
            return f"settings.{name.upper()}"
        return f"settings.{name}"

    @property
    def settings_boot_imports(self) -> tuple[str, ...]:
        """Third-party imports a worker process needs before it can read the settings."""
        if self.framework == "django":
            return ("import django", "from django.conf import settings")
        return ()

    @property
    def settings_boot_parts(self) -> tuple[tuple[str, ...], ...]:
        """First-party imports (specs for :meth:`imports`) of the worker's settings boot."""
        if self.framework == "django":
            return (("environment", "use_environment_settings"),)
        return (("settings", "get_settings"), ("logging", "configure_logging"))

    @property
    def settings_boot(self) -> str:
        """The statements that load the settings (and logging) in a worker process."""
        if self.framework == "django":
            return "use_environment_settings()\ndjango.setup()"
        return (
            "settings = get_settings()\n"
            "configure_logging(level=settings.log_level, json=settings.log_json)"
        )

    @property
    def untyped_modules(self) -> tuple[str, ...]:
        """Dependencies without type information, which mypy is told to accept as ``Any``."""
        return queues.untyped_modules(self.answers)

    @property
    def coverage_omit(self) -> tuple[str, ...]:
        """Code the test session cannot measure: the worker processes run in their own process."""
        worker_modules = tuple(
            path
            for part in ("worker", "scheduler", "worker_health")
            if (path := self.layout.path.get(part))
        )
        return ("tests/*", ".venv/*", *self.runtime.coverage_omit, *worker_modules)

    def job_queue_call(self, indent: int = 0, prefix: str = "") -> str:
        """``JobQueue(...)`` built from the settings, formatted as ruff would at ``indent``.

        ``prefix`` is what precedes the call on its line (``"queue = "``).
        """
        if self.jobs is None:
            msg = "job_queue_call needs a durable task queue"
            raise ValueError(msg)
        args = [f"{name}={self.setting(setting)}" for name, setting in self.jobs.queue_kwargs]
        return format_call("JobQueue", args, indent, prefix)

    @property
    def pytest_addopts(self) -> tuple[str, ...]:
        options = ("--cov", "--strict-markers", "--strict-config", "-ra")
        if self.jobs is not None:
            # The worker-kill test waits for the queue's redelivery: `make test-slow`.
            options += ("-m", "not slow")
        return options

    @property
    def pytest_options(self) -> tuple[tuple[str, str], ...]:
        options = self.runtime.pytest_options
        if self.jobs is not None and self.jobs.is_async:
            known = {key for key, _ in options}
            options += tuple(o for o in queues.ASYNCIO_PYTEST_OPTIONS if o[0] not in known)
        if self.jobs is not None:
            options += (("markers", queues.SLOW_MARKER),)
        return options

    @property
    def make_targets(self) -> tuple[tuple[str, str, str], ...]:
        """(name, help, command) of the Makefile's targets beyond the common ones."""
        extra = tuple((target.target, target.help, target.command) for target in self.ci_targets)
        return self.runtime.make_targets + extra

    @property
    def checks_broker(self) -> bool:
        """Whether readiness pings a broker apart from Redis: with Redis as the broker, the
        job records' check is the broker's too."""
        return self.jobs is not None and self.jobs.uses_rabbitmq

    @property
    def readiness_checks(self) -> tuple[str, ...]:
        """The names of the readiness probe's checks, in order (upstream URLs aside)."""
        names = ["database"] if self.has_db else []
        if self.checks_broker:
            names.append("broker")
        if self.jobs is not None:
            names.append("redis")
        return tuple(names)

    @property
    def settings_fixtures(self) -> tuple[str, ...]:
        """Fixtures (all strings) the tests' ``Settings`` take, named after the settings."""
        names = ["database_url"] if self.has_db else []
        if self.jobs is not None:
            names.append("redis_url")
            if self.jobs.uses_rabbitmq:
                names.append("broker_url")
            names.append("jobs_queue")
        return tuple(names)

    def test_settings_call(self, callee: str, indent: int, prefix: str = "return ") -> str:
        """``Settings(environment="test", database_url=database_url, ...)`` for the tests."""
        args = ['environment="test"', *(f"{name}={name}" for name in self.settings_fixtures)]
        return format_call(callee, args, indent, prefix)

    @property
    def test_plugins(self) -> tuple[str, ...]:
        """The fixture modules the conftest loads (database, task queue)."""
        return tuple(
            self.layout.module[part]
            for part in ("tests_database", "tests_jobs")
            if self.layout.path.get(part)
        )

    def third_party_imports(self, *lines: str) -> str:
        """Third-party import lines in ruff's isort order: ``import x`` first, then ``from``."""
        unique = sorted(set(lines), key=lambda line: (line.startswith("from "), line.lower()))
        return "\n".join(unique)


LINE_LENGTH = 100  # the generated project's ruff line-length


def format_call(callee: str, args: list[str], indent: int, prefix: str = "") -> str:
    """``prefix + callee(args)``, on one line if it fits at ``indent``, else one arg per line."""
    one_line = f"{prefix}{callee}({', '.join(args)})"
    if indent + len(one_line) <= LINE_LENGTH:
        return one_line
    pad = " " * (indent + 4)
    body = "".join(f"{pad}{arg},\n" for arg in args)
    return f"{prefix}{callee}(\n{body}{' ' * indent})"


def _isort_name_key(name: str) -> tuple[int, str, str]:
    """ruff's order-by-type: CONSTANTS, then Classes, then functions and variables.

    Within each, ruff compares names case-insensitively (DELIVER_WEBHOOK sorts before
    DELIVERY_TIMEOUT, as ``_`` does before ``y``).
    """
    kind = 2
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    return (kind, name.lower(), name)


def _format_from_import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    body = "".join(f"    {name},\n" for name in names)
    return f"from {module} import (\n{body})"


def _requirements(table: Mapping[str, str], names: list[str]) -> tuple[str, ...]:
    return tuple(sorted(table[name] for name in set(names)))


def _on(flag: bool) -> str:
    return ON if flag else OFF


@functools.lru_cache(maxsize=256)
def _build(frozen: tuple[tuple[str, Any], ...]) -> Project:
    answers = dict(frozen)
    is_async = answers["concurrency"] == "async"
    has_db = answers["database"] != "none"
    framework = FRAMEWORKS[answers["framework"]]
    layout = framework.build_layout(answers)
    features = tuple(f.name for f in layout.features)
    offload = {"cpu_bound": "process", "mixed": "thread"}.get(answers["workload"], "")
    jobs = queues.build(answers, layout.module)
    facts = Project(
        answers=answers,
        layout=layout,
        is_async=is_async,
        has_db=has_db,
        offload=offload,
        has_retries=answers["project_size"] != "small",
        features=features,
        dependencies=(),
        dev_dependencies=(),
        on={
            "fastapi": _on(answers["framework"] == "fastapi"),
            "django": _on(answers["framework"] == "django"),
            "flask": _on(answers["framework"] == "flask"),
            # Pydantic's request and response schemas: FastAPI's and Flask's (Django has
            # DRF's serializers).
            "pydantic": _on(answers["framework"] in {"fastapi", "flask"}),
            "docker": _on(bool(answers["docker"])),
            "github": _on(answers["ci"] == "github"),
            # A CI host (GitHub or GitLab): Renovate keeps the dependencies current there.
            "ci": _on(answers["ci"] != "none"),
            "gitlab": _on(answers["ci"] == "gitlab"),
            "async": _on(is_async),
            "sync": _on(not is_async),
        },
        tools=dict(versions.TOOLS),
        runtime=framework.runtime(answers, layout),
        jobs=jobs,
    )
    # The options add theirs to the framework's (they read the facts above).
    folders = {name: _on(flag) for name, flag in options.folders(facts).items()}
    if facts.on.keys() & folders.keys():
        msg = f"options name the framework's folders: {sorted(facts.on.keys() & folders.keys())}"
        raise ValueError(msg)
    return replace(
        facts,
        on={**facts.on, **folders},
        dependencies=_requirements(
            versions.RUNTIME, [*framework.dependencies(answers), *options.dependencies(facts)]
        ),
        dev_dependencies=_requirements(
            versions.DEV, [*framework.dev_dependencies(answers), *options.dev_dependencies(facts)]
        ),
    )


def for_answers(answers: Mapping[str, Any]) -> Project:
    """The facts for these answers (cached: Copier asks for every file)."""
    return _build(tuple(sorted((key, answers[key]) for key in ANSWER_KEYS)))
