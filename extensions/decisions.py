"""The questionnaire's decision trees, as plain functions.

Every recommendation here is a default the user may override; :func:`refusals`
lists the combinations that cannot work, with the message the user sees.
Nothing in this module performs I/O.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# The values each axis offers today. Later issues widen these tuples; a value
# appears here only once the template renders a working project for it.
CHOICES: dict[str, tuple[str, ...]] = {
    "python_version": ("3.12", "3.13"),
    "project_kind": ("api", "fullstack", "simple", "worker"),
    "framework": ("fastapi", "django", "flask"),
    "workload": ("io_bound", "cpu_bound", "mixed"),
    "concurrency": ("async", "sync"),
    "project_size": ("small", "medium", "large"),
    "code_organization": ("by_layer", "by_feature"),
    "database": ("none", "sqlite", "postgresql"),
    "background_work": ("none", "fire_and_forget", "durable"),
    "task_queue": ("none", "background_tasks", "celery", "arq", "rq", "dramatiq"),
    "broker": ("redis", "rabbitmq"),
    "ci": ("github", "gitlab", "none"),
}

SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Import names a generated project depends on or that its tooling claims.
# A package named like one of these would shadow it.
RESERVED_PACKAGE_NAMES = frozenset(
    {
        "alembic",
        "anyio",
        "app",
        "arq",
        "asyncpg",
        "celery",
        "django",
        "django_stubs_ext",
        "dj_database_url",
        "dotenv",
        "dramatiq",
        "fastapi",
        "flask",
        "gunicorn",
        "httpx",
        "migrations",
        "mypy",
        "psycopg",
        "pydantic",
        "pydantic_settings",
        "pytest",
        "redis",
        "rest_framework",
        "rq",
        "ruff",
        "sqlalchemy",
        "src",
        "starlette",
        "structlog",
        "tenacity",
        "tests",
        "uvicorn",
        "whitenoise",
    }
)

_FRAMEWORK_FOR_KIND = {
    "api": "fastapi",
    "ml_api": "fastapi",
    "worker": "fastapi",
    "fullstack": "django",
    "simple": "flask",
    "cli": "none",
}


def slugify(name: str) -> str:
    """Turn a free-text project name into a kebab-case slug."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    slug = "-".join(words).lstrip("0123456789-")
    return slug or "project"


def package_from_slug(slug: str) -> str:
    """The import name that matches a slug."""
    return slug.replace("-", "_")


def recommend_framework(project_kind: str) -> str:
    """What are you building? -> which framework fits it best."""
    return _FRAMEWORK_FOR_KIND[project_kind]


def recommend_concurrency(
    framework: str,
    workload: str,
    blocking_libraries: bool,
    team_knows_async: bool,
) -> str:
    """I/O-bound work waits, so async pays; anything else argues for sync."""
    if framework == "flask":
        return "sync"
    if workload == "cpu_bound" or blocking_libraries or not team_knows_async:
        return "sync"
    return "async"


def default_project_size(project_kind: str) -> str:
    """Scripts and CLIs start small; services start medium."""
    return "small" if project_kind in {"simple", "cli"} else "medium"


def default_database(project_kind: str) -> str:
    """Web projects get the embedded SQLite default; CLIs get none."""
    return "none" if project_kind == "cli" else "sqlite"


def default_background_work(project_kind: str) -> str:
    """A worker project exists for durable jobs; everything else starts with none."""
    return "durable" if project_kind == "worker" else "none"


def recommend_task_queue(
    background_work: str, framework: str, concurrency: str, project_kind: str
) -> str:
    """Which task system fits the kind of background work."""
    if project_kind == "worker":
        return "celery"
    if background_work == "fire_and_forget" and framework == "fastapi":
        return "background_tasks"
    # Without an in-process option, fire-and-forget work takes the durable queue.
    if background_work in {"fire_and_forget", "durable"}:
        return "arq" if concurrency == "async" else "rq"
    return "none"


