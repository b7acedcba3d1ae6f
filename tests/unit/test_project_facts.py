"""The ``project`` facts object template files read, and the versions it takes."""

from __future__ import annotations

import ast
import itertools
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from extensions import decisions, layout, project, versions
from tests import combinations
from tests.support import default_answers as answers
from tests.support import run, tool

# The axes that shape a FastAPI project's facts (the framework modules have their own tests).
AXES = ("project_size", "concurrency", "database", "workload", "task_queue", "broker")


def every_answer_set() -> list[dict[str, Any]]:
    """Every tree-shaping combination the questionnaire accepts; ci and docker cycle.

    The broker varies only where it is asked (beside a durable task queue).
    """
    sets: list[dict[str, Any]] = []
    for combo in itertools.product(*(decisions.CHOICES[a] for a in AXES)):
        a = answers(**dict(zip(AXES, combo, strict=True)))
        if not combinations.is_asked("broker", a) and a["broker"] != "redis":
            continue
        a["background_work"] = combinations.background_work_for(a)
        if decisions.refusals(a):
            continue
        index = len(sets)
        a.update(ci=decisions.CHOICES["ci"][index % len(decisions.CHOICES["ci"])])
        a.update(docker=index % 2 == 0)
        sets.append(a)
    return sets


def set_id(a: dict[str, Any]) -> str:
    return "-".join(str(a[k]) for k in AXES if combinations.is_asked(k, a))


EVERY_SET = pytest.mark.parametrize("a", every_answer_set(), ids=set_id)
DURABLE = ("celery", "arq", "rq", "dramatiq")


def names(requirements: tuple[str, ...]) -> set[str]:
    return {Requirement(r).name for r in requirements}


def test_answer_keys_match_the_questionnaire() -> None:
    assert len(set(project.ANSWER_KEYS)) == len(project.ANSWER_KEYS)
    # Every decision axis the questionnaire offers is a fact input.
    assert set(decisions.CHOICES) <= set(project.ANSWER_KEYS)


def test_missing_answer_is_an_error() -> None:
    incomplete = answers()
    del incomplete["database"]
    with pytest.raises(KeyError):
        project.for_answers(incomplete)


def test_facts_are_cached_per_answer_set() -> None:
    assert project.for_answers(answers()) is project.for_answers(answers())
    assert project.for_answers(answers()) is not project.for_answers(answers(database="none"))


def test_extra_context_does_not_change_the_facts() -> None:
    assert project.for_answers(answers()) is project.for_answers({**answers(), "author": "x"})


# ----------------------------------------------------------------- flags


@pytest.mark.parametrize(("concurrency", "is_async"), [("async", True), ("sync", False)])
def test_async_flags(concurrency: str, is_async: bool) -> None:
    facts = project.for_answers(answers(concurrency=concurrency))
    assert facts.is_async is is_async
    assert facts.async_ == ("async " if is_async else "")
    assert facts.await_ == ("await " if is_async else "")


@pytest.mark.parametrize(
    ("workload", "offload"), [("io_bound", ""), ("cpu_bound", "process"), ("mixed", "thread")]
)
def test_offload(workload: str, offload: str) -> None:
    assert project.for_answers(answers(workload=workload)).offload == offload


@pytest.mark.parametrize(("size", "retries"), [("small", False), ("medium", True), ("large", True)])
def test_retries_outside_small(size: str, retries: bool) -> None:
    assert project.for_answers(answers(project_size=size)).has_retries is retries


@pytest.mark.parametrize(
    ("size", "background_work", "task_queue", "defined"),
    [
        ("small", "none", "none", False),
        ("small", "durable", "celery", True),
        ("medium", "none", "none", True),
        ("medium", "durable", "rq", True),
    ],
)
def test_transient_statuses_are_defined_for_retries_and_for_jobs(
    size: str, background_work: str, task_queue: str, defined: bool
) -> None:
    facts = project.for_answers(
        answers(
            project_size=size,
            background_work=background_work,
            task_queue=task_queue,
            concurrency="sync",
        )
    )
    assert facts.has_transient_statuses is defined


@pytest.mark.parametrize(("database", "has_db"), [("none", False), ("sqlite", True)])
def test_has_db(database: str, has_db: bool) -> None:
    assert project.for_answers(answers(database=database)).has_db is has_db


