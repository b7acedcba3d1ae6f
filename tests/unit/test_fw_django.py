"""Django's facts: the layout (apps, split settings), dependencies and how it is served."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from extensions import decisions, fw_django, project, versions
from tests.support import (
    TEMPLATE_ROOT,
    bound,
    default_answers,
    requirement_names,
    template_parts,
)

TEMPLATE = TEMPLATE_ROOT / "{{ project.on.django }}"
# The framework-neutral jobs modules (repository, tasks, service, the queue libraries' files).
SHARED_JOBS_TEMPLATE = TEMPLATE_ROOT / "{{ project.on.jobs }}"
PACKAGE = "acme_orders"
LAYOUTS = [
    ("small", "by_layer"),
    *itertools.product(("medium", "large"), decisions.CHOICES["code_organization"]),
]


def answers(**overrides: Any) -> dict[str, Any]:
    return default_answers(**{"framework": "django", "project_kind": "fullstack", **overrides})


def every_django_answer_set() -> list[dict[str, Any]]:
    """Every Django combination of the axes that change the tree (that the questionnaire
    accepts: a full-stack project has a database)."""
    return [answer_set for answer_set in _django_products() if not decisions.refusals(answer_set)]


def _django_products() -> list[dict[str, Any]]:
    return [
        answers(
            project_kind=kind,
            concurrency=concurrency,
            project_size=size,
            code_organization=organization,
            database=db,
            workload=load,
        )
        for kind, concurrency, (size, organization), db, load in itertools.product(
            ("fullstack", "api"),
            decisions.CHOICES["concurrency"],
            LAYOUTS,
            decisions.CHOICES["database"],
            decisions.CHOICES["workload"],
        )
    ]


# Every task queue Django can run, with the concurrency and brokers it works with.
QUEUES = [
    ("celery", "sync", "redis"),
    ("celery", "async", "rabbitmq"),
    ("dramatiq", "sync", "rabbitmq"),
    ("dramatiq", "async", "redis"),
    ("rq", "sync", "redis"),
    ("arq", "async", "redis"),
]


def every_jobs_answer_set() -> list[dict[str, Any]]:
    """Every layout and database with every task queue (the axes the jobs parts depend on)."""
    return [
        answers(
            project_kind="api",
            concurrency=concurrency,
            project_size=size,
            code_organization=organization,
            database=db,
            task_queue=queue,
            broker=broker,
        )
        for (queue, concurrency, broker), (size, organization), db in itertools.product(
            QUEUES, LAYOUTS, decisions.CHOICES["database"]
        )
    ]


ID_KEYS = (
    "project_kind",
    "concurrency",
    "project_size",
    "code_organization",
    "database",
    "workload",
    "task_queue",
    "broker",
)
EVERY_SET = pytest.mark.parametrize(
    "a",
    every_django_answer_set() + every_jobs_answer_set(),
    ids=lambda a: "-".join(str(a[k]) for k in ID_KEYS),
)


# ----------------------------------------------------------------- where things go

CONFIG = {"small": "config", "medium": "config", "large": f"src/{PACKAGE}/config"}
CORE = {"small": "core", "medium": "app/core", "large": f"src/{PACKAGE}/core"}

ITEMS = {
    ("small", "by_layer"): {
        "routes": "items/api.py",
        "service": "items/services.py",
        "selectors": "items/selectors.py",
        "models": "items/models.py",
        "serializers": "items/serializers.py",
        "views": "items/views.py",
        "urls": "items/urls.py",
        "apps": "items/apps.py",
        "admin": "items/admin.py",
        "migration": "items/migrations/0001_initial.py",
    },
    ("medium", "by_feature"): {
        "routes": "app/items/api.py",
        "service": "app/items/services.py",
        "selectors": "app/items/selectors.py",
        "models": "app/items/models.py",
        "serializers": "app/items/serializers.py",
        "views": "app/items/views.py",
        "urls": "app/items/urls.py",
        "apps": "app/items/apps.py",
        "admin": "app/items/admin.py",
        "migration": "app/items/migrations/0001_initial.py",
    },
    ("medium", "by_layer"): {
        "routes": "app/api/items.py",
        "service": "app/services/items.py",
        "selectors": "app/selectors/items.py",
        "models": "app/models/items.py",
        "serializers": "app/serializers/items.py",
        "views": "app/views/items.py",
        "urls": "",
        "apps": "",
        "admin": "app/admin.py",
        "migration": "app/migrations/0001_initial.py",
    },
    ("large", "by_feature"): {
        "routes": f"src/{PACKAGE}/items/api.py",
        "service": f"src/{PACKAGE}/items/services.py",
        "selectors": f"src/{PACKAGE}/items/selectors.py",
        "models": f"src/{PACKAGE}/items/models.py",
        "serializers": f"src/{PACKAGE}/items/serializers.py",
        "views": f"src/{PACKAGE}/items/views.py",
        "urls": f"src/{PACKAGE}/items/urls.py",
        "apps": f"src/{PACKAGE}/items/apps.py",
        "admin": f"src/{PACKAGE}/items/admin.py",
        "migration": f"src/{PACKAGE}/items/migrations/0001_initial.py",
    },
    ("large", "by_layer"): {
        "routes": f"src/{PACKAGE}/api/items.py",
        "service": f"src/{PACKAGE}/services/items.py",
        "selectors": f"src/{PACKAGE}/selectors/items.py",
        "models": f"src/{PACKAGE}/models/items.py",
        "serializers": f"src/{PACKAGE}/serializers/items.py",
        "views": f"src/{PACKAGE}/views/items.py",
        "urls": "",
        "apps": "",
        "admin": f"src/{PACKAGE}/admin.py",
        "migration": f"src/{PACKAGE}/migrations/0001_initial.py",
    },
}


@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_config_and_core(size: str, organization: str) -> None:
    built = fw_django.build_layout(answers(project_size=size, code_organization=organization))
    config, core = CONFIG[size], CORE[size]

    assert built.path["manage"] == "manage.py"
    assert built.path["main"] == f"{config}/urls.py"
    assert built.path["environment"] == f"{config}/environment.py"
    for name, part in (("base", "settings"), ("dev", "settings_dev"), ("prod", "settings_prod")):
        assert built.path[part] == f"{config}/settings/{name}.py"
    assert built.path["settings_test"] == f"{config}/settings/test.py"
    for part in ("errors", "logging", "http", "rest"):
        assert built.path[part] == f"{core}/{part}.py"


@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_items_parts(size: str, organization: str) -> None:
    built = fw_django.build_layout(answers(project_size=size, code_organization=organization))

    for layer, path in ITEMS[(size, organization)].items():
        assert built.path[f"items_{layer}"] == path, layer


JOBS_PARTS = (
    "jobs_routes",
    "jobs_serializers",
    "jobs_service",
    "jobs_repository",
    "jobs_tasks",
    "jobs_queue",
)
JOBS = {
    ("small", "by_layer"): {
        "jobs_routes": "jobs/api.py",
        "jobs_serializers": "jobs/serializers.py",
        "jobs_service": "jobs/services.py",
        "jobs_repository": "jobs/repository.py",
        "jobs_tasks": "jobs/tasks.py",
        "jobs_queue": "jobs/queue.py",
        "jobs_urls": "jobs/urls.py",
        "worker": "jobs/worker.py",
        "scheduler": "jobs/scheduler.py",
        "worker_health": "jobs/worker_health.py",
    },
    ("medium", "by_feature"): {
        "jobs_routes": "app/jobs/api.py",
        "jobs_serializers": "app/jobs/serializers.py",
        "jobs_service": "app/jobs/services.py",
        "jobs_repository": "app/jobs/repository.py",
        "jobs_tasks": "app/jobs/tasks.py",
        "jobs_queue": "app/jobs/queue.py",
        "jobs_urls": "app/jobs/urls.py",
        "worker": "app/jobs/worker.py",
        "scheduler": "app/jobs/scheduler.py",
        "worker_health": "app/jobs/worker_health.py",
    },
    ("medium", "by_layer"): {
        "jobs_routes": "app/api/jobs.py",
        "jobs_serializers": "app/serializers/jobs.py",
        "jobs_service": "app/services/jobs.py",
        "jobs_repository": "app/repositories/jobs.py",
        "jobs_tasks": "app/tasks/jobs.py",
        "jobs_queue": "app/queues/jobs.py",
        "jobs_urls": "",
        "worker": "app/worker.py",
        "scheduler": "app/scheduler.py",
        "worker_health": "app/worker_health.py",
    },
    ("large", "by_feature"): {
        "jobs_routes": f"src/{PACKAGE}/jobs/api.py",
        "jobs_serializers": f"src/{PACKAGE}/jobs/serializers.py",
        "jobs_service": f"src/{PACKAGE}/jobs/services.py",
        "jobs_repository": f"src/{PACKAGE}/jobs/repository.py",
        "jobs_tasks": f"src/{PACKAGE}/jobs/tasks.py",
        "jobs_queue": f"src/{PACKAGE}/jobs/queue.py",
        "jobs_urls": f"src/{PACKAGE}/jobs/urls.py",
        "worker": f"src/{PACKAGE}/jobs/worker.py",
        "scheduler": f"src/{PACKAGE}/jobs/scheduler.py",
        "worker_health": f"src/{PACKAGE}/jobs/worker_health.py",
    },
    ("large", "by_layer"): {
        "jobs_routes": f"src/{PACKAGE}/api/jobs.py",
        "jobs_serializers": f"src/{PACKAGE}/serializers/jobs.py",
        "jobs_service": f"src/{PACKAGE}/services/jobs.py",
        "jobs_repository": f"src/{PACKAGE}/repositories/jobs.py",
        # The job logic sits beside the worker processes.
        "jobs_tasks": f"src/{PACKAGE}/workers/jobs.py",
        "jobs_queue": f"src/{PACKAGE}/queues/jobs.py",
        "jobs_urls": "",
        "worker": f"src/{PACKAGE}/workers/worker.py",
        "scheduler": f"src/{PACKAGE}/workers/scheduler.py",
        "worker_health": f"src/{PACKAGE}/workers/health.py",
    },
}


@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_jobs_parts(size: str, organization: str) -> None:
    """By feature (and small) one jobs package holds the worker too; by layer, as elsewhere."""
    a = answers(
        project_size=size, code_organization=organization, task_queue="dramatiq", concurrency="sync"
    )
    built = fw_django.build_layout(a)

    for part, path in JOBS[(size, organization)].items():
        assert built.path[part] == path, part


@pytest.mark.parametrize(
    ("size", "tests"),
    [
        (
            "medium",
            {
                "test_jobs_api": "tests/test_jobs_api.py",
                "test_jobs_tasks": "tests/test_jobs_tasks.py",
                "test_jobs_worker": "tests/test_jobs_worker.py",
                "tests_jobs": "tests/jobs.py",
            },
        ),
        (
            "large",
            {
                "test_jobs_api": "tests/integration/test_jobs_api.py",
                "test_jobs_tasks": "tests/unit/test_jobs_tasks.py",
                "test_jobs_worker": "tests/integration/test_jobs_worker.py",
                "tests_jobs": "tests/jobs.py",
            },
        ),
    ],
)
def test_jobs_test_paths(size: str, tests: dict[str, str]) -> None:
    built = fw_django.build_layout(answers(project_size=size, task_queue="celery"))

    for part, path in tests.items():
        assert built.path[part] == built.test_path[part] == path, part


@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_the_jobs_package_is_no_django_app(size: str, organization: str) -> None:
    """It has no models: no AppConfig, and INSTALLED_APPS does not list it."""
    a = answers(project_size=size, code_organization=organization, task_queue="celery")
    built = fw_django.build_layout(a)
    facts = fw_django.runtime(a, built).facts

    assert built.path["jobs_apps"] == ""
    assert not any(app.endswith("jobs") for app in facts["installed_apps"])
    assert facts["has_rest"] is True


def test_the_worker_runs_the_jobs_package() -> None:
    """The queue facts (worker argv, coverage omissions) follow Django's placement."""
    a = answers(project_size="medium", code_organization="by_feature", task_queue="rq")
    facts = project.for_answers(a)

    assert facts.jobs is not None
    assert facts.jobs.worker == ("python", "-m", "app.jobs.worker")
    assert facts.jobs.scheduler == ("python", "-m", "app.jobs.scheduler")
    assert "app/jobs/worker.py" in facts.coverage_omit
    assert facts.setting("redis_url") == "settings.REDIS_URL"
    assert facts.on["jobs"] == facts.on["rq"] == "."


