"""Where each logical part of a generated project lives, and what it is called.

The layout contract (GUIDE section 2) places the same parts - settings, app
factory, routes, services, repositories, models, schemas, tests - according to
``project_size`` and ``code_organization``. :func:`build` computes every path
and import name once; template file names and imports read them.

A path of ``""`` means "this project has no such part": Copier skips a file
whose name renders empty, which is how optional parts stay out of the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import options
from .options.slots import Feature

# Layers of a feature, and the folder each one gets in a by-layer package.
LAYER_DIRS = {
    "routes": "routes",
    "service": "services",
    "repository": "repositories",
    "models": "models",
    "schemas": "schemas",
    "tasks": "tasks",
    "queue": "queues",
}
# The folder names a large by-layer project uses instead (GUIDE: api/, services/, workers/...).
LARGE_LAYER_DIRS = {**LAYER_DIRS, "routes": "api", "tasks": "workers"}
# The file names inside a by-feature package.
FEATURE_FILES = {
    "routes": "routes",
    "service": "service",
    "repository": "repository",
    "models": "models",
    "schemas": "schemas",
    "tasks": "tasks",
    "queue": "queue",
}
LAYERS = tuple(FEATURE_FILES)
# The processes a task queue runs besides the web server: the worker, the scheduler of the
# periodic job (RQ and Dramatiq; Celery beat and ARQ cron read the worker module) and the
# containers' healthcheck. Flat in small and medium projects, in workers/ in large ones.
WORKER_PARTS = {"worker": "worker", "scheduler": "scheduler", "worker_health": "worker_health"}
WORKER_LARGE = {
    "worker": "workers/worker",
    "scheduler": "workers/scheduler",
    "worker_health": "workers/health",
}
LARGE_FEATURE_FILES = {**FEATURE_FILES, "routes": "router"}

# Core modules: where they go in a package, and their flat (small) names. The
# flat names avoid the standard library (``logging``) and common packages.
CORE_PACKAGE = {
    "main": "main",
    "settings": "settings",
    "logging": "logging",
    "errors": "errors",
    "database": "database",
    "http": "http_client",
    "security": "security",
    "postgres": "postgres",
}
CORE_LARGE = {
    "main": "main",
    "settings": "core/config",
    "logging": "core/logging",
    "errors": "core/errors",
    "database": "core/database",
    "http": "core/http",
    "security": "core/security",
    "postgres": "core/postgres",
}
CORE_FLAT = {
    "main": "main",
    "settings": "settings",
    "logging": "logs",
    "errors": "errors",
    "database": "database",
    "http": "http_client",
    "security": "security",
    "postgres": "postgres",
}

DOCSTRINGS = {
    "routes": "HTTP routes: parse the request, call a service, shape the response.",
    "api": "HTTP routes: parse the request, call a service, shape the response.",
    "services": "Business logic. Services call repositories, never the HTTP layer.",
    "repositories": "Data access. The only layer that builds queries.",
    "models": "SQLAlchemy models.",
    "schemas": "Pydantic schemas for requests and responses.",
    "items": "The items feature: an example resource with full CRUD.",
    "health": "Liveness and readiness probes.",
    "compute": "CPU-heavy or blocking work, offloaded so the server keeps answering.",
    "notifications": "Fire-and-forget notifications, run after the response is sent.",
    "jobs": "Durable jobs: submitted through the API, run by the worker, their status in Redis.",
    "tasks": "Job logic the worker runs: plain functions, testable without a broker.",
    "workers": "The worker processes: job logic, the queue's worker and its scheduler.",
    "queues": "Clients that hand jobs to the task queue.",
    "tests": "Tests.",
    "unit": "Unit tests: services and repositories against a real database session.",
    "integration": "Integration tests: the HTTP API through the ASGI app.",
    "e2e": "End-to-end tests: whole user journeys through the API.",
}


def features_for(answers: Mapping[str, Any]) -> tuple[Feature, ...]:
    """The example features this combination renders: health, then the options'."""
    return (Feature("health", ("routes", "service", "schemas")), *options.features(answers))


DURABLE_QUEUES = frozenset({"celery", "arq", "rq", "dramatiq"})


