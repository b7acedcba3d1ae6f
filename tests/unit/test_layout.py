"""The layout map: where each logical part of a generated project lives."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from extensions import decisions, layout

PACKAGE = "acme_orders"
LAYOUTS = [
    ("small", "by_layer"),
    *itertools.product(("medium", "large"), decisions.CHOICES["code_organization"]),
]


def answers(**overrides: Any) -> dict[str, Any]:
    """A complete answer set with every optional feature on, unless overridden."""
    return {
        "framework": "fastapi",
        "project_kind": "api",
        "package_name": PACKAGE,
        "project_size": "medium",
        "code_organization": "by_layer",
        "database": "sqlite",
        "workload": "mixed",
        "task_queue": "background_tasks",
        "concurrency": "async",
        "metrics": True,
        **overrides,
    }


def all_answer_sets() -> list[dict[str, Any]]:
    return [
        answers(
            project_size=size,
            code_organization=organization,
            database=database,
            workload=workload,
            task_queue=queue,
        )
        for (size, organization), database, workload, queue in itertools.product(
            LAYOUTS,
            decisions.CHOICES["database"],
            decisions.CHOICES["workload"],
            decisions.CHOICES["task_queue"],
        )
    ]


def set_id(a: dict[str, Any]) -> str:
    return "-".join(
        str(a[k])
        for k in ("project_size", "code_organization", "database", "workload", "task_queue")
    )


EVERY_SET = pytest.mark.parametrize("a", all_answer_sets(), ids=set_id)

# ----------------------------------------------------------------- where things go

CORE = {
    "small": {
        "main": "main.py",
        "settings": "settings.py",
        "logging": "logs.py",
        "errors": "errors.py",
        "database": "database.py",
        "http": "http_client.py",
    },
    "medium": {
        "main": "app/main.py",
        "settings": "app/settings.py",
        "logging": "app/logging.py",
        "errors": "app/errors.py",
        "database": "app/database.py",
        "http": "app/http_client.py",
    },
    "large": {
        "main": f"src/{PACKAGE}/main.py",
        "settings": f"src/{PACKAGE}/core/config.py",
        "logging": f"src/{PACKAGE}/core/logging.py",
        "errors": f"src/{PACKAGE}/core/errors.py",
        "database": f"src/{PACKAGE}/core/database.py",
        "http": f"src/{PACKAGE}/core/http.py",
    },
}

# Where the items feature's layers go, per layout (the contract of GUIDE section 2).
ITEMS = {
    ("small", "by_layer"): {
        "routes": "items_routes.py",
        "service": "items_service.py",
        "repository": "items_repository.py",
        "models": "items_models.py",
        "schemas": "items_schemas.py",
    },
    ("medium", "by_layer"): {
        "routes": "app/routes/items.py",
        "service": "app/services/items.py",
        "repository": "app/repositories/items.py",
        "models": "app/models/items.py",
        "schemas": "app/schemas/items.py",
    },
    ("medium", "by_feature"): {
        "routes": "app/items/routes.py",
        "service": "app/items/service.py",
        "repository": "app/items/repository.py",
        "models": "app/items/models.py",
        "schemas": "app/items/schemas.py",
    },
    ("large", "by_layer"): {
        "routes": f"src/{PACKAGE}/api/items.py",
        "service": f"src/{PACKAGE}/services/items.py",
        "repository": f"src/{PACKAGE}/repositories/items.py",
        "models": f"src/{PACKAGE}/models/items.py",
        "schemas": f"src/{PACKAGE}/schemas/items.py",
    },
    ("large", "by_feature"): {
        "routes": f"src/{PACKAGE}/items/router.py",
        "service": f"src/{PACKAGE}/items/service.py",
        "repository": f"src/{PACKAGE}/items/repository.py",
        "models": f"src/{PACKAGE}/items/models.py",
        "schemas": f"src/{PACKAGE}/items/schemas.py",
    },
}


# Where the jobs feature (a durable task queue) and the queue's processes go, per layout:
# the worker, scheduler and healthcheck modules sit at the root, in workers/ when large.
_P = f"src/{PACKAGE}"
JOBS = {
    ("small", "by_layer"): {
        "jobs_routes": "jobs_routes.py",
        "jobs_service": "jobs_service.py",
        "jobs_repository": "jobs_repository.py",
        "jobs_schemas": "jobs_schemas.py",
        "jobs_tasks": "jobs_tasks.py",
        "jobs_queue": "jobs_queue.py",
        "worker": "worker.py",
        "scheduler": "scheduler.py",
        "worker_health": "worker_health.py",
    },
    ("medium", "by_layer"): {
        "jobs_routes": "app/routes/jobs.py",
        "jobs_service": "app/services/jobs.py",
        "jobs_repository": "app/repositories/jobs.py",
        "jobs_schemas": "app/schemas/jobs.py",
        "jobs_tasks": "app/tasks/jobs.py",
        "jobs_queue": "app/queues/jobs.py",
        "worker": "app/worker.py",
        "scheduler": "app/scheduler.py",
        "worker_health": "app/worker_health.py",
    },
    ("medium", "by_feature"): {
        "jobs_routes": "app/jobs/routes.py",
        "jobs_service": "app/jobs/service.py",
        "jobs_repository": "app/jobs/repository.py",
        "jobs_schemas": "app/jobs/schemas.py",
        "jobs_tasks": "app/jobs/tasks.py",
        "jobs_queue": "app/jobs/queue.py",
        "worker": "app/worker.py",
        "scheduler": "app/scheduler.py",
        "worker_health": "app/worker_health.py",
    },
    ("large", "by_layer"): {
        "jobs_routes": f"{_P}/api/jobs.py",
        "jobs_service": f"{_P}/services/jobs.py",
        "jobs_repository": f"{_P}/repositories/jobs.py",
        "jobs_schemas": f"{_P}/schemas/jobs.py",
        "jobs_tasks": f"{_P}/workers/jobs.py",
        "jobs_queue": f"{_P}/queues/jobs.py",
        "worker": f"{_P}/workers/worker.py",
        "scheduler": f"{_P}/workers/scheduler.py",
        "worker_health": f"{_P}/workers/health.py",
    },
    ("large", "by_feature"): {
        "jobs_routes": f"{_P}/jobs/router.py",
        "jobs_service": f"{_P}/jobs/service.py",
        "jobs_repository": f"{_P}/jobs/repository.py",
        "jobs_schemas": f"{_P}/jobs/schemas.py",
        "jobs_tasks": f"{_P}/jobs/tasks.py",
        "jobs_queue": f"{_P}/jobs/queue.py",
        "worker": f"{_P}/workers/worker.py",
        "scheduler": f"{_P}/workers/scheduler.py",
        "worker_health": f"{_P}/workers/health.py",
    },
}
JOBS_TESTS = {
    "small": ("tests/", "tests/"),
    "medium": ("tests/", "tests/"),
    "large": ("tests/unit/", "tests/integration/"),
}


@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_jobs_parts(size: str, organization: str) -> None:
    """Dramatiq has every part: the jobs layers, a worker, a scheduler and a healthcheck."""
    built = layout.build(
        answers(project_size=size, code_organization=organization, task_queue="dramatiq")
    )
    for part, path in JOBS[(size, organization)].items():
        assert built.path[part] == path, part
    unit, integration = JOBS_TESTS[size]
    assert built.path["test_jobs_api"] == f"{integration}test_jobs_api.py"
    assert built.path["test_jobs_tasks"] == f"{unit}test_jobs_tasks.py"
    assert built.path["test_jobs_worker"] == f"{integration}test_jobs_worker.py"
    # A pytest plugin the conftest loads, beside it whatever the size.
    assert built.path["tests_jobs"] == "tests/jobs.py"
    assert built.module["tests_jobs"] == "tests.jobs"


@pytest.mark.parametrize(
    ("queue", "scheduler", "health"),
    [
        # Celery beat and ARQ's cron jobs read the worker module: no scheduler module.
        ("celery", False, True),
        # ARQ checks its own worker (`arq --check`): no healthcheck module.
        ("arq", False, False),
        ("rq", True, True),
        ("dramatiq", True, True),
    ],
)
@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_worker_parts_per_queue(
    size: str, organization: str, queue: str, scheduler: bool, health: bool
) -> None:
    built = layout.build(
        answers(project_size=size, code_organization=organization, task_queue=queue)
    )
    expected = JOBS[(size, organization)]
    assert built.path["worker"] == expected["worker"]
    assert built.path["scheduler"] == (expected["scheduler"] if scheduler else "")
    assert built.path["worker_health"] == (expected["worker_health"] if health else "")
    assert ("scheduler" in built.module) is scheduler
    assert ("worker_health" in built.module) is health


def test_large_worker_packages_have_docstrings() -> None:
    built = layout.build(answers(project_size="large", task_queue="celery"))
    docs = {init["path"]: init["doc"] for init in built.packages}
    assert docs[f"{_P}/workers/__init__.py"] == layout.DOCSTRINGS["workers"]
    assert docs[f"{_P}/queues/__init__.py"] == layout.DOCSTRINGS["queues"]


@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_core_parts(size: str, organization: str) -> None:
    built = layout.build(answers(project_size=size, code_organization=organization))
    for part, path in CORE[size].items():
        assert built.path[part] == path, part


@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_feature_parts(size: str, organization: str) -> None:
    built = layout.build(answers(project_size=size, code_organization=organization))
    for layer, path in ITEMS[(size, organization)].items():
        assert built.path[f"items_{layer}"] == path, layer
        # Other features follow the same pattern.
        assert built.path[f"health_{layer}"] in {"", path.replace("items", "health")}


def test_small_ignores_code_organization() -> None:
    by_layer = layout.build(answers(project_size="small", code_organization="by_layer"))
    by_feature = layout.build(answers(project_size="small", code_organization="by_feature"))
    assert by_layer == by_feature


@pytest.mark.parametrize(
    ("size", "root", "package"),
    [("small", "", ""), ("medium", "app", "app"), ("large", f"src/{PACKAGE}", PACKAGE)],
)
def test_root_and_package(size: str, root: str, package: str) -> None:
    built = layout.build(answers(project_size=size))
    assert built.root == root
    assert built.package == package
    assert built.source_dirs == ((root,) if root else ())


def test_large_root_follows_package_name() -> None:
    built = layout.build(answers(project_size="large", package_name="billing"))
    assert built.root == "src/billing"
    assert built.path["main"] == "src/billing/main.py"
    assert built.module["main"] == "billing.main"


@pytest.mark.parametrize(
    ("size", "tests"),
    [
        (
            "small",
            {
                "test_health_api": "tests/test_health_api.py",
                "test_items_service": "tests/test_items_service.py",
                "test_settings": "tests/test_settings.py",
                "test_errors": "tests/test_errors.py",
                "test_migrations": "tests/test_migrations.py",
                "test_e2e": "",
            },
        ),
        (
            "medium",
            {
                "test_health_api": "tests/test_health_api.py",
                "test_items_service": "tests/test_items_service.py",
                "test_settings": "tests/test_settings.py",
                "test_errors": "tests/test_errors.py",
                "test_migrations": "tests/test_migrations.py",
                "test_e2e": "",
            },
        ),
        (
            "large",
            {
                "test_health_api": "tests/integration/test_health_api.py",
                "test_items_service": "tests/unit/test_items_service.py",
                "test_settings": "tests/unit/test_settings.py",
                "test_errors": "tests/integration/test_errors.py",
                "test_migrations": "tests/integration/test_migrations.py",
                "test_e2e": "tests/e2e/test_items_journey.py",
            },
        ),
    ],
)
def test_test_paths(size: str, tests: dict[str, str]) -> None:
    built = layout.build(answers(project_size=size))
    assert built.path["tests_conftest"] == "tests/conftest.py"
    for part, path in tests.items():
        assert built.path[part] == path, part
        assert built.test_path[part] == path, part


# ----------------------------------------------------------------- invariants


@EVERY_SET
def test_no_two_parts_share_a_path(a: dict[str, Any]) -> None:
    built = layout.build(a)
    used = [path for path in built.path.values() if path]
    duplicates = sorted({path for path in used if used.count(path) > 1})
    assert duplicates == []


@EVERY_SET
def test_no_module_collides_with_a_package(a: dict[str, Any]) -> None:
    """``app/items.py`` and ``app/items/`` cannot both exist."""
    built = layout.build(a)
    files = {path.removesuffix(".py") for path in built.path.values() if path}
    folders = {init["path"].removesuffix("/__init__.py") for init in built.packages}
    assert files & folders == set()


@EVERY_SET
def test_every_part_is_under_its_root(a: dict[str, Any]) -> None:
    built = layout.build(a)
    for part, path in built.path.items():
        if not path:
            continue
        assert path.endswith(".py"), part
        if part in built.test_path:
            assert path.startswith("tests/"), part
        elif built.root:
            assert path.startswith(f"{built.root}/"), part
        else:
            assert "/" not in path, part


@EVERY_SET
def test_module_names_match_paths(a: dict[str, Any]) -> None:
    built = layout.build(a)
    source_parts = {p: path for p, path in built.path.items() if path and p not in built.test_path}
    assert set(built.module) >= set(source_parts)
    for part, path in source_parts.items():
        module = built.module[part]
        assert all(name.isidentifier() for name in module.split(".")), module
        expected = path.removeprefix("src/").removesuffix(".py").replace("/", ".")
        assert module == expected, part
        if built.package:
            assert module.startswith(f"{built.package}."), part
    # Absent parts have no import name.
    assert not any(built.path[p] == "" for p in built.module)


@EVERY_SET
def test_every_package_folder_gets_an_init_with_a_docstring(a: dict[str, Any]) -> None:
    built = layout.build(a)
    inits = [init["path"] for init in built.packages]
    assert len(inits) == len(set(inits))
    for init in built.packages:
        assert init["path"].endswith("/__init__.py")
        assert init["doc"].strip(), init
        assert '"""' not in init["doc"], init
    needed = set()
    for path in built.path.values():
        folder = path.rpartition("/")[0]
        while folder and folder != "src":
            needed.add(f"{folder}/__init__.py")
            folder = folder.rpartition("/")[0]
    assert set(inits) == needed
    # The src/ folder of a large project is not a package.
    assert "src/__init__.py" not in inits