def computed_default(question: str, answers: Mapping[str, Any]) -> Any:
    """The default copier.yml computes for ``question`` from the earlier answers."""
    if question == "framework":
        return recommend_framework(answers["project_kind"])
    if question == "concurrency":
        return recommend_concurrency(
            answers["framework"],
            answers["workload"],
            answers.get("blocking_libraries", False),
            answers.get("team_knows_async", True),
        )
    if question == "project_size":
        return default_project_size(answers["project_kind"])
    if question == "database":
        return default_database(answers["project_kind"])
    if question == "background_work":
        return default_background_work(answers["project_kind"])
    if question == "task_queue":
        return recommend_task_queue(
            answers["background_work"],
            answers["framework"],
            answers["concurrency"],
            answers["project_kind"],
        )
    msg = f"copier.yml computes no default for {question!r}"
    raise KeyError(msg)


# Longer import names push generated import lines past the formatter's line length.
MAX_NAME_LENGTH = 40


# Copier shows a refused typed answer on one line below the prompt, after
# "Validation error for question 'package_name': ": the reasons stay short enough
# for that line to fit an 80-column terminal.


def validate_slug(slug: str) -> str:
    """An error message, or an empty string when the slug is fine."""
    if not SLUG_RE.match(slug):
        return "use kebab-case, like acme-orders"
    return ""


def validate_package_name(name: str) -> str:
    """An error message, or an empty string when ``name`` can be the import name."""
    if not name.isidentifier() or not name.isascii():
        return "not a Python identifier"
    if name != name.lower():
        return "must be lower-case (PEP 8)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in sys.stdlib_module_names:
        return "shadows a standard library module"
    if len(name) > MAX_NAME_LENGTH:
        # It starts every import line of the project.
        return f"longer than {MAX_NAME_LENGTH} characters"
    if name in RESERVED_PACKAGE_NAMES:
        return "shadows a module the project uses"
    return ""


def validate_email(email: str) -> str:
    """An error message, or an empty string for a plausible e-mail address."""
    if not EMAIL_RE.match(email):
        return "not an e-mail address"
    return ""


# The order the questionnaire asks the axes in. A refusal is reported by the
# question that completes it (the last of its axes to be asked).
QUESTION_ORDER: tuple[str, ...] = (
    "project_kind",
    "framework",
    "workload",
    "blocking_libraries",
    "team_knows_async",
    "concurrency",
    "project_size",
    "code_organization",
    "database",
    "background_work",
    "task_queue",
    "broker",
    "docker",
    "ci",
)


# Task queues that talk to a message broker of the user's choosing.
BROKER_CHOICE_QUEUES = frozenset({"celery", "dramatiq"})


def _offers_async(answers: Mapping[str, Any]) -> bool:
    return bool(answers["framework"] != "flask")


def _may_prefer_sync(answers: Mapping[str, Any]) -> bool:
    """Whether an answer about blocking libraries can still change the recommendation."""
    return _offers_async(answers) and answers["workload"] != "cpu_bound"


# When each conditional question is asked: only when its answer can change the
# project. An unasked question takes its default, which Copier does not record.
ASKED_WHEN: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    # Flask is sync, and CPU-bound work is recommended sync whatever the libraries.
    "blocking_libraries": _may_prefer_sync,
    "team_knows_async": lambda a: _may_prefer_sync(a) and not a["blocking_libraries"],
    "concurrency": _offers_async,
    "code_organization": lambda a: a["project_size"] != "small",
    "task_queue": lambda a: a["background_work"] != "none",
    # ARQ and RQ speak to Redis only.
    "broker": lambda a: a["task_queue"] in BROKER_CHOICE_QUEUES,
}


def is_asked(question: str, answers: Mapping[str, Any]) -> bool:
    """Whether the questionnaire asks ``question``, given the answers asked before it."""
    condition = ASKED_WHEN.get(question)
    return condition is None or condition(answers)