def test_group_folders() -> None:
    """``project.on.X`` renders "." (merge into the parent) or "" (skip)."""
    failures = []
    for a in every_answer_set():
        for ci, docker in itertools.product(decisions.CHOICES["ci"], (True, False)):
            full = {**a, "ci": ci, "docker": docker}
            try:
                check_group_folders(full)
            except AssertionError as error:
                failures.append(f"{full}: {error}")
    assert failures == []


def check_group_folders(a: dict[str, Any]) -> None:
    on = project.for_answers(a).on
    assert set(on.values()) <= {project.ON, project.OFF}
    assert on["fastapi"] == project.ON
    assert on["database"] == (project.ON if a["database"] != "none" else project.OFF)
    assert on["docker"] == (project.ON if a["docker"] else project.OFF)
    assert on["github"] == (project.ON if a["ci"] == "github" else project.OFF)
    assert on["gitlab"] == (project.ON if a["ci"] == "gitlab" else project.OFF)
    is_async = a["concurrency"] == "async"
    assert on["async"] == (project.ON if is_async else project.OFF)
    assert on["sync"] == (project.OFF if is_async else project.ON)
    assert on["process_pool"] == (project.ON if a["workload"] == "cpu_bound" else project.OFF)
    assert on["thread_offload"] == (project.ON if a["workload"] == "mixed" else project.OFF)
    queue = a["task_queue"]
    assert on["background_tasks"] == (project.ON if queue == "background_tasks" else project.OFF)
    assert on["jobs"] == (project.ON if queue in DURABLE else project.OFF)
    for library in DURABLE:
        assert on[library] == (project.ON if queue == library else project.OFF), library
    rabbitmq = queue in DURABLE and a["broker"] == "rabbitmq"
    assert on["rabbitmq"] == (project.ON if rabbitmq else project.OFF)


@EVERY_SET
def test_features_match_the_layout(a: dict[str, Any]) -> None:
    facts = project.for_answers(a)
    assert facts.features == tuple(f.name for f in layout.features_for(a))
    assert facts.layout == project.FRAMEWORKS[a["framework"]].build_layout(a)
    # The framework adds parts (e.g. its security module) to the shared layout, never moves one.
    shared = layout.build(a).path
    assert {part: facts.path[part] for part in shared} == shared
    assert facts.path == facts.layout.path
    assert facts.mod == facts.layout.module


@pytest.mark.parametrize(
    ("size", "asgi_app", "uses_src", "coverage"),
    [
        ("small", "main:app", False, (".",)),
        ("medium", "app.main:app", False, ("app",)),
        ("large", "acme_orders.main:app", True, ("src/acme_orders",)),
    ],
)
def test_entry_points_and_sources(
    size: str, asgi_app: str, uses_src: bool, coverage: tuple[str, ...]
) -> None:
    facts = project.for_answers(answers(project_size=size))
    # What uvicorn imports.
    assert facts.runtime.serve[1] == asgi_app
    assert facts.uses_src is uses_src
    assert facts.coverage_source == coverage


@pytest.mark.parametrize("version", decisions.CHOICES["python_version"])
def test_docker_image_follows_python_version(version: str) -> None:
    image = project.for_answers(answers(python_version=version)).docker_image
    assert image.startswith(f"python:{version}-slim")


@pytest.mark.parametrize(
    ("concurrency", "url"),
    [("async", "sqlite+aiosqlite:///./data/app.db"), ("sync", "sqlite:///./data/app.db")],
)
def test_database_url(concurrency: str, url: str) -> None:
    assert project.for_answers(answers(concurrency=concurrency)).database_url == url


@pytest.mark.parametrize(
    ("concurrency", "driver", "absent"),
    [("async", "asyncpg", "psycopg"), ("sync", "psycopg", "asyncpg")],
)
def test_postgresql_gets_the_driver_of_its_concurrency(
    concurrency: str, driver: str, absent: str
) -> None:
    facts = project.for_answers(answers(concurrency=concurrency, database="postgresql"))
    assert facts.database_url == (
        f"postgresql+{driver}://postgres:postgres@localhost:5432/acme_orders"
    )
    assert facts.database_scheme == f"postgresql+{driver}"
    names = [requirement.split("[")[0].split(">")[0] for requirement in facts.dependencies]
    assert driver in names
    assert absent not in names
    assert "aiosqlite" not in names
    assert facts.on["postgresql"] == "."
    assert facts.on["sqlite"] == ""
    assert facts.postgres_url("db", "x", "pw") == f"postgresql+{driver}://postgres:pw@db:5432/x"


