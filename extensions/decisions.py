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
from pathlib import Path
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
    "metrics",
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


# The prose of the records lives in Markdown, beside this module: see its first paragraph.
RECORDS_PROSE = Path(__file__).with_name("decision_records.md")
_SECTION = re.compile(r"^## (?P<question>\w+): (?P<choice>\w+)(?: \((?P<framework>\w+)\))?$")


def read_records_prose(text: str) -> dict[tuple[str, ...], str]:
    """Each section's paragraph, keyed ``(question, choice)`` or ``(question, choice, framework)``.

    A section's lines are joined with spaces: the Markdown is wrapped for its readers,
    and each record renders as one paragraph.
    """
    prose: dict[tuple[str, ...], list[str]] = {}
    lines: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("#") and (lines is not None or line.startswith("## ")):
            heading = _SECTION.match(line)
            if heading is None:
                msg = f"{RECORDS_PROSE.name}: not a record heading: {line!r}"
                raise ValueError(msg)
            key = tuple(part for part in heading.groups() if part is not None)
            if key in prose:
                msg = f"{RECORDS_PROSE.name}: two sections {line!r}"
                raise ValueError(msg)
            lines = prose[key] = []
        elif lines is not None and line.strip():
            lines.append(line.strip())
    empty = [key for key, lines in prose.items() if not lines]
    if empty:
        msg = f"{RECORDS_PROSE.name}: sections without text: {empty}"
        raise ValueError(msg)
    return {key: " ".join(lines) for key, lines in prose.items()}


_PROSE = read_records_prose(RECORDS_PROSE.read_text(encoding="utf-8"))


_TITLES = {
    "framework": "Framework",
    "workload": "Workload",
    "concurrency": "Concurrency",
    "project_size": "Project size",
    "code_organization": "Code organization",
    "database": "Database",
    "task_queue": "Task queue",
    "broker": "Message broker",
    "metrics": "Metrics",
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
    questions += ["metrics", "docker", "ci"]
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
                "why": _PROSE.get(
                    (question, choice, answers["framework"]), _PROSE[question, choice]
                ),
                "override": override,
            }
        )
    return records