# A refusal's reason is shown beside the disabled choice ("  - Label (reason)"), so a
# label and its reason together stay within this many characters of an 80-column line.
MAX_CHOICE_LINE = 72


@dataclass(frozen=True)
class Rule:
    """A combination that cannot work, and the reason the user is shown."""

    name: str
    axes: tuple[str, ...]
    broken: Callable[[Mapping[str, Any]], bool]
    message: str

    @property
    def asked_by(self) -> str:
        """The question whose choices the rule disables: the last of its axes to be asked."""
        return max(self.axes, key=QUESTION_ORDER.index)


# Queues that run jobs in a worker process, through a broker.
DURABLE_QUEUES = frozenset({"celery", "arq", "rq", "dramatiq"})

REFUSAL_RULES: tuple[Rule, ...] = (
    Rule(
        "flask_is_sync",
        ("framework", "concurrency"),
        lambda a: a["framework"] == "flask" and a["concurrency"] == "async",
        "Flask serves requests synchronously; pick FastAPI for async",
    ),
    Rule(
        "fullstack_needs_database",
        ("project_kind", "framework", "database"),
        lambda a: (
            a["project_kind"] == "fullstack"
            and a["framework"] == "django"
            and a["database"] == "none"
        ),
        "Django's pages and admin show the data in one",
    ),
    Rule(
        "worker_needs_background_work",
        ("project_kind", "background_work"),
        lambda a: a["project_kind"] == "worker" and a["background_work"] == "none",
        "a worker project exists to run jobs",
    ),
    Rule(
        "queue_needs_background_work",
        ("background_work", "task_queue"),
        lambda a: a["background_work"] == "none" and a["task_queue"] != "none",
        "background_work 'none' needs no queue",
    ),
    Rule(
        "background_work_needs_a_queue",
        ("background_work", "task_queue"),
        lambda a: a["background_work"] != "none" and a["task_queue"] == "none",
        "background work needs a queue",
    ),
    Rule(
        "background_tasks_needs_fastapi",
        ("framework", "task_queue"),
        lambda a: a["task_queue"] == "background_tasks" and a["framework"] != "fastapi",
        "only FastAPI has them; pick a durable queue",
    ),
    Rule(
        "background_tasks_is_not_durable",
        ("background_work", "task_queue"),
        lambda a: a["task_queue"] == "background_tasks" and a["background_work"] == "durable",
        "in-process: jobs are lost on restart",
    ),
    Rule(
        "arq_needs_async",
        ("concurrency", "task_queue"),
        lambda a: a["task_queue"] == "arq" and a["concurrency"] != "async",
        "asyncio only; with sync code pick RQ",
    ),
    Rule(
        "rq_needs_sync",
        ("concurrency", "task_queue"),
        lambda a: a["task_queue"] == "rq" and a["concurrency"] != "sync",
        "sync only; with async code pick ARQ",
    ),
    Rule(
        "rabbitmq_needs_celery_or_dramatiq",
        ("task_queue", "broker"),
        lambda a: a["broker"] == "rabbitmq" and a["task_queue"] not in BROKER_CHOICE_QUEUES,
        "only Celery and Dramatiq use it; ARQ and RQ need Redis",
    ),
)


RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in REFUSAL_RULES}


def refusals(answers: Mapping[str, Any]) -> list[str]:
    """The messages of every rule the answers break (empty when they can work)."""
    return [rule.message for rule in REFUSAL_RULES if rule.broken(answers)]


def refusal_for(question: str, answers: Mapping[str, Any]) -> str:
    """The reason the answer to ``question`` in ``answers`` is refused, or an empty string.

    Only rules this question completes are checked, and only once every axis
    they read has an answer, so earlier questions never see later ones.
    """
    for rule in REFUSAL_RULES:
        if rule.asked_by != question:
            continue
        if all(axis in answers for axis in rule.axes) and rule.broken(answers):
            return rule.message
    return ""