@pytest.mark.parametrize("concurrency", ["async", "sync"])
def test_code_fragments_match_the_concurrency(concurrency: str) -> None:
    facts = project.for_answers(answers(concurrency=concurrency))
    is_async = concurrency == "async"
    assert facts.session_type == ("AsyncSession" if is_async else "Session")
    assert facts.session_type in facts.session_import
    assert facts.client_type == ("AsyncClient" if is_async else "TestClient")
    assert facts.client_import.endswith(f"import {facts.client_type}")
    assert facts.http_client_type == ("httpx.AsyncClient" if is_async else "httpx.Client")
    assert facts.push_cleanup == ("push_async_callback" if is_async else "callback")
    assert facts.http_close == ("aclose" if is_async else "close")
    assert facts.database_scheme == ("sqlite+aiosqlite" if is_async else "sqlite")
    for fragment in (facts.session_import, facts.client_import):
        compile(fragment, "<fragment>", "exec")


@pytest.mark.parametrize(
    ("concurrency", "database", "driver"),
    [
        ("async", "sqlite", "sqlite+aiosqlite"),
        ("sync", "sqlite", "sqlite+pysqlite"),
        ("async", "postgresql", "postgresql+asyncpg"),
        ("sync", "postgresql", "postgresql+psycopg"),
    ],
)
def test_the_settings_name_the_installed_driver(
    concurrency: str, database: str, driver: str
) -> None:
    """The driver a stale DATABASE_URL is refused against: a bare sqlite is pysqlite."""
    facts = project.for_answers(answers(concurrency=concurrency, database=database))
    assert facts.database_driver == driver
    assert facts.database_url.startswith(f"{driver.removesuffix('+pysqlite')}://")


def test_imports_resolve_parts_and_drop_absent_ones() -> None:
    facts = project.for_answers(answers(database="none"))
    rendered = facts.imports(
        ("settings", "get_settings", "Settings"),
        ("items_service", "ItemService"),  # no database: no items feature
        ("errors", "register_error_handlers", "NotFoundError", "DEFAULT_TITLE"),
    )
    assert rendered.splitlines() == [
        "from app.errors import DEFAULT_TITLE, NotFoundError, register_error_handlers",
        "from app.settings import Settings, get_settings",
    ]
    assert facts.imports(("items_service", "ItemService")) == ""


def test_imported_names_sort_case_insensitively_like_ruff() -> None:
    facts = project.for_answers(answers(database="none"))
    rendered = facts.imports(("errors", "DELIVERY_TIMEOUT", "DELIVER_WEBHOOK", "Zeta", "alpha"))
    assert rendered == "from app.errors import DELIVER_WEBHOOK, DELIVERY_TIMEOUT, Zeta, alpha"


def test_long_imports_wrap_like_ruff_format() -> None:
    facts = project.for_answers(answers(project_size="large", package_name="a" * 40))
    names = [f"name_number_{i}" for i in range(6)]
    rendered = facts.imports(("items_service", *names))
    module = facts.mod["items_service"]
    assert rendered == f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"
    assert all(len(line) <= project.LINE_LENGTH for line in rendered.splitlines())


@EVERY_SET
def test_routers_follow_the_features(a: dict[str, Any]) -> None:
    facts = project.for_answers(a)
    features = tuple((f"{f}_routes", f"{f}_router") for f in facts.features)
    metrics = (("metrics", "metrics_router"),) if a["metrics"] else ()
    assert facts.routers == (*features, *metrics)
    routers = tuple((part, f"router as {alias}") for part, alias in facts.routers)
    assert facts.app_imports == (*facts.middleware, *routers)
    assert facts.middleware == ((("metrics", "MetricsMiddleware"),) if a["metrics"] else ())
    for part, _ in facts.routers:
        assert facts.path[part], part


def test_tools_are_the_pinned_versions() -> None:
    assert project.for_answers(answers()).tools == versions.TOOLS


# ----------------------------------------------------------------- dependencies