@pytest.mark.parametrize(
    ("size", "organization", "app", "apps"),
    [
        ("small", "by_layer", "", ("health", "items", "compute")),
        ("medium", "by_feature", "", ("app.health", "app.items", "app.compute")),
        ("medium", "by_layer", "app/apps.py", ("app",)),
        (
            "large",
            "by_feature",
            "",
            tuple(f"{PACKAGE}.{n}" for n in ("health", "items", "compute")),
        ),
        ("large", "by_layer", f"src/{PACKAGE}/apps.py", (PACKAGE,)),
    ],
)
def test_django_apps(size: str, organization: str, app: str, apps: tuple[str, ...]) -> None:
    """By feature, every feature is an app; by layer, the package is the one app."""
    a = answers(project_size=size, code_organization=organization, workload="mixed")
    built = fw_django.build_layout(a)
    facts = fw_django.runtime(a, built).facts

    assert built.path["app_config"] == app
    assert facts["installed_apps"] == apps
    if app:
        assert built.path["models_init"] == app.replace("apps.py", "models/__init__.py")
        assert facts["items_app_label"] == apps[0].rsplit(".", 1)[-1]
        assert not built.path["items_apps"]
    else:
        assert facts["items_app_label"] == "items"
        for feature in ("health", "items", "compute"):
            assert built.path[f"{feature}_apps"].endswith(f"{feature}/apps.py")


