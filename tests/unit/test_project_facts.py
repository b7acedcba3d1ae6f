"""The ``project`` facts object template files read, and the versions it takes."""

from __future__ import annotations

import itertools
from importlib import metadata
from typing import Any

import pytest
from packaging.requirements import Requirement

from extensions import decisions, layout, project, versions
from tests.support import default_answers as answers


def every_answer_set() -> list[dict[str, Any]]:
    """Every tree-shaping combination; ci and docker cycle through their values."""
    axes = ("project_size", "concurrency", "database", "workload", "task_queue")
    sets = []
    for index, combo in enumerate(itertools.product(*(decisions.CHOICES[a] for a in axes))):
        ci = decisions.CHOICES["ci"][index % len(decisions.CHOICES["ci"])]
        sets.append(answers(**dict(zip(axes, combo, strict=True)), ci=ci, docker=index % 2 == 0))
    return sets


EVERY_SET = pytest.mark.parametrize(
    "a",
    every_answer_set(),
    ids=lambda a: "-".join(
        str(a[k]) for k in ("project_size", "concurrency", "database", "workload", "task_queue")
    ),
)


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


@pytest.mark.parametrize(("database", "has_db"), [("none", False), ("sqlite", True)])
def test_has_db(database: str, has_db: bool) -> None:
    assert project.for_answers(answers(database=database)).has_db is has_db


@pytest.mark.parametrize(("queue", "on"), [("none", False), ("background_tasks", True)])
def test_background_tasks_flag(queue: str, on: bool) -> None:
    facts = project.for_answers(answers(task_queue=queue, background_work="fire_and_forget"))
    assert facts.has_background_tasks is on


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
    queue = a["task_queue"] == "background_tasks"
    assert on["background_tasks"] == (project.ON if queue else project.OFF)


@EVERY_SET
def test_features_match_the_layout(a: dict[str, Any]) -> None:
    facts = project.for_answers(a)
    assert facts.features == tuple(f.name for f in layout.features_for(a))
    assert facts.layout == layout.build(a)
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
    assert facts.asgi_app == asgi_app
    assert facts.uses_src is uses_src
    assert facts.coverage_source == coverage
    assert facts.lint_paths == (".",)


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
    assert facts.routers == tuple((f"{f}_routes", f"{f}_router") for f in facts.features)
    assert facts.router_imports == tuple(
        (part, f"router as {alias}") for part, alias in facts.routers
    )
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


# ----------------------------------------------------------------- versions


@pytest.mark.parametrize(("key", "requirement"), [*versions.RUNTIME.items(), *versions.DEV.items()])
def test_every_requirement_is_bounded(key: str, requirement: str) -> None:
    parsed = Requirement(requirement)
    assert parsed.name == key.removesuffix("-async")
    operators = {spec.operator for spec in parsed.specifier}
    assert operators == {">=", "<"}, requirement
    assert parsed.marker is None
    assert parsed.url is None


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