@EVERY_SET
def test_dependencies_come_from_versions_only(a: dict[str, Any]) -> None:
    facts = project.for_answers(a)
    assert set(facts.dependencies) <= set(versions.RUNTIME.values())
    assert set(facts.dev_dependencies) <= set(versions.DEV.values())
    assert list(facts.dependencies) == sorted(facts.dependencies)
    assert list(facts.dev_dependencies) == sorted(facts.dev_dependencies)
    # One requirement per distribution.
    assert len(names(facts.dependencies)) == len(facts.dependencies)
    assert len(names(facts.dev_dependencies)) == len(facts.dev_dependencies)
    assert names(facts.dependencies).isdisjoint(names(facts.dev_dependencies))


@EVERY_SET
def test_dependencies_follow_the_answers(a: dict[str, Any]) -> None:
    facts = project.for_answers(a)
    runtime = names(facts.dependencies)
    dev = names(facts.dev_dependencies)
    is_async = a["concurrency"] == "async"
    has_db = a["database"] != "none"
    assert {"fastapi", "uvicorn", "pydantic", "pydantic-settings", "httpx", "structlog"} <= runtime
    assert ("tenacity" in runtime) == (a["project_size"] != "small")
    assert ("sqlalchemy" in runtime) == has_db
    assert ("alembic" in runtime) == has_db
    assert ("aiosqlite" in runtime) == (a["database"] == "sqlite" and is_async)
    assert ("asyncpg" in runtime) == (a["database"] == "postgresql" and is_async)
    assert ("psycopg" in runtime) == (a["database"] == "postgresql" and not is_async)
    if has_db:
        extras = {Requirement(r).name: Requirement(r).extras for r in facts.dependencies}
        assert ("asyncio" in extras["sqlalchemy"]) == is_async
    assert ("anyio" in runtime) == (a["workload"] == "mixed" and is_async)
    assert {"pytest", "pytest-cov", "mypy", "ruff", "pre-commit"} <= dev
    assert ("pytest-asyncio" in dev) == is_async
    # Starlette's TestClient, which sync projects test with, needs httpx2.
    assert ("httpx2" in dev) == (not is_async)
    assert "uvicorn" in runtime
    uvicorn = next(Requirement(r) for r in facts.dependencies if r.startswith("uvicorn"))
    assert "standard" in uvicorn.extras


# What each durable task queue adds: {distribution: extras}. Redis keeps the job records
# with every queue; Dramatiq's broker is an extra, and
# APScheduler sends its periodic job. Celery ships no types: celery-types in dev.
def queue_requirements(queue: str, broker: str) -> dict[str, set[str]]:
    table: dict[str, dict[str, set[str]]] = {
        "none": {},
        "background_tasks": {},
        "celery": {"celery": {"redis"}, "redis": set()},
        "arq": {"arq": set(), "redis": set()},
        "rq": {"rq": set(), "redis": set()},
        "dramatiq": {"dramatiq": {broker}, "redis": set(), "apscheduler": set()},
    }
    return table[queue]


QUEUE_DISTRIBUTIONS = {"celery", "arq", "rq", "dramatiq", "redis", "apscheduler", "pika"}


@EVERY_SET
def test_dependencies_follow_the_task_queue(a: dict[str, Any]) -> None:
    facts = project.for_answers(a)
    expected = queue_requirements(a["task_queue"], a["broker"])
    found = {
        req.name: set(req.extras)
        for req in map(Requirement, facts.dependencies)
        if req.name in QUEUE_DISTRIBUTIONS
    }
    assert found == expected
    assert ("celery-types" in names(facts.dev_dependencies)) == (a["task_queue"] == "celery")


