"""What the generated README says about running, configuring and growing the project.

The README template is shared by every framework; the sentences and commands
that differ between them are decided here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

STACK = {
    "fastapi": "FastAPI",
    "django": "Django with Django REST Framework",
    "flask": "Flask",
}


@dataclass(frozen=True)
class EnvVar:
    """One setting read from the environment, as .env.example and the README show it."""

    name: str
    default: str  # shown in the README table
    meaning: str
    example: str  # the .env.example line's value
    commented: bool  # leave the example commented out (keeps the built-in default)
    help: tuple[str, ...]  # comment lines above it in .env.example


# How each framework runs, by concurrency.
SERVED = {
    ("django", "async"): "ASGI under uvicorn",
    ("django", "sync"): "WSGI under gunicorn",
    ("flask", "sync"): "under gunicorn",
}


def stack(answers: Mapping[str, Any]) -> str:
    framework = answers["framework"]
    served = SERVED.get((framework, answers["concurrency"]), answers["concurrency"])
    parts = [f"{STACK[framework]} ({served})"]
    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(answers["database"])
    if database:
        if framework == "django":
            parts.append(f"the Django ORM on {database}")
        else:
            parts.append(f"SQLAlchemy 2.0 and Alembic on {database}")
    return ", ".join(parts)


def _served_docs(answers: Mapping[str, Any]) -> str:
    """What DOCS_ENABLED serves in this project, or "" when it has no such setting."""
    framework = answers["framework"]
    if framework == "fastapi":
        return "the interactive API docs and the OpenAPI schema"
    if framework == "flask":
        return "the OpenAPI schema at /openapi.json"
    browsable = answers["database"] != "none"
    # drf-spectacular documents the DRF views: the items API, and the jobs API but ARQ's.
    schema = browsable or answers["task_queue"] not in ("none", "arq")
    return " and ".join(
        part
        for part, present in (
            ("DRF's browsable API", browsable),
            ("the OpenAPI schema at /api/schema/", schema),
        )
        if present
    )


def browse(answers: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """(what, path) a developer opens once `make run` serves on :8000."""
    framework = answers["framework"]
    found: list[tuple[str, str]] = []
    if framework == "fastapi":
        found.append(("API documentation", "/docs"))
        found.append(("OpenAPI schema (`make openapi` writes it to a file)", "/openapi.json"))
    if framework == "django":
        if answers["project_kind"] == "fullstack":
            found.append(("Home page", "/"))
        if answers["database"] != "none":
            found.append(("Browsable API", "/api/v1/items"))
            found.append(("Admin (create a user with `make superuser`)", "/admin/"))
    if framework == "flask" and answers["database"] != "none":
        found.append(("Items API", "/api/v1/items"))
    if framework == "flask":
        found.append(("OpenAPI schema (`make openapi` writes it to a file)", "/openapi.json"))
    if framework == "django" and "/api/schema/" in _served_docs(answers):
        found.append(("OpenAPI schema (`make openapi` writes it to a file)", "/api/schema/"))
    return tuple(found)


def migration_commands(answers: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """(command, comment) lines of the README's Migrations section."""
    if answers["database"] == "none":
        return ()
    if answers["framework"] == "django":
        return (
            ("make migrate", "apply all migrations"),
            ("uv run python manage.py makemigrations", "after changing a model"),
            (
                "uv run python manage.py makemigrations --check --dry-run",
                "models and migrations agree?",
            ),
        )
    return (
        ("make migrate", "apply all migrations"),
        ('uv run alembic revision --autogenerate -m "add orders"', "after changing a model"),
        ("uv run alembic check", "models and migrations agree?"),
    )