# Answers a project keeps for life. Changed on `copier update`, Copier would delete every
# file the old answer rendered, the user's edits and shipped migrations with them (a new
# framework), or move the user's files (a new layout) without carrying their edits.
# README, "Changing the framework or the layout", says how to move instead.
SET_AT_COPY: dict[str, str] = {
    "framework": "fixed at copy: switching would delete your code",
    "project_size": "fixed at copy: switching would move your files",
    "code_organization": "fixed at copy: switching would move your files",
}


def refusal_on_update(question: str, value: Any, recorded: Mapping[str, Any]) -> str:
    """Why ``value`` cannot replace the project's recorded answer on update, or ``""``.

    ``recorded`` is the project's ``.copier-answers.yml`` (empty on ``copier copy``).
    """
    if question in SET_AT_COPY and question in recorded and recorded[question] != value:
        return SET_AT_COPY[question]
    return ""


def refusal_of_choice(question: str, value: Any, answers: Mapping[str, Any]) -> str:
    """Why ``value`` cannot be chosen for ``question`` after ``answers``, or an empty string.

    copier.yml calls this as each choice's validator: Copier shows a refused
    choice disabled with this reason, and refuses it with the same reason when
    it is given with ``-d``.
    """
    return refusal_for(question, {**answers, question: value})


_WHY: dict[tuple[str, str], str] = {
    ("framework", "fastapi"): (
        "An API-first service: typed request and response models with Pydantic, OpenAPI "
        "documentation for free, and native async for I/O-heavy endpoints."
    ),
    ("framework", "django"): (
        "A full-stack web application: the ORM, migrations, the admin, forms and templates "
        "come in the box, and Django REST Framework serves the API from the same models."
    ),
    ("framework", "flask"): (
        "A small, explicit application: an app factory and blueprints, with only the pieces "
        "this project needs added on top: Pydantic models, which flask-openapi3 validates "
        "requests with and documents as OpenAPI, and SQLAlchemy when it keeps data."
    ),
    ("concurrency", "async"): (
        "Requests spend their time waiting on I/O, so one event loop serves many of them; "
        "every library on the request path has an async version (SQLAlchemy asyncio, httpx)."
    ),
    ("concurrency", "sync"): (
        "Plain functions run in the server's thread pool: simpler to reason about, and safe "
        "with blocking libraries and CPU work; the cost is one thread per in-flight request."
    ),
    ("workload", "io_bound"): "Request time goes to waiting on databases and other services.",
    ("workload", "cpu_bound"): (
        "CPU-heavy work runs in a process pool owned by the app's lifespan, so it neither "
        "holds the GIL nor stalls other requests (see the primes example)."
    ),
    ("workload", "mixed"): (
        "Blocking calls are offloaded to worker threads so the server keeps answering "
        "(see the fingerprints example)."
    ),
    ("project_size", "small"): (
        "Flat modules at the root: the whole service fits on a screen or two. The layout is "
        "fixed for the project's life (an update never moves files), so a service that will "
        "gain a second resource or a second developer starts at medium."
    ),
    ("project_size", "medium"): (
        "One app/ package split into layers (routes -> services -> repositories -> models) "
        "or features; room to grow without ceremony."
    ),
    ("project_size", "large"): (
        "src/ layout with core/ infrastructure, an installable package, and unit, "
        "integration and end-to-end test suites kept apart."
    ),
    ("code_organization", "by_layer"): (
        "Folders per layer: easy to learn, and each layer's rules are visible in one place."
    ),
    ("code_organization", "by_feature"): (
        "A folder per feature holding its routes, service, repository, models and schemas: "
        "a change touches one folder, and features can be owned by different people."
    ),
    ("database", "none"): "No persistence: the service is stateless.",
    ("database", "sqlite"): (
        "SQLite is embedded: no server to run, ideal for development, tests and small "
        "single-instance services. It allows one writer at a time; move to PostgreSQL "
        "for concurrent writers or several app instances."
    ),
    ("database", "postgresql"): (
        "PostgreSQL: concurrent writers, several app instances and real transactions. "
        "Connections are pooled per process (size and overflow from the environment, "
        "pre-ping on checkout), and the tests run against a real server."
    ),
    ("task_queue", "none"): "All work happens inside the request.",
    ("task_queue", "background_tasks"): (
        "FastAPI's BackgroundTasks run after the response, in the same process: no broker, "
        "but nothing is persisted, so pending work is lost on restart."
    ),
    ("task_queue", "celery"): (
        "Celery: the most complete task system (retries with backoff, canvas workflows, beat "
        "schedules, Flower). Jobs survive restarts; the worker and the beat scheduler run as "
        "their own processes. Job status lives in Redis, read through the jobs API."
    ),
    ("task_queue", "arq"): (
        "ARQ: asyncio jobs on Redis, the natural queue of an async stack. Jobs survive "
        "restarts and are retried with backoff; the worker also runs the cron job."
    ),
    ("task_queue", "rq"): (
        "RQ: plain synchronous functions on Redis, the simplest durable queue for a sync "
        "stack. Jobs survive restarts, retries are scheduled by the worker, and RQ's cron "
        "scheduler runs the periodic job."
    ),
    ("task_queue", "dramatiq"): (
        "Dramatiq: simple actors with reliable defaults (acknowledged delivery, retries with "
        "backoff); APScheduler sends the periodic job, since Dramatiq has no scheduler."
    ),
    ("broker", "redis"): (
        "Redis carries the messages and keeps the job records: one service to run."
    ),
    ("broker", "rabbitmq"): (
        "RabbitMQ carries the messages (acknowledged, durable delivery); Redis keeps the "
        "job records the API reports."
    ),
    ("docker", "True"): (
        "A multi-stage image built with uv, running as a non-root user, with a HEALTHCHECK; "
        "compose.yaml runs migrations once before the web service starts."
    ),
    ("docker", "False"): "No container files: the service runs from its virtual environment.",
    ("ci", "github"): (
        "GitHub Actions runs `make check` (and builds the image) on pushes to main and on "
        "pull requests."
    ),
    ("ci", "gitlab"): "GitLab CI runs `make check` (and builds the image) on every push.",
    ("ci", "none"): "No CI configuration: run `make check` before you push.",
}