@pytest.mark.parametrize(
    ("queue", "broker", "runtime", "dev"),
    [
        ("celery", "redis", {"celery[redis]", "redis"}, {"celery-types"}),
        ("celery", "rabbitmq", {"celery[redis]", "redis"}, {"celery-types"}),
        ("arq", "redis", {"arq", "redis"}, set()),
        ("rq", "redis", {"rq", "redis"}, set()),
        ("dramatiq", "redis", {"dramatiq[redis]", "redis", "apscheduler"}, set()),
        ("dramatiq", "rabbitmq", {"dramatiq[rabbitmq]", "redis", "apscheduler"}, set()),
    ],
)
def test_queue_requirements_are_the_pinned_ones(
    queue: str, broker: str, runtime: set[str], dev: set[str]
) -> None:
    """Spelled out once: the requirement strings, with their extras, come from versions."""
    concurrency = "async" if queue == "arq" else "sync"
    facts = project.for_answers(
        answers(task_queue=queue, broker=broker, concurrency=concurrency, background_work="durable")
    )
    queue_lines = {
        r.split(">")[0] for r in facts.dependencies if Requirement(r).name in QUEUE_DISTRIBUTIONS
    }
    assert queue_lines == runtime
    dev_lines = {r.split(">")[0] for r in facts.dev_dependencies if r.startswith("celery")}
    assert dev_lines == dev


# ----------------------------------------------------------------- versions


# Keys that name a variant of a distribution: (distribution, the extras the variant adds).
VARIANTS = {
    "sqlalchemy-async": ("sqlalchemy", {"asyncio"}),
    "dramatiq-redis": ("dramatiq", {"redis"}),
    "dramatiq-rabbitmq": ("dramatiq", {"rabbitmq"}),
    "redis-for-arq": ("redis", None),
}


@pytest.mark.parametrize(("key", "requirement"), [*versions.RUNTIME.items(), *versions.DEV.items()])
def test_every_requirement_ranges_to_the_next_major(key: str, requirement: str) -> None:
    """A lower bound, and a cap at the next major release (``<1`` for 0.x), or a reason why not."""
    parsed = Requirement(requirement)
    name, extras = VARIANTS.get(key, (key, None))
    assert parsed.name == name
    if extras is not None:
        assert parsed.extras == extras
    assert parsed.marker is None
    assert parsed.url is None
    lower = [spec for spec in parsed.specifier if spec.operator == ">="]
    caps = [spec for spec in parsed.specifier if spec.operator == "<"]
    assert len(lower) == 1, requirement
    assert len(parsed.specifier) == len(lower) + len(caps), requirement
    if name in versions.NOT_AT_THE_NEXT_MAJOR:
        return
    assert len(caps) == 1, requirement
    floor, cap = Version(lower[0].version), Version(caps[0].version)
    assert cap.release == (cap.major,), f"{requirement}: capped inside a major release"
    if floor.major == 0:
        assert cap.major == 1, f"{requirement}: a 0.x library goes up to 1.0 at most"
    else:
        assert cap.major > floor.major, requirement


def test_each_exception_to_the_major_cap_is_a_requirement_with_a_reason() -> None:
    names = {Requirement(r).name for r in [*versions.RUNTIME.values(), *versions.DEV.values()]}
    assert set(versions.NOT_AT_THE_NEXT_MAJOR) <= names
    assert all(reason.strip() for reason in versions.NOT_AT_THE_NEXT_MAJOR.values())


def test_requirement_lookup() -> None:
    assert versions.requirement("fastapi") == versions.RUNTIME["fastapi"]
    assert versions.requirement("pytest") == versions.DEV["pytest"]
    with pytest.raises(KeyError):
        versions.requirement("no-such-package")


def test_runtime_and_dev_tables_are_disjoint() -> None:
    assert set(versions.RUNTIME).isdisjoint(versions.DEV)


def test_ruff_pins_agree() -> None:
    """The project's ruff, its pre-commit hook and the template's checks use one version."""
    ruff = Requirement(versions.DEV["ruff"])
    hook = versions.TOOLS["ruff-pre-commit"].removeprefix("v")
    assert ruff.specifier.contains(hook)
    # The render tier formats with the template's ruff: it must be one the project accepts.
    assert ruff.specifier.contains(metadata.version("ruff"))


# ----------------------------------------------------------------- the task queue


def queue_answers(queue: str, broker: str = "redis", **more: Any) -> dict[str, Any]:
    """Accepted answers with ``queue`` (ARQ async, RQ sync, the others as ``more`` says)."""
    concurrency = {"arq": "async", "rq": "sync"}.get(queue, more.pop("concurrency", "async"))
    a = answers(task_queue=queue, broker=broker, concurrency=concurrency, **more)
    a["background_work"] = combinations.background_work_for(a)
    assert decisions.refusals(a) == [], a
    return a