def test_a_by_layer_models_package_imports_its_models() -> None:
    built = fw_django.build_layout(answers(code_organization="by_layer"))

    assert built.path["models_init"] == "app/models/__init__.py"
    # Rendered from its own template, not the docstring-only package file.
    assert "app/models/__init__.py" not in [p["path"] for p in built.packages]


def test_small_ignores_code_organization() -> None:
    by_layer = fw_django.build_layout(answers(project_size="small", code_organization="by_layer"))
    by_feature = fw_django.build_layout(
        answers(project_size="small", code_organization="by_feature")
    )

    assert by_layer == by_feature


@pytest.mark.parametrize(
    ("size", "root", "package"),
    [("small", "", ""), ("medium", "app", "app"), ("large", f"src/{PACKAGE}", PACKAGE)],
)
def test_root_and_package(size: str, root: str, package: str) -> None:
    built = fw_django.build_layout(answers(project_size=size))

    assert (built.root, built.package) == (root, package)
    assert built.source_dirs == ((root,) if root else ())


@pytest.mark.parametrize(
    ("size", "tests"),
    [
        (
            "medium",
            {
                "test_health_api": "tests/test_health_api.py",
                "test_items_service": "tests/test_items_service.py",
                "test_items_pages": "tests/test_items_pages.py",
                "test_settings": "tests/test_settings.py",
                "test_migrations": "tests/test_migrations.py",
                "test_e2e": "",
            },
        ),
        (
            "large",
            {
                "test_health_api": "tests/integration/test_health_api.py",
                "test_items_service": "tests/unit/test_items_service.py",
                "test_items_pages": "tests/integration/test_items_pages.py",
                "test_settings": "tests/unit/test_settings.py",
                "test_migrations": "tests/integration/test_migrations.py",
                "test_e2e": "tests/e2e/test_items_journey.py",
            },
        ),
    ],
)
def test_test_paths(size: str, tests: dict[str, str]) -> None:
    built = fw_django.build_layout(answers(project_size=size))

    for part, path in tests.items():
        assert built.path[part] == built.test_path[part] == path, part