# Where a framework changes why a choice fits, its own wording wins over _WHY's.
_WHY_FOR_FRAMEWORK: dict[tuple[str, str, str], str] = {
    ("concurrency", "async", "django"): (
        "Django runs under ASGI (uvicorn): the health probes, and the pages and offloaded "
        "CPU work where the project has them, are async views (the async ORM, sync_to_async "
        "where it has no async form). Django REST Framework has no async views, so the API "
        "runs in a worker thread."
    ),
    ("concurrency", "sync", "django"): (
        "Django runs under WSGI (gunicorn): plain views, one worker thread per in-flight "
        "request; the most widely deployed and best-supported way to run Django."
    ),
    ("concurrency", "sync", "flask"): (
        "Flask handles each request synchronously in a gunicorn worker; for an async stack "
        "the questionnaire points to FastAPI."
    ),
    ("workload", "cpu_bound", "flask"): (
        "CPU-heavy work runs in a process pool the app factory creates, so it neither holds "
        "the GIL the worker's request threads share nor stalls other requests (see the "
        "primes example)."
    ),
    ("workload", "mixed", "flask"): (
        "Blocking calls run on the request's own gunicorn thread (gthread workers): hashlib "
        "and I/O release the GIL, so the worker's other threads keep answering; size "
        "--threads for how many may block at once (see the fingerprints example)."
    ),
    ("database", "sqlite", "flask"): (
        "SQLite is embedded: no server to run, ideal for development, tests and small "
        "single-instance services. Plain SQLAlchemy 2.0 (no Flask-SQLAlchemy): the factory "
        "creates the engine, each request gets a session through `g` that teardown closes, "
        "and repositories and Alembic stay independent of Flask."
    ),
    ("database", "postgresql", "django"): (
        "PostgreSQL through Django's own connection pool (psycopg 3): size and overflow from "
        "the environment, each connection checked before a request borrows it, the same under "
        "WSGI and ASGI; the tests run against a real server."
    ),
    ("code_organization", "by_layer", "django"): (
        "One Django app split into packages per layer (models, selectors, services, "
        "serializers, api and views), a module per feature in each: easy to learn."
    ),
    ("code_organization", "by_feature", "django"): (
        "A Django app per feature, holding its models, selectors, services, serializers, "
        "views and migrations: a change touches one app, and apps can have different owners."
    ),
    ("project_size", "small", "django"): (
        "One settings module and the apps at the root, beside manage.py: the whole site "
        "fits on a screen or two."
    ),
    ("project_size", "medium", "django"): (
        "Split settings (base, dev, prod, test) and the apps in one package, with "
        "services and selectors beside the models."
    ),
    ("project_size", "large", "django"): (
        "src/ layout: an installable package holding the settings and the apps, and unit, "
        "integration and end-to-end test suites kept apart."
    ),
}