@EVERY_SET
def test_jobs_facts_follow_the_task_queue(a: dict[str, Any]) -> None:
    facts = project.for_answers(a)
    if a["task_queue"] not in DURABLE:
        assert facts.jobs is None
        assert facts.readiness_checks == (("database",) if facts.has_db else ())
        return
    assert facts.jobs is not None
    assert facts.jobs.library == a["task_queue"]
    assert facts.jobs.broker == a["broker"]
    assert "jobs" in facts.features
    # Redis is checked once; RabbitMQ, another server, has a check of its own.
    broker = ("broker",) if a["broker"] == "rabbitmq" else ()
    assert facts.checks_broker == bool(broker)
    assert facts.readiness_checks == (*(("database",) if facts.has_db else ()), *broker, "redis")
    # Every pytest option once; the async queue's tests run under pytest-asyncio.
    keys = [key for key, _ in facts.pytest_options]
    assert len(keys) == len(set(keys))
    if facts.jobs.is_async:
        assert dict(facts.pytest_options)["asyncio_mode"] == '"auto"'


@pytest.mark.parametrize(
    ("framework", "read"),
    [("fastapi", "settings.redis_url"), ("flask", "settings.redis_url")],
)
def test_setting_reads_the_pydantic_field(framework: str, read: str) -> None:
    facts = project.for_answers(
        queue_answers("celery", framework=framework, concurrency="sync", project_kind="api")
    )
    assert facts.setting("redis_url") == read


def test_setting_reads_djangos_upper_case_name() -> None:
    facts = project.for_answers(
        queue_answers("celery", framework="django", concurrency="sync", project_kind="fullstack")
    )
    assert facts.setting("redis_url") == "settings.REDIS_URL"
    assert facts.setting("jobs_max_attempts") == "settings.JOBS_MAX_ATTEMPTS"


@pytest.mark.parametrize(
    ("database", "queue", "broker", "fixtures"),
    [
        ("none", "none", "redis", ()),
        ("sqlite", "none", "redis", ("database_url",)),
        ("sqlite", "background_tasks", "redis", ("database_url",)),
        ("none", "arq", "redis", ("redis_url", "jobs_queue")),
        ("sqlite", "celery", "redis", ("database_url", "redis_url", "jobs_queue")),
        (
            "sqlite",
            "dramatiq",
            "rabbitmq",
            ("database_url", "redis_url", "broker_url", "jobs_queue"),
        ),
    ],
)
def test_settings_fixtures(
    database: str, queue: str, broker: str, fixtures: tuple[str, ...]
) -> None:
    facts = project.for_answers(queue_answers(queue, broker, database=database))
    assert facts.settings_fixtures == fixtures
    # The tests' settings take each fixture by its own name (wrapped as ruff would).
    call = facts.test_settings_call("Settings", 4)
    function = ast.parse(f"def settings():\n    {call}\n").body[0]
    assert isinstance(function, ast.FunctionDef)
    returned = function.body[0]
    assert isinstance(returned, ast.Return)
    assert isinstance(returned.value, ast.Call)
    assert [(k.arg, ast.unparse(k.value)) for k in returned.value.keywords] == [
        ("environment", "'test'"),
        *((name, name) for name in fixtures),
    ]


@pytest.mark.parametrize(
    ("database", "queue", "plugins"),
    [
        ("none", "none", ()),
        ("sqlite", "none", ("tests.database",)),
        ("none", "rq", ("tests.jobs",)),
        ("postgresql", "celery", ("tests.database", "tests.jobs")),
    ],
)
def test_test_plugins(database: str, queue: str, plugins: tuple[str, ...]) -> None:
    facts = project.for_answers(queue_answers(queue, database=database, concurrency="sync"))
    assert facts.test_plugins == plugins


@pytest.mark.parametrize("size", decisions.CHOICES["project_size"])
@pytest.mark.parametrize("queue", ["none", "celery", "arq", "rq", "dramatiq"])
def test_worker_processes_are_omitted_from_coverage(size: str, queue: str) -> None:
    """The worker, scheduler and healthcheck run in their own processes: not measurable."""
    facts = project.for_answers(queue_answers(queue, project_size=size))
    workers = [facts.path[part] for part in ("worker", "scheduler", "worker_health")]
    assert facts.coverage_omit == ("tests/*", ".venv/*", *filter(None, workers))
    # Everything else the jobs feature renders is measured.
    for part in ("jobs_service", "jobs_repository", "jobs_tasks", "jobs_queue", "jobs_routes"):
        assert facts.path[part] not in facts.coverage_omit