def worker_paths(answers: Mapping[str, Any], root: str) -> dict[str, str]:
    """The worker, scheduler and healthcheck modules (empty where the queue needs none)."""
    queue = answers["task_queue"]
    if queue not in DURABLE_QUEUES:
        return dict.fromkeys(WORKER_PARTS, "")
    names = WORKER_LARGE if answers["project_size"] == "large" else WORKER_PARTS
    paths = {part: f"{root}{name}.py" for part, name in names.items()}
    if queue not in {"rq", "dramatiq"}:
        paths["scheduler"] = ""
    if queue == "arq":
        paths["worker_health"] = ""
    return paths


def option_paths(answers: Mapping[str, Any], core: str) -> tuple[dict[str, str], dict[str, str]]:
    """The options' own modules and their tests: every module an option may add (empty
    where it adds none), those it adds in ``core`` (the folder of the logging and security
    modules); its tests beside the integration tests."""
    modules = dict.fromkeys(options.parts(), "")
    for part in options.core_modules(answers):
        modules[part] = f"{core}{part}.py"
    suite = "tests/integration/" if answers["project_size"] == "large" else "tests/"
    return modules, {part: f"{suite}{part}.py" for part in options.test_modules(answers)}


@dataclass(frozen=True)
class Layout:
    """Paths (relative to the project root) and dotted module names of every part."""

    root: str  # the package folder ("" for the flat small layout)
    package: str  # the import name of that package ("" for flat)
    path: dict[str, str] = field(default_factory=dict)
    module: dict[str, str] = field(default_factory=dict)
    packages: tuple[dict[str, str], ...] = ()
    source_dirs: tuple[str, ...] = ()
    test_path: dict[str, str] = field(default_factory=dict)
    features: tuple[Feature, ...] = ()

    def __getattr__(self, name: str) -> str:
        # ``layout.items_routes`` reads as the path; Jinja falls back here.
        try:
            return self.path[name]
        except KeyError:
            raise AttributeError(name) from None


def _module_of(path: str) -> str:
    dotted = path.removeprefix("src/").removesuffix(".py").replace("/", ".")
    return dotted.removesuffix(".__init__")


def _patient_psycopg(answers: Mapping[str, Any]) -> bool:
    """Whether SQLAlchemy talks to PostgreSQL through sync psycopg (FastAPI sync, Flask).

    psycopg has no client-side timeout of its own: the project's postgres module gives
    its connections one (asyncpg has ``command_timeout``; Django's pool is configured in
    its settings).
    """
    return (
        answers["database"] == "postgresql"
        and answers.get("framework", "fastapi") in ("fastapi", "flask")
        and answers["concurrency"] == "sync"
    )


def build(answers: Mapping[str, Any]) -> Layout:
    """Compute the placement of every part for one set of answers."""
    size = answers["project_size"]
    by_feature = size != "small" and answers["code_organization"] == "by_feature"
    features = features_for(answers)

    if size == "small":
        root, core = "", CORE_FLAT
    elif size == "medium":
        root, core = "app/", CORE_PACKAGE
    else:
        root, core = f"src/{answers['package_name']}/", CORE_LARGE

    paths: dict[str, str] = {}
    for part, name in core.items():
        paths[part] = f"{root}{name}.py"
    option_modules, option_tests = option_paths(
        answers, f"{root}core/" if size == "large" else root
    )
    paths.update(option_modules)
    if answers["database"] == "none":
        paths["database"] = ""
    if not _patient_psycopg(answers):
        paths["postgres"] = ""

    for feature in features:
        for layer in LAYERS:
            key = f"{feature.name}_{layer}"
            if layer not in feature.layers:
                paths[key] = ""
            elif size == "small":
                paths[key] = f"{feature.name}_{layer}.py"
            elif by_feature:
                files = LARGE_FEATURE_FILES if size == "large" else FEATURE_FILES
                paths[key] = f"{root}{feature.name}/{files[layer]}.py"
            else:
                dirs = LARGE_LAYER_DIRS if size == "large" else LAYER_DIRS
                paths[key] = f"{root}{dirs[layer]}/{feature.name}.py"
    # Features this combination leaves out still get (empty) entries, so a
    # template can name any part without knowing which features exist.
    for name in ("items", "compute", "notifications", "jobs"):
        for layer in LAYERS:
            paths.setdefault(f"{name}_{layer}", "")
    paths.update(worker_paths(answers, root))

    tests = {**_test_paths(size, features), **option_tests}
    # The postgres module's own test: a server that freezes mid-statement.
    folder = "tests/integration/" if size == "large" else "tests/"
    tests["test_postgres"] = f"{folder}test_postgres.py" if paths["postgres"] else ""
    paths.update(tests)
    modules = {part: _module_of(path) for part, path in paths.items() if path}

    packages = _packages(root, paths, options.core_modules(answers))
    source_dirs = (root.rstrip("/"),) if root else ()
    return Layout(
        root=root.rstrip("/"),
        package=_module_of(root.rstrip("/")) if root else "",
        path=paths,
        module=modules,
        packages=packages,
        source_dirs=source_dirs,
        test_path=tests,
        features=features,
    )