# ----------------------------------------------------------------- invariants


@EVERY_SET
def test_no_two_parts_share_a_path(a: dict[str, Any]) -> None:
    used = [path for path in fw_django.build_layout(a).path.values() if path]

    assert sorted({path for path in used if used.count(path) > 1}) == []


@EVERY_SET
def test_module_names_follow_the_paths(a: dict[str, Any]) -> None:
    built = fw_django.build_layout(a)

    for part, path in built.path.items():
        if path.endswith(".py") and "/migrations/" not in path:
            module = built.module[part]
            assert all(name.isidentifier() for name in module.split(".")), module
            expected = path.removeprefix("src/").removesuffix(".py").removesuffix("/__init__")
            assert expected == module.replace(".", "/")
            if built.package and part not in built.test_path and part != "manage":
                assert module.startswith(f"{built.package}.") or module.startswith("config.")
    assert not any(built.path[part] == "" for part in built.module)


@EVERY_SET
def test_every_package_folder_gets_an_init(a: dict[str, Any]) -> None:
    built = fw_django.build_layout(a)
    inits = {init["path"] for init in built.packages}
    if built.path["models_init"]:
        inits.add(built.path["models_init"])
    needed = set()
    for path in built.path.values():
        if not path.endswith(".py"):
            continue
        folder = path.rpartition("/")[0]
        while folder and folder != "src":
            needed.add(f"{folder}/__init__.py")
            folder = folder.rpartition("/")[0]

    assert inits == needed
    assert all(init["doc"].strip() and '"""' not in init["doc"] for init in built.packages)
    assert "src/__init__.py" not in inits