def env_vars(
    answers: Mapping[str, Any], secret_length: int, options_env_vars: Sequence[EnvVar]
) -> tuple[EnvVar, ...]:
    """Every setting the generated settings module reads, in .env.example order.

    ``options_env_vars`` are the options' own (the database's, the task queue's), which
    follow the request limits.
    """
    framework = answers["framework"]
    found = []
    if framework == "fastapi":
        found.append(
            EnvVar(
                "APP_NAME",
                "the project's name",
                "title of the API documentation",
                "Orders API",
                True,
                ("Title of the API documentation (default: the project's name).",),
            )
        )
    found += [
        EnvVar(
            "ENVIRONMENT",
            "`development`",
            "`development`, `test` or `production`",
            "development",
            False,
            ("development, test or production.",),
        ),
        EnvVar(
            "SECRET_KEY",
            "placeholder",
            f"required in production: at least {secret_length} random characters",
            "change-me",
            False,
            (
                "Production refuses to start with this placeholder or with any value shorter",
                f"than {secret_length} characters. Generate a real one with:",
                '  python -c "import secrets; print(secrets.token_urlsafe(48))"',
            ),
        ),
    ]
    found.append(
        EnvVar(
            "ALLOWED_HOSTS",
            "none in production",
            "comma-separated host names served besides localhost; required in production",
            "orders.example.com",
            True,
            (
                "Comma-separated host names the service answers to, besides localhost and",
                "127.0.0.1 (the container's healthchecks). Another Host gets a 400.",
                "Required in production.",
            ),
        )
    )
    docs = _served_docs(answers)
    if docs:
        found.append(
            EnvVar(
                "DOCS_ENABLED",
                "`false` in production, else `true`",
                f"serve {docs}",
                "true",
                True,
                (f"Serve {docs} (default: on, except in production).",),
            )
        )
    found.append(
        EnvVar(
            "MAX_REQUEST_BODY_BYTES",
            "`1048576`",
            "larger request bodies are refused with 413",
            "2097152",
            True,
            ("Request bodies larger than this are refused with 413 (default 1048576).",),
        )
    )
    found += options_env_vars
    found += [
        EnvVar(
            "LOG_LEVEL",
            "`INFO`",
            "The lowest level logged, by every logger: `DEBUG` (adds the healthy probes' "
            "requests), `INFO`, `WARNING` or `ERROR`",
            "INFO",
            True,
            (
                "The lowest level logged, by every logger (the server's too): DEBUG (adds",
                "the healthy probes' requests), INFO (the default), WARNING or ERROR.",
            ),
        ),
        EnvVar(
            "LOG_JSON",
            "`true` in production" if framework == "django" else "`false`",
            "JSON log lines (use in production)",
            "true",
            True,
            (
                (
                    "true (the default in production): one JSON object per line; "
                    "false: readable lines.",
                )
                if framework == "django"
                else (
                    "true: one JSON object per line, for log collectors; "
                    "false (the default): readable lines.",
                )
            ),
        ),
        EnvVar(
            "HTTP_TIMEOUT_SECONDS",
            "`5`",
            "timeout of outbound HTTP calls",
            "10",
            True,
            ("Timeout, in seconds, for each outgoing HTTP request (default 5.0).",),
        ),
        EnvVar(
            "READINESS_URLS",
            "`[]`",
            "JSON list of upstream URLs readiness must reach",
            '["https://payments.example.com/health"]',
            True,
            ("JSON list of upstream URLs the readiness probe checks as well (default: none).",),
        ),
    ]
    if framework == "django":
        found += [
            EnvVar(
                "CSRF_TRUSTED_ORIGINS",
                "none",
                "comma-separated origins allowed to POST forms over HTTPS",
                "https://orders.example.com",
                True,
                ("Comma-separated origins (scheme and host) trusted for form posts.",),
            ),
            EnvVar(
                "SECURE_SSL_REDIRECT",
                "`true`",
                "production redirects plain HTTP to HTTPS (not the health probes)",
                "false",
                True,
                ("Production redirects plain HTTP to HTTPS (default true).",),
            ),
            EnvVar(
                "SECURE_HSTS_SECONDS",
                "`31536000`",
                "HSTS max-age in production; lower it while HTTPS is being set up",
                "3600",
                True,
                ("HSTS max-age in production (default 31536000, a year).",),
            ),
            EnvVar(
                "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                "`true`",
                "HSTS covers subdomains",
                "false",
                True,
                ("HSTS covers subdomains (default true) ...",),
            ),
            EnvVar(
                "SECURE_HSTS_PRELOAD",
                "`true`",
                "HSTS preload flag",
                "false",
                True,
                ("... and may be preloaded by browsers (default true).",),
            ),
        ]
    if answers["workload"] == "cpu_bound":
        found.append(
            EnvVar(
                "COMPUTE_WORKERS",
                "`2`",
                "processes in the CPU pool",
                "4",
                True,
                ("Processes in the pool that runs CPU-heavy work (default 2).",),
            )
        )
    return tuple(found)