@pytest.mark.parametrize(
    ("queue", "broker", "untyped"),
    [
        ("none", "redis", ()),
        ("celery", "redis", ()),
        ("dramatiq", "redis", ("apscheduler.*",)),
        ("dramatiq", "rabbitmq", ("apscheduler.*", "pika.*")),
    ],
)
def test_untyped_modules(queue: str, broker: str, untyped: tuple[str, ...]) -> None:
    assert project.for_answers(queue_answers(queue, broker)).untyped_modules == untyped


def test_settings_boot_outside_django() -> None:
    facts = project.for_answers(queue_answers("celery"))
    assert facts.settings_boot_imports == ()
    rendered = facts.imports(*facts.settings_boot_parts)
    assert rendered.splitlines() == [
        "from app.logging import configure_logging",
        "from app.settings import get_settings",
    ]
    compile(facts.settings_boot, "<boot>", "exec")
    assert facts.settings_boot.startswith("settings = get_settings()\n")


def test_settings_boot_in_django() -> None:
    facts = project.for_answers(
        queue_answers("celery", framework="django", concurrency="sync", project_kind="fullstack")
    )
    assert facts.settings_boot_imports == ("import django", "from django.conf import settings")
    assert facts.settings_boot == "use_environment_settings()\ndjango.setup()"
    assert facts.imports(*facts.settings_boot_parts).endswith(" import use_environment_settings")


# ----------------------------------------------------------------- formatted code


def ruff_accepts(tmp_path: Path, source: str) -> None:
    """``source`` is what ruff format writes, with imports in isort order, at 100 columns."""
    module = tmp_path / "snippet.py"
    module.write_text(source)
    options = ["--no-cache", "--isolated", "--line-length", str(project.LINE_LENGTH)]
    for command in (["format", "--diff"], ["check", "--select", "I,E501"]):
        outcome = run([tool("ruff"), *command, *options, module.name], cwd=tmp_path)
        if not outcome.ok:
            pytest.fail(f"{outcome.report()}\n--- source ---\n{source}", pytrace=False)


def test_format_call_keeps_one_line_up_to_the_limit() -> None:
    args = ["first=1", "second=2"]
    one_line = "result = build(first=1, second=2)"
    indent = project.LINE_LENGTH - len(one_line)
    assert project.format_call("build", args, indent, "result = ") == one_line
    # One column more and every argument gets a line, with a magic trailing comma.
    assert project.format_call("build", args, indent + 1, "result = ") == (
        "result = build(\n"
        + " " * (indent + 5)
        + "first=1,\n"
        + " " * (indent + 5)
        + "second=2,\n"
        + " " * (indent + 1)
        + ")"
    )


@pytest.mark.parametrize("width", [60, 99, 100, 101, 140])
def test_format_call_is_what_ruff_writes(tmp_path: Path, width: int) -> None:
    """Around the limit, the call stays as ruff format would leave it, inside a function."""
    pad = width - len("    value = make(a=, b=)")
    call = project.format_call(
        "make", [f"a={'x' * (pad // 2)}", f"b={'y' * (pad - pad // 2)}"], 4, "value = "
    )
    source = f'"""Calls."""\n\n\ndef build() -> None:\n    {call}\n'
    assert ("\n" in call) is (width > project.LINE_LENGTH)
    ruff_accepts(tmp_path, source)


JOB_QUEUE_CASES = [
    ("fastapi", "celery", "rabbitmq"),
    ("fastapi", "dramatiq", "redis"),
    ("fastapi", "rq", "redis"),  # four arguments: too long for one line
    ("django", "celery", "redis"),
    ("django", "rq", "redis"),
    ("flask", "dramatiq", "rabbitmq"),
]