_TITLES = {
    "framework": "Framework",
    "workload": "Workload",
    "concurrency": "Concurrency",
    "project_size": "Project size",
    "code_organization": "Code organization",
    "database": "Database",
    "task_queue": "Task queue",
    "broker": "Message broker",
    "docker": "Containers",
    "ci": "Continuous integration",
}


def recommendations(answers: Mapping[str, Any]) -> dict[str, str]:
    """What the questionnaire recommended for each decided question."""
    return {
        "framework": recommend_framework(answers["project_kind"]),
        "concurrency": recommend_concurrency(
            answers["framework"],
            answers["workload"],
            answers["blocking_libraries"],
            answers["team_knows_async"],
        ),
        "project_size": default_project_size(answers["project_kind"]),
        "database": default_database(answers["project_kind"]),
        "task_queue": recommend_task_queue(
            answers["background_work"],
            answers["framework"],
            answers["concurrency"],
            answers["project_kind"],
        ),
    }


def decision_inputs(answers: Mapping[str, Any]) -> list[str]:
    """The answers that steered the recommendations, each as a clause of docs/decisions.md.

    Only the questions the questionnaire asked: a skipped one changed nothing.
    """
    clauses = [f"project kind: `{answers['project_kind']}`"]
    for question, wording in (
        ("blocking_libraries", "must call blocking libraries"),
        ("team_knows_async", "team comfortable with async"),
    ):
        if is_asked(question, answers):
            clauses.append(f"{wording}: {'yes' if answers[question] else 'no'}")
    clauses.append(f"background work: `{answers['background_work']}`")
    return clauses


def decision_records(answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """One short record per decision: the choice, why it fits, and any override."""
    recommended = recommendations(answers)
    questions = ["framework", "workload", "concurrency", "project_size"]
    if is_asked("code_organization", answers):
        questions.append("code_organization")
    questions += ["database", "task_queue"]
    # The broker a durable queue runs on is recorded, asked or not (ARQ and RQ: Redis).
    if answers["task_queue"] in DURABLE_QUEUES:
        questions.append("broker")
    questions += ["docker", "ci"]
    records = []
    for question in questions:
        choice = str(answers[question])
        advice = recommended.get(question)
        override = ""
        if advice is not None and advice != choice:
            override = f"The questionnaire recommended `{advice}`; this project overrides it."
        records.append(
            {
                "question": question,
                "title": _TITLES[question],
                "choice": {"True": "yes", "False": "no"}.get(choice, choice),
                "why": _WHY_FOR_FRAMEWORK.get(
                    (question, choice, answers["framework"]), _WHY[(question, choice)]
                ),
                "override": override,
            }
        )
    return records
