"""Flask's facts: layout (with the validation module), dependencies and how it is served."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from extensions import decisions, fw_flask, layout, project, versions
from tests.support import TEMPLATE_ROOT, default_answers, requirement_names, template_parts

TEMPLATE = TEMPLATE_ROOT / "{{ project.on.flask }}"
# Files Flask shares with FastAPI (schemas, models, Alembic) and every framework (the jobs).
SHARED = (
    TEMPLATE_ROOT / "{{ project.on.pydantic }}",
    TEMPLATE_ROOT / "{{ project.on.sqlalchemy }}",
    TEMPLATE_ROOT / "{{ project.on.alembic }}",
    # The task queue's framework-agnostic modules, and each library's own.
    TEMPLATE_ROOT / "{{ project.on.jobs }}",
)
# The durable task queues Flask offers: sync ones (ARQ is asyncio-only).
SYNC_QUEUES = ("celery", "rq", "dramatiq")
LAYOUTS = [
    ("small", "by_layer"),
    *itertools.product(("medium", "large"), decisions.CHOICES["code_organization"]),
]


def answers(**overrides: Any) -> dict[str, Any]:
    return default_answers(framework="flask", concurrency="sync", **overrides)


def every_flask_answer_set() -> list[dict[str, Any]]:
    """Every Flask combination of the axes that change the tree."""
    return [
        answers(project_size=size, code_organization=organization, database=db, workload=load)
        for (size, organization), db, load in itertools.product(
            LAYOUTS, decisions.CHOICES["database"], decisions.CHOICES["workload"]
        )
    ]


def every_flask_jobs_answer_set() -> list[dict[str, Any]]:
    """Every layout with every sync task queue and broker (and with or without a database)."""
    return [
        answers(
            project_size=size,
            code_organization=organization,
            database=db,
            task_queue=queue,
            broker=broker,
        )
        for (size, organization), db, queue, broker in itertools.product(
            LAYOUTS, ("none", "sqlite"), SYNC_QUEUES, ("redis", "rabbitmq")
        )
        if broker == "redis" or queue != "rq"
    ]


EVERY_SET = pytest.mark.parametrize(
    "a",
    every_flask_answer_set() + every_flask_jobs_answer_set(),
    ids=lambda a: "-".join(
        str(a[k])
        for k in (
            "project_size",
            "code_organization",
            "database",
            "workload",
            "task_queue",
            "broker",
        )
    ),
)


# ----------------------------------------------------------------- layout


@pytest.mark.parametrize(
    ("size", "validation", "module", "test"),
    [
        ("small", "validation.py", "validation", "tests/test_validation.py"),
        ("medium", "app/validation.py", "app.validation", "tests/test_validation.py"),
        (
            "large",
            "src/acme_orders/core/validation.py",
            "acme_orders.core.validation",
            "tests/unit/test_validation.py",
        ),
    ],
)
def test_the_validation_module_sits_beside_errors(
    size: str, validation: str, module: str, test: str
) -> None:
    built = fw_flask.build_layout(answers(project_size=size))

    assert built.path["validation"] == validation
    assert Path(validation).parent == Path(built.path["errors"]).parent
    assert built.module["validation"] == module
    assert built.path["test_validation"] == test
    assert built.test_path["test_validation"] == test


@EVERY_SET
def test_every_other_part_is_the_shared_layout(a: dict[str, Any]) -> None:
    shared = layout.build(a)
    built = fw_flask.build_layout(a)

    renamed = {part: path.replace("/router.py", "/routes.py") for part, path in shared.path.items()}
    assert {k: v for k, v in built.path.items() if "validation" not in k} == renamed
    assert (built.root, built.package, built.features) == (
        shared.root,
        shared.package,
        shared.features,
    )
    assert [p["path"] for p in built.packages] == [p["path"] for p in shared.packages]


@EVERY_SET
def test_module_names_follow_the_paths(a: dict[str, Any]) -> None:
    built = fw_flask.build_layout(a)

    for part, path in built.path.items():
        if path:
            module = built.module[part]
            assert path.removeprefix("src/").removesuffix(".py") == module.replace(".", "/")


@pytest.mark.parametrize("size", ["medium", "large"])
@pytest.mark.parametrize("feature", ["items", "jobs"])
def test_a_feature_keeps_its_blueprint_in_routes_py(size: str, feature: str) -> None:
    built = fw_flask.build_layout(
        answers(project_size=size, code_organization="by_feature", task_queue="rq")
    )

    assert built.path[f"{feature}_routes"].endswith(f"/{feature}/routes.py")
    assert built.module[f"{feature}_routes"].endswith(f".{feature}.routes")


def test_integration_tests_are_described_in_flask_terms() -> None:
    packages = {
        p["path"]: p["doc"] for p in fw_flask.build_layout(answers(project_size="large")).packages
    }

    assert "Flask's test client" in packages["tests/integration/__init__.py"]
    assert "ASGI" not in " ".join(packages.values())


@EVERY_SET
def test_every_part_has_a_template(a: dict[str, Any]) -> None:
    """A part the layout places is rendered by a Flask (or shared) template named after it."""
    templates = template_parts(TEMPLATE, *SHARED)
    placed = {part for part, path in fw_flask.build_layout(a).path.items() if path}

    assert placed <= templates


# ----------------------------------------------------------------- dependencies


@EVERY_SET
def test_dependencies_name_known_versions(a: dict[str, Any]) -> None:
    assert set(fw_flask.dependencies(a)) <= set(versions.RUNTIME)
    assert set(fw_flask.dev_dependencies(a)) <= set(versions.DEV)


def test_runtime_dependencies_follow_the_answers() -> None:
    small = requirement_names(
        fw_flask.dependencies(answers(project_size="small", database="none")), versions.RUNTIME
    )
    large = requirement_names(
        fw_flask.dependencies(answers(project_size="large")), versions.RUNTIME
    )

    assert small == {
        "flask",
        "flask-openapi3",
        "gunicorn",
        "pydantic",
        "pydantic-settings",
        "httpx",
        "structlog",
    }
    assert large == small | {"tenacity", "sqlalchemy", "alembic"}
    assert not {"fastapi", "uvicorn", "aiosqlite", "anyio"} & (small | large)


@pytest.mark.parametrize(
    ("database", "drivers"), [("none", set()), ("sqlite", set()), ("postgresql", {"psycopg"})]
)
def test_postgresql_brings_the_sync_driver(database: str, drivers: set[str]) -> None:
    required = requirement_names(
        fw_flask.dependencies(answers(database=database)), versions.RUNTIME
    )

    assert required & {"psycopg", "psycopg2", "psycopg2-binary", "asyncpg"} == drivers


def test_tests_need_no_http_client_library() -> None:
    """Flask's test client is werkzeug's; schemathesis sends its cases through the app."""
    dev = set(fw_flask.dev_dependencies(answers()))

    assert {
        "pytest",
        "pytest-cov",
        "schemathesis",
        "hypothesis",
        "mypy",
        "ruff",
        "pre-commit",
    } == dev


# ----------------------------------------------------------------- runtime


@EVERY_SET
def test_gunicorn_serves_the_factory_on_port_8000(a: dict[str, Any]) -> None:
    built = fw_flask.build_layout(a)
    runtime = fw_flask.runtime(a, built)

    assert runtime.serve[0] == "gunicorn"
    assert runtime.serve[runtime.serve.index("--bind") + 1] == "0.0.0.0:8000"
    assert runtime.serve[-1] == f"{built.module['main']}:create_app()"
    # Threaded workers: the mixed workload's blocking calls rely on them.
    assert runtime.serve[runtime.serve.index("--worker-class") + 1] == "gthread"
    assert int(runtime.serve[runtime.serve.index("--threads") + 1]) > 1
    assert (
        runtime.dev_server
        == f"flask --app {built.module['main']}:create_app run --debug --port 8000"
    )
    assert runtime.facts["factory"] == runtime.serve[-1]


@EVERY_SET
def test_database_facts_appear_only_with_a_database(a: dict[str, Any]) -> None:
    runtime = fw_flask.runtime(a, fw_flask.build_layout(a))

    if a["database"] == "none":
        assert (runtime.migrate, runtime.database_url) == ((), "")
        assert runtime.docs_path == "/health/live"
        assert not {"alembic.ini", "migrations"} & set(runtime.docker_copy)
    else:
        assert runtime.migrate == ("alembic", "upgrade", "head")
        assert runtime.database_url == fw_flask.database_url(a)
        assert runtime.docs_path == "/api/v1/items"
        assert {"alembic.ini", "migrations"} <= set(runtime.docker_copy)


@pytest.mark.parametrize(
    ("database", "url"),
    [
        ("none", ""),
        ("sqlite", "sqlite:///./data/app.db"),
        # psycopg 3, named in the scheme: a bare postgresql:// would ask for psycopg2.
        ("postgresql", "postgresql+psycopg://postgres:postgres@localhost:5432/acme_orders"),
    ],
)
def test_the_default_database_url(database: str, url: str) -> None:
    assert fw_flask.database_url(answers(database=database)) == url


def test_the_shared_files_see_the_psycopg_scheme() -> None:
    facts = project.for_answers(answers(database="postgresql"))

    assert facts.database_scheme == "postgresql+psycopg"
    assert facts.uses_postgresql
    assert facts.postgres_url("db", "acme_orders") == (
        "postgresql+psycopg://postgres@db:5432/acme_orders"
    )


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_each_database_has_its_own_test_fixtures(database: str) -> None:
    """SQLite tests copy a migrated file; PostgreSQL tests create a database on a server.

    Flask shares the sync fixtures with FastAPI; each database kind has its own folder.
    """
    plugins = {
        path.relative_to(folder).parts[0]
        for folder in (TEMPLATE, *SHARED)
        for path in folder.rglob("{{ project.path.tests_database }}.jinja")
    }

    assert f"{{{{ project.on.{database} }}}}" in plugins
    assert "{{ project.path.tests_database }}.jinja" not in plugins


@pytest.mark.parametrize(("size", "code"), [("small", "*.py"), ("medium", "app"), ("large", None)])
def test_the_image_copies_the_code_unless_it_is_installed(size: str, code: str | None) -> None:
    a = answers(project_size=size, database="none")
    runtime = fw_flask.runtime(a, fw_flask.build_layout(a))

    assert runtime.docker_copy == ((code,) if code else ())


def test_workers_are_tunable_in_the_container() -> None:
    runtime = fw_flask.runtime(answers(), fw_flask.build_layout(answers()))

    assert dict(runtime.docker_env) == {"WEB_CONCURRENCY": "2"}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"database": "none"}, ["health"]),
        ({}, ["health", "items"]),
        ({"workload": "cpu_bound"}, ["health", "items", "compute"]),
        ({"workload": "mixed", "database": "none"}, ["health", "compute"]),
        ({"task_queue": "rq"}, ["health", "items", "jobs"]),
        ({"task_queue": "celery", "database": "none"}, ["health", "jobs"]),
    ],
)
def test_blueprints_are_registered_per_feature(
    overrides: dict[str, Any], expected: list[str]
) -> None:
    a = answers(**overrides)
    facts = fw_flask.runtime(a, fw_flask.build_layout(a)).facts

    assert facts["blueprints"] == tuple((f"{n}_routes", f"{n}_blueprint") for n in expected)
    assert facts["blueprint_imports"] == tuple(
        (f"{n}_routes", f"blueprint as {n}_blueprint") for n in expected
    )


def test_the_project_facts_use_the_flask_layout() -> None:
    facts = project.for_answers(answers(project_size="medium", code_organization="by_feature"))

    assert facts.path["validation"] == "app/validation.py"
    assert facts.imports(*facts.fw["blueprint_imports"]) == (
        "from app.health.routes import blueprint as health_blueprint\n"
        "from app.items.routes import blueprint as items_blueprint"
    )
    assert facts.on["flask"] == "."


# ----------------------------------------------------------------- the task queue


@pytest.mark.parametrize("queue", SYNC_QUEUES)
def test_flask_jobs_run_on_a_sync_queue(queue: str) -> None:
    facts = project.for_answers(answers(task_queue=queue))

    assert facts.jobs is not None
    assert (facts.jobs.library, facts.jobs.is_async) == (queue, False)
    assert (facts.jobs.async_, facts.jobs.await_) == ("", "")
    assert facts.setting("redis_url") == "settings.redis_url"


@pytest.mark.parametrize(
    ("overrides", "fixtures"),
    [
        ({"task_queue": "rq"}, ("database_url", "redis_url", "jobs_queue")),
        (
            {"task_queue": "dramatiq", "broker": "rabbitmq", "database": "none"},
            ("redis_url", "broker_url", "jobs_queue"),
        ),
        ({"database": "none"}, ()),
    ],
)
def test_the_test_settings_come_from_the_service_fixtures(
    overrides: dict[str, Any], fixtures: tuple[str, ...]
) -> None:
    facts = project.for_answers(answers(**overrides))

    assert facts.settings_fixtures == fixtures
    assert ("tests.jobs" in facts.test_plugins) == ("redis_url" in fixtures)


def test_without_a_durable_queue_there_is_no_jobs_blueprint() -> None:
    a = answers(task_queue="none")
    built = fw_flask.build_layout(a)

    assert not built.path["jobs_routes"]
    assert "jobs_routes" not in dict(fw_flask.blueprints(built))


def test_the_openapi_command_is_flask_openapi3s() -> None:
    answers_ = answers(project_size="large", code_organization="by_feature")
    layout = fw_flask.build_layout(answers_)

    runtime = fw_flask.runtime(answers_, layout)

    assert runtime.openapi[:3] == ("flask", "--app", f"{layout.module['main']}:create_app")
    assert "openapi" in runtime.openapi