@EVERY_SET
def test_optional_parts_are_empty_when_absent(a: dict[str, Any]) -> None:
    built = fw_django.build_layout(a)
    has_db = a["database"] != "none"
    pages = has_db and a["project_kind"] == "fullstack"
    jobs = a["task_queue"] != "none"

    assert [f.name for f in built.features] == [
        name
        for name, on in (
            ("health", True),
            ("items", has_db),
            ("compute", a["workload"] != "io_bound"),
            ("jobs", jobs),
        )
        if on
    ]
    for part in ("items_models", "items_admin", "items_migration", "test_migrations"):
        assert bool(built.path[part]) == has_db, part
    # Django REST Framework serves the items API and the jobs API.
    assert bool(built.path["rest"]) == (has_db or jobs)
    for part in (*JOBS_PARTS, "worker", "test_jobs_api", "test_jobs_worker", "tests_jobs"):
        assert bool(built.path[part]) == jobs, part
    assert bool(built.path["scheduler"]) == (a["task_queue"] in {"rq", "dramatiq"})
    assert bool(built.path["worker_health"]) == (jobs and a["task_queue"] != "arq")
    for part in ("jobs_schemas", "jobs_models", "jobs_apps", "test_jobs_service"):
        assert built.path[part] == "", part
    for part in ("items_views", "template_item_list", "test_items_pages"):
        assert bool(built.path[part]) == pages, part
    assert bool(built.path["tests_database"]) == (a["database"] == "postgresql")
    for part in ("compute_routes", "compute_service", "compute_forms", "test_compute_api"):
        assert bool(built.path[part]) == (a["workload"] != "io_bound"), part
    assert bool(built.path["asgi"]) == (a["concurrency"] == "async") != bool(built.path["wsgi"])


@EVERY_SET
def test_every_part_has_a_template(a: dict[str, Any]) -> None:
    """A part the layout places is rendered by a Django template named after it."""
    templates = template_parts(TEMPLATE, SHARED_JOBS_TEMPLATE)
    placed = {part for part, path in fw_django.build_layout(a).path.items() if path}

    assert placed <= templates


# ----------------------------------------------------------------- dependencies


@EVERY_SET
def test_dependencies_name_known_versions(a: dict[str, Any]) -> None:
    assert set(fw_django.dependencies(a)) <= set(versions.RUNTIME)
    assert set(fw_django.dev_dependencies(a)) <= set(versions.DEV)


def test_runtime_dependencies_follow_the_answers() -> None:
    small = requirement_names(
        fw_django.dependencies(answers(project_size="small", database="none", concurrency="sync")),
        versions.RUNTIME,
    )
    large = requirement_names(
        fw_django.dependencies(answers(project_size="large", concurrency="async")),
        versions.RUNTIME,
    )

    assert small == {"django", "whitenoise", "structlog", "python-dotenv", "httpx", "gunicorn"}
    assert large == (small - {"gunicorn"}) | {
        "djangorestframework",
        "drf-spectacular",
        "dj-database-url",
        "django-stubs-ext",
        "tenacity",
        "uvicorn",
    }
    assert not {"fastapi", "sqlalchemy", "alembic", "pydantic"} & (small | large)


def test_the_jobs_api_brings_django_rest_framework() -> None:
    """Without a database the jobs API still needs DRF (and its stubs and mypy plugin)."""
    a = answers(database="none", task_queue="celery", concurrency="sync")
    runtime = fw_django.runtime(a, fw_django.build_layout(a))
    facts = project.for_answers(a)

    assert "djangorestframework" in fw_django.dependencies(a)
    assert "djangorestframework-stubs" in fw_django.dev_dependencies(a)
    assert "mypy_drf_plugin.main" in runtime.mypy_plugins
    assert not {"dj-database-url", "django-stubs-ext"} & set(fw_django.dependencies(a))
    # The queue library comes from extensions/queues.py.
    assert {"celery", "redis"} <= {Requirement(line).name for line in facts.dependencies}