def layers(answers: Mapping[str, Any]) -> str:
    """The README's sentence on how the layers call each other."""
    has_db = answers["database"] != "none"
    if answers["framework"] == "django":
        if not has_db:
            return "Views parse requests and shape responses; services hold the business rules."
        return (
            "Views parse requests and shape responses; services hold the writes and selectors "
            "the reads, and they are the only code that queries the models."
        )
    if not has_db:
        return (
            "Layers call downward only: routes → services → domain logic. Routes parse "
            "requests and shape responses, services hold the business rules."
        )
    return (
        "Layers call downward only: routes → services → repositories → models. Routes parse "
        "requests and shape responses, services hold the business rules, repositories are "
        "the only code that builds queries."
    )


def parts(answers: Mapping[str, Any], path: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """(part, where) rows of the README's layout table; parts a project lacks are left out."""
    framework = answers["framework"]
    main = {
        "fastapi": "App factory and lifespan",
        "flask": "App factory (blueprints, extensions, error handlers)",
        "django": "URL configuration",
    }[framework]
    rows = [
        (main, path.get("main", "")),
        ("Settings", path.get("settings", "")),
        ("Errors (RFC 9457 problem details)", path.get("errors", "")),
        ("Logging and request ids", path.get("logging", "")),
        ("Request parsing and JSON responses (Pydantic)", path.get("validation", "")),
        ("Trusted hosts, request body limits, security headers", path.get("security", "")),
    ]
    routes = "views" if framework == "django" else "routes"
    for feature in ("health", "items", "compute", "notifications", "jobs"):
        where = [path.get(f"{feature}_routes", ""), path.get(f"{feature}_service", "")]
        if all(where):
            rows.append((f"`{feature}` {routes} / service", ", ".join(f"`{w}`" for w in where)))
    rows += [
        ("Job records in Redis", path.get("jobs_repository", "")),
        (
            "Job logic (delivery, retries, expiry), testable without a broker",
            path.get("jobs_tasks", ""),
        ),
        ("Hands jobs to the task queue", path.get("jobs_queue", "")),
        ("The worker (tasks, retry policy, schedule)", path.get("worker", "")),
        ("The scheduler of the periodic job", path.get("scheduler", "")),
        ("The worker containers' healthcheck", path.get("worker_health", "")),
    ]
    return tuple(
        (label, where if where.startswith("`") else f"`{where}`") for label, where in rows if where
    )


def add_feature_steps(answers: Mapping[str, Any], path: Mapping[str, str]) -> tuple[str, ...]:
    """The README's "Adding a feature" recipe, in this framework's terms."""
    framework = answers["framework"]
    has_db = answers["database"] != "none"
    main = path.get("main", "")
    if framework == "django":
        if answers["project_size"] != "small" and answers["code_organization"] == "by_layer":
            steps = [
                "A module for the feature in each layer package of the `app` app "
                "(models, selectors, services, serializers, api)."
            ]
        else:
            where = {"small": "", "medium": "app/"}.get(
                answers["project_size"], f"src/{answers['package_name']}/"
            )
            steps = [
                f"A Django app for the feature: `mkdir {where}orders && uv run python manage.py "
                f"startapp orders {where}orders`, then set its `AppConfig.name` to the dotted "
                "path and add it to `INSTALLED_APPS`."
            ]
        if has_db:
            steps.append(
                "Models, then `uv run python manage.py makemigrations`; selectors for reads and "
                "services for writes beside them."
            )
        steps.append("Serializers and a view or viewset, routed in the app's `urls.py`.")
    else:
        steps = [
            "Schemas (request and response bodies) beside the existing ones, e.g. "
            f"`{path.get('health_schemas', '')}`."
        ]
        tail = " (then `uv run alembic revision --autogenerate`)"
        steps.append(
            "A service with the business rules"
            + (f", a repository for its queries and a model{tail}" if has_db else "")
            + "."
        )
        if framework == "flask":
            steps.append(f"A blueprint, registered in `create_app()` in `{main}`.")
        else:
            steps.append(f"A router, included in `create_app()` in `{main}`.")
    steps.append("Tests beside the existing ones in `tests/`; `make check` must stay green.")
    return tuple(steps)