def _test_paths(size: str, features: tuple[Feature, ...]) -> dict[str, str]:
    names = {f.name for f in features}
    split = size == "large"
    unit = "tests/unit/" if split else "tests/"
    integration = "tests/integration/" if split else "tests/"
    tests = {"tests_conftest": "tests/conftest.py"}
    for name in ("health", "items", "compute", "notifications", "jobs"):
        present = name in names
        tests[f"test_{name}_api"] = f"{integration}test_{name}_api.py" if present else ""
        tests[f"test_{name}_service"] = (
            f"{unit}test_{name}_service.py" if present and name != "jobs" else ""
        )
    jobs = "jobs" in names
    # The job logic without a broker; the worker process against the real broker.
    tests["test_jobs_tasks"] = f"{unit}test_jobs_tasks.py" if jobs else ""
    tests["test_jobs_worker"] = f"{integration}test_jobs_worker.py" if jobs else ""
    # Redis, queue isolation, the worker process and a webhook receiver (a pytest plugin).
    tests["tests_jobs"] = "tests/jobs.py" if jobs else ""
    tests["test_settings"] = f"{unit}test_settings.py"
    tests["test_logging"] = f"{unit}test_logging.py"
    tests["test_errors"] = f"{integration}test_errors.py"
    # Trusted hosts, body limits and headers; the items API under malformed input.
    tests["test_security"] = f"{integration}test_security.py"
    tests["test_bad_input"] = f"{integration}test_bad_input.py" if "items" in names else ""
    # Requests schemathesis derives from the OpenAPI schema; every response keeps the contract.
    tests["test_api_contract"] = f"{integration}test_api_contract.py"
    tests["test_migrations"] = f"{integration}test_migrations.py" if "items" in names else ""
    # Database fixtures (a pytest plugin the conftest loads), one module per database kind.
    tests["tests_database"] = "tests/database.py" if "items" in names else ""
    tests["test_e2e"] = "tests/e2e/test_items_journey.py" if split and "items" in names else ""
    return tests


# The longest one-line docstring ruff's line length leaves room for (100, less the quotes).
MAX_DOCSTRING = 94


def _packages(
    root: str, paths: Mapping[str, str], option_modules: tuple[str, ...] = ()
) -> tuple[dict[str, str], ...]:
    """Every folder holding Python modules gets an ``__init__.py`` with a docstring."""
    folders: set[str] = set()
    for path in paths.values():
        if not path or "/" not in path:
            continue
        folder = path.rsplit("/", 1)[0]
        if folder.startswith("tests") or (root and folder.startswith(root.rstrip("/"))):
            folders.add(folder)
    result = []
    for folder in sorted(folders):
        leaf = folder.rsplit("/", 1)[-1]
        if folder == root.rstrip("/"):
            doc = "The application package."
        elif leaf == "core":
            kept = ["configuration", "logging", "errors", "security"]
            kept += ["database"] if paths.get("database") else []
            kept += option_modules
            doc = f"Cross-cutting infrastructure: {', '.join(kept)} and HTTP."
            if len(doc) > MAX_DOCSTRING:
                doc = f"Infrastructure: {', '.join(kept)} and HTTP."
        else:
            doc = DOCSTRINGS.get(leaf, f"The {leaf} package.")
        result.append({"path": f"{folder}/__init__.py", "doc": doc})
    return tuple(result)