def test_postgresql_brings_psycopg_and_its_pool() -> None:
    sqlite = requirement_names(fw_django.dependencies(answers(database="sqlite")), versions.RUNTIME)
    postgresql = requirement_names(
        fw_django.dependencies(answers(database="postgresql")), versions.RUNTIME
    )

    assert postgresql - sqlite == {"psycopg", "psycopg-pool"}
    assert "binary" in Requirement(versions.RUNTIME["psycopg"]).extras
    assert not {"asyncpg", "sqlalchemy"} & postgresql


def test_dev_dependencies_follow_the_answers() -> None:
    sync = set(fw_django.dev_dependencies(answers(database="none", concurrency="sync")))
    full = set(fw_django.dev_dependencies(answers(concurrency="async")))

    assert sync == {
        "pytest",
        "pytest-cov",
        "pytest-django",
        "mypy",
        "django-stubs",
        "ruff",
        "pre-commit",
    }
    # The contract tests come with the OpenAPI schema, which only the REST API has.
    assert full == sync | {
        "djangorestframework-stubs",
        "pytest-asyncio",
        "schemathesis",
        "hypothesis",
    }


def test_the_stubs_match_the_framework_versions() -> None:
    """django-stubs X.Y types Django X.Y; the DRF stubs follow DRF the same way: the same
    feature release at the floor (a stubs patch release may be the lowest that resolves)
    and the same cap."""

    def bounds(requirement: str) -> tuple[tuple[int, ...], str]:
        return Version(bound(requirement, ">=")).release[:2], bound(requirement, "<")

    for runtime, stubs in (
        (versions.RUNTIME["django"], versions.DEV["django-stubs"]),
        (versions.RUNTIME["djangorestframework"], versions.DEV["djangorestframework-stubs"]),
        (versions.RUNTIME["django-stubs-ext"], versions.DEV["django-stubs"]),
    ):
        assert bounds(runtime) == bounds(stubs), (runtime, stubs)


# ----------------------------------------------------------------- runtime


@EVERY_SET
def test_the_server_listens_on_port_8000(a: dict[str, Any]) -> None:
    built = fw_django.build_layout(a)
    runtime = fw_django.runtime(a, built)
    config = runtime.facts["config"]

    if a["concurrency"] == "async":
        assert runtime.serve[:2] == ("uvicorn", f"{config}.asgi:application")
        assert runtime.serve[runtime.serve.index("--port") + 1] == "8000"
        assert runtime.dev_server == f"uvicorn {config}.asgi:application --reload"
    else:
        assert (runtime.serve[0], runtime.serve[-1]) == ("gunicorn", f"{config}.wsgi")
        assert runtime.serve[runtime.serve.index("--bind") + 1] == "0.0.0.0:8000"
        assert runtime.serve[runtime.serve.index("--worker-class") + 1] == "gthread"
        assert runtime.dev_server == "python manage.py runserver"
    assert config == built.module["main"].removesuffix(".urls")
    assert dict(runtime.docker_env) == {"WEB_CONCURRENCY": "2"}


@EVERY_SET
def test_database_facts_appear_only_with_a_database(a: dict[str, Any]) -> None:
    runtime = fw_django.runtime(a, fw_django.build_layout(a))

    if a["database"] == "none":
        assert (runtime.migrate, runtime.database_url) == ((), "")
        # Django REST Framework comes with the jobs API even without a database.
        drf = ("mypy_drf_plugin.main",) if a["task_queue"] != "none" else ()
        assert runtime.mypy_plugins == ("mypy_django_plugin.main", *drf)
        assert runtime.docs_path == "/health/live"
    else:
        assert runtime.migrate == ("python", "manage.py", "migrate", "--noinput")
        expected_url = {
            "sqlite": "sqlite:///./data/app.db",
            # libpq's own scheme: dj-database-url, psql and psycopg all read it.
            "postgresql": f"postgresql://postgres:postgres@localhost:5432/{PACKAGE}",
        }
        assert runtime.database_url == expected_url[a["database"]]
        assert runtime.mypy_plugins == ("mypy_django_plugin.main", "mypy_drf_plugin.main")
        assert runtime.docs_path == ("/" if a["project_kind"] == "fullstack" else "/api/v1/items")