@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_package_docstrings(size: str, organization: str) -> None:
    built = layout.build(answers(project_size=size, code_organization=organization))
    docs = {init["path"]: init["doc"] for init in built.packages}
    assert docs["tests/__init__.py"] == layout.DOCSTRINGS["tests"]
    if built.root:
        assert docs[f"{built.root}/__init__.py"] == "The application package."
    if (size, organization) == ("medium", "by_layer"):
        assert docs["app/services/__init__.py"] == layout.DOCSTRINGS["services"]
    if (size, organization) == ("large", "by_feature"):
        assert docs[f"src/{PACKAGE}/items/__init__.py"] == layout.DOCSTRINGS["items"]
        core = docs[f"src/{PACKAGE}/core/__init__.py"]
        assert core.startswith(("Cross-cutting infrastructure:", "Infrastructure:"))
        assert len(core) <= layout.MAX_DOCSTRING
        assert ("database" in core) == bool(built.path["database"])


# ----------------------------------------------------------------- optional parts


@EVERY_SET
def test_optional_parts_are_empty_when_absent(a: dict[str, Any]) -> None:
    built = layout.build(a)
    present = {
        "health": True,
        "items": a["database"] != "none",
        "compute": a["workload"] != "io_bound",
        "notifications": a["task_queue"] == "background_tasks",
        "jobs": a["task_queue"] in layout.DURABLE_QUEUES,
    }
    layers = {
        "health": {"routes", "service", "schemas"},
        "items": {"routes", "service", "repository", "models", "schemas"},
        "compute": {"routes", "service", "schemas"},
        "notifications": {"routes", "service", "schemas"},
        "jobs": {"routes", "service", "repository", "schemas", "tasks", "queue"},
    }
    assert [f.name for f in layout.features_for(a)] == [n for n, on in present.items() if on]
    for feature, on in present.items():
        for layer in layout.LAYERS:
            key = f"{feature}_{layer}"
            assert (built.path[key] != "") == (on and layer in layers[feature]), key
        assert (built.path[f"test_{feature}_api"] != "") == on, feature
        # The jobs' logic is tested without a broker in test_jobs_tasks instead.
        has_service_tests = on and feature != "jobs"
        assert (built.path[f"test_{feature}_service"] != "") == has_service_tests, feature
    jobs = present["jobs"]
    for part in ("worker", "test_jobs_tasks", "test_jobs_worker", "tests_jobs"):
        assert (built.path[part] != "") == jobs, part
    assert (built.path["scheduler"] != "") == (a["task_queue"] in {"rq", "dramatiq"})
    assert (built.path["worker_health"] != "") == (jobs and a["task_queue"] != "arq")
    assert (built.path["database"] != "") == present["items"]
    sync_postgresql = a["database"] == "postgresql" and a["concurrency"] == "sync"
    assert (built.path["postgres"] != "") == sync_postgresql
    assert (built.path["test_migrations"] != "") == present["items"]
    assert (built.path["test_e2e"] != "") == (present["items"] and a["project_size"] == "large")
    # The parts every project has.
    for part in ("main", "settings", "logging", "errors", "http", "tests_conftest"):
        assert built.path[part], part
    assert built.path["test_settings"]
    assert built.path["test_errors"]


def test_attribute_access_reads_paths() -> None:
    built = layout.build(answers())
    assert built.items_routes == built.path["items_routes"] == "app/routes/items.py"
    assert built.main == "app/main.py"
    with pytest.raises(AttributeError):
        _ = built.no_such_part