@pytest.mark.parametrize(("framework", "queue", "broker"), JOB_QUEUE_CASES)
def test_job_queue_call(tmp_path: Path, framework: str, queue: str, broker: str) -> None:
    kind = {"django": "fullstack", "flask": "simple"}.get(framework, "api")
    facts = project.for_answers(
        queue_answers(queue, broker, framework=framework, concurrency="sync", project_kind=kind)
    )
    assert facts.jobs is not None
    calls = [
        facts.job_queue_call(indent, prefix)
        for indent, prefix in [(0, "QUEUE = "), (4, "queue = "), (8, "return "), (12, "")]
    ]
    for call in calls:
        assert call.startswith(f"{call.split('JobQueue(')[0]}JobQueue(")
        for name, setting in facts.jobs.queue_kwargs:
            assert f"{name}={facts.setting(setting)}" in call
    source = (
        '"""Queues."""\n\n'
        f"{calls[0]}\n\n\n"
        "def build() -> None:\n"
        f"    {calls[1]}\n\n\n"
        "class Holder:\n"
        "    def build(self) -> None:\n"
        f"        {calls[2]}\n\n"
        "    def again(self) -> None:\n"
        "        if self:\n"
        f"            {calls[3]}\n"
    )
    ruff_accepts(tmp_path, source)
    if queue == "rq":
        assert "\n" in calls[0], "RQ's four settings never fit on one line"


def test_job_queue_call_needs_a_durable_queue() -> None:
    with pytest.raises(ValueError, match="durable task queue"):
        project.for_answers(answers()).job_queue_call()


def test_third_party_imports_are_in_isort_order(tmp_path: Path) -> None:
    facts = project.for_answers(answers())
    lines = facts.third_party_imports(
        "from redis import Redis",
        "import httpx",
        "from django.conf import settings",
        "import django",
        "import httpx",
        "from celery import Celery",
    )
    assert lines.splitlines() == [
        "import django",
        "import httpx",
        "from celery import Celery",
        "from django.conf import settings",
        "from redis import Redis",
    ]
    uses = "\n".join(
        f"print({name})" for name in ("django", "httpx", "Celery", "settings", "Redis")
    )
    ruff_accepts(tmp_path, f'"""Imports."""\n\n{lines}\n\n{uses}\n')


@pytest.mark.parametrize("queue", sorted(layout.DURABLE_QUEUES))
def test_the_documented_jobs_queue_is_the_slug(queue: str) -> None:
    given = answers(task_queue=queue, concurrency="sync" if queue == "rq" else "async")
    given["background_work"] = combinations.background_work_for(given)
    facts = project.for_answers(given)

    [queue_var] = [var for var in facts.env_vars if var.name == "JOBS_QUEUE"]
    assert facts.jobs is not None
    assert queue_var.example == given["project_slug"] == facts.jobs.namespace
    assert given["project_slug"] in queue_var.default
    assert queue_var.commented  # the built-in default applies unless the user changes it


def test_the_copier_command_brings_the_template_extensions() -> None:
    facts = project.for_answers(answers())

    assert facts.copier == "uvx --with copier-template-extensions copier"


def test_every_api_schema_the_readme_names_is_one_make_openapi_prints() -> None:
    """The README lists a schema URL, and DOCS_ENABLED, exactly where the app has a schema."""
    schema_paths = {"/docs", "/openapi.json", "/api/schema/"}
    for combo in combinations.valid_combinations():
        a = answers(**combo)
        facts = project.for_answers(a)
        listed = {path for _, path in facts.browse} & schema_paths
        docs_enabled = [var for var in facts.env_vars if var.name == "DOCS_ENABLED"]
        has_schema = bool(facts.runtime.openapi)
        assert bool(listed) == has_schema, a
        if has_schema:
            assert docs_enabled, a
            # FastAPI's "/docs" is "the interactive API docs".
            meaning = docs_enabled[0].meaning
            assert any(path.strip("/") in meaning for path in listed), (a, meaning)


def test_every_project_with_a_schema_tests_its_contract_with_schemathesis() -> None:
    """The contract test, and the two packages it imports, come with the OpenAPI schema."""
    for combo in combinations.valid_combinations():
        a = answers(**combo)
        facts = project.for_answers(a)
        has_schema = bool(facts.runtime.openapi)
        contract = facts.layout.path.get("test_api_contract", "")
        dev = {Requirement(line).name for line in facts.dev_dependencies}
        assert bool(contract) == has_schema, a
        assert ({"schemathesis", "hypothesis"} <= dev) == has_schema, a
        assert not contract or contract.endswith("/test_api_contract.py"), contract