@pytest.mark.parametrize(
    ("size", "organization", "copied"),
    [
        ("small", "by_layer", ("manage.py", "config", "core", "health", "items", "compute")),
        ("medium", "by_feature", ("manage.py", "config", "app")),
        ("large", "by_layer", ("manage.py",)),
    ],
)
def test_the_image_copies_what_is_not_installed(
    size: str, organization: str, copied: tuple[str, ...]
) -> None:
    a = answers(project_size=size, code_organization=organization, workload="cpu_bound")
    runtime = fw_django.runtime(a, fw_django.build_layout(a))

    assert runtime.docker_copy == copied
    assert runtime.docker_prepare == (
        "ENVIRONMENT=development python manage.py collectstatic --noinput",
    )


@pytest.mark.parametrize(
    ("size", "settings"),
    [("small", "config.settings.test"), ("large", f"{PACKAGE}.config.settings.test")],
)
def test_tools_use_the_test_settings(size: str, settings: str) -> None:
    a = answers(project_size=size, concurrency="sync")
    runtime = fw_django.runtime(a, fw_django.build_layout(a))

    assert dict(runtime.pytest_options) == {"DJANGO_SETTINGS_MODULE": f'"{settings}"'}
    assert runtime.tool_tables.startswith(
        f'[tool.django-stubs]\ndjango_settings_module = "{settings}"\n'
    )
    assert ("DJ", "flake8-django") in runtime.ruff_rules
    assert runtime.coverage_omit == ("*/migrations/*",)


def test_async_tests_run_under_pytest_asyncio() -> None:
    a = answers(concurrency="async")
    options = dict(fw_django.runtime(a, fw_django.build_layout(a)).pytest_options)

    assert options["asyncio_mode"] == '"auto"'


def test_postgresql_urls_use_the_django_scheme() -> None:
    """The shared files (compose, CI, .env.example) build their URLs from this scheme."""
    facts = project.for_answers(answers(database="postgresql"))

    assert facts.database_scheme == "postgresql"
    assert facts.postgres_url("db", PACKAGE, "secret") == (
        f"postgresql://postgres:secret@db:5432/{PACKAGE}"
    )
    assert facts.path["tests_database"] == "tests/database.py"
    assert facts.on["postgresql"] == "."


def test_the_project_facts_use_the_django_layout() -> None:
    facts = project.for_answers(answers(project_size="medium", code_organization="by_feature"))

    assert facts.path["items_selectors"] == "app/items/selectors.py"
    assert facts.imports(("items_selectors", "item_list"), ("environment", "x")) == (
        "from app.items.selectors import item_list\nfrom config.environment import x"
    )
    assert facts.fw["settings_module"] == "config.settings"
    assert facts.on["django"] == "."


@pytest.mark.parametrize(
    ("overrides", "documented"),
    [
        ({"database": "sqlite"}, True),
        ({"database": "none", "task_queue": "celery", "concurrency": "sync"}, True),
        # ARQ's jobs API is plain async views, which drf-spectacular cannot document.
        ({"database": "none", "task_queue": "arq", "concurrency": "async"}, False),
        ({"database": "none"}, False),
    ],
)
def test_the_drf_views_get_an_openapi_schema(overrides: dict[str, Any], documented: bool) -> None:
    """drf-spectacular, its module, `make openapi` and the mypy override come together."""
    a = answers(project_kind="api", **overrides)
    built = fw_django.build_layout(a)
    runtime = fw_django.runtime(a, built)

    assert ("drf-spectacular" in fw_django.dependencies(a)) is documented
    assert bool(built.path["openapi"]) is bool(built.path["api_docs"]) is documented
    assert runtime.facts["has_openapi"] is documented
    assert runtime.openapi == (fw_django.OPENAPI_COMMAND if documented else ())
    assert ("[[tool.mypy.overrides]]" in runtime.tool_tables) is documented


def test_gunicorn_takes_its_longest_bounded_request_line() -> None:
    a = answers(concurrency="sync")
    serve = fw_django.runtime(a, fw_django.build_layout(a)).serve

    assert serve[-1] == "config.wsgi"
    assert serve[serve.index("--limit-request-line") + 1] == "8190"
