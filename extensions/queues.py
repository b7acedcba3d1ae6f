"""Durable task queues: Celery, ARQ, RQ and Dramatiq, and how each one is run.

Every queue ships the same example: a webhook delivery job submitted through
``POST /api/v1/jobs``, its status kept in Redis, retried with exponential
backoff on transient errors and redelivered when its worker dies, plus a periodic
job that fails the jobs nothing has moved for too long. What differs per library
is computed here once: the dependencies, the worker and scheduler commands
(compose, the Makefile and the tests run the same argv), their healthchecks and
when a dead worker's job runs again.

Redis holds the job records with every broker; ``broker: rabbitmq`` moves only
the messages to RabbitMQ (Celery and Dramatiq).

One setting, ``JOBS_QUEUE``, namespaces everything a project's jobs leave on
the brokers: the queue's name, the prefix of the job records, idempotency keys
and the unfinished index, ARQ's cron ids, Dramatiq's Redis namespace, and Celery's
Redis keys and control exchange. It defaults to the project's slug, so projects
sharing a Redis (or a RabbitMQ) never see each other's jobs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

QUEUES = ("celery", "arq", "rq", "dramatiq")

# How the docs and comments spell each library.
DISPLAY_NAMES = {"celery": "Celery", "arq": "ARQ", "rq": "RQ", "dramatiq": "Dramatiq"}

# Who runs each library's periodic job, a sentence of the README.
SCHEDULERS = {
    "celery": (
        "Celery beat sends it from a separate `scheduler` process; beat keeps its schedule in "
        "memory, since an idempotent sweep has no missed run to catch up on."
    ),
    "arq": "ARQ's cron runs it inside the worker; no scheduler process is needed.",
    "rq": "RQ's cron scheduler enqueues it from a separate `scheduler` process.",
    "dramatiq": "APScheduler sends the actor from a separate `scheduler` process.",
}

# When a job whose worker died mid-delivery runs again, a sentence of the README per
# (library, broker). The worker modules hold the settings these sentences describe.
_ON_CONNECTION_CLOSE = (
    "at once: RabbitMQ hands back every message the dead worker's connection had not "
    "acknowledged, and the worker acknowledges one only after its delivery ran."
)
# A job an outage cuts off is delivered again as after a worker's death ...
OUTAGE_REDELIVERY = "delivery the outage cut off runs again the same way."
# ... except where the worker's job-store client waits out the outage (Dramatiq's worker).
OUTAGE_RECOVERY = {
    "dramatiq": (
        "job the outage caught waits for Redis, up to about five minutes, and is then recorded."
    ),
}

REDELIVERY = {
    ("celery", "rabbitmq"): _ON_CONNECTION_CLOSE,
    ("dramatiq", "rabbitmq"): _ON_CONNECTION_CLOSE,
    ("celery", "redis"): (
        "once Redis's visibility timeout has passed (the longest retry wait plus 20 s: 36 s "
        "with the defaults; a shorter one would deliver a waiting retry twice), looked for "
        "every 10 s."
    ),
    ("dramatiq", "redis"): (
        "within about a minute: a worker whose heartbeats stop for 60 s is dead, and the next "
        "maintenance pass hands its messages to the other workers."
    ),
    ("rq", "redis"): (
        "within about 100 s: RQ's record of a running job lapses 70 s after the worker's last "
        "heartbeat, and a maintenance pass every 30 s retries it."
    ),
    ("arq", "redis"): (
        "within about 30 s: ARQ marks a running job for its 20 s timeout plus 10 s, then another "
        "worker runs it again."
    ),
}

# How long the worker-kill test (`make test-slow`) waits for the killed worker's job to
# succeed, per (library, broker): the bound above, measured with the tests' short
# retry settings, plus room for a busy CI machine.
REDELIVERY_TIMEOUT_SECONDS = {
    ("celery", "rabbitmq"): 30,
    ("dramatiq", "rabbitmq"): 30,
    ("celery", "redis"): 60,
    ("dramatiq", "redis"): 120,
    ("rq", "redis"): 160,
    ("arq", "redis"): 60,
}

# Celery beat's in-memory scheduler: no schedule file to place, share or corrupt. The
# periodic job is an idempotent sweep, so its last run time need not survive a restart.
BEAT_SCHEDULER = "celery.beat:Scheduler"


@dataclass(frozen=True)
class Jobs:
    """How this project's task queue is wired and run."""

    library: str
    broker: str  # "redis" or "rabbitmq"
    namespace: str  # JOBS_QUEUE's default: the project slug
    is_async: bool  # ARQ jobs (and the code around them) are coroutines
    api_is_async: bool  # the web process's side (records, enqueueing, routes) is coroutines
    worker: tuple[str, ...]  # argv of the worker process
    scheduler: tuple[str, ...]  # argv of the scheduler process; () when the worker schedules
    worker_check: tuple[str, ...]  # argv of the worker's container healthcheck
    scheduler_check: tuple[str, ...]  # argv of the scheduler's healthcheck; () without one

    @property
    def async_(self) -> str:
        return "async " if self.is_async else ""

    @property
    def await_(self) -> str:
        return "await " if self.is_async else ""

    @property
    def api_async_(self) -> str:
        return "async " if self.api_is_async else ""

    @property
    def api_await_(self) -> str:
        return "await " if self.api_is_async else ""

    @property
    def offloads_client(self) -> bool:
        """An async web process with a queue whose client blocks: it sends from a thread."""
        return self.api_is_async and not self.is_async

    @property
    def api_redis(self) -> str:
        """The Redis client class the web process's job records are typed with."""
        return "AsyncRedis" if self.offloads_client else "Redis"

    @property
    def redis_imports(self) -> tuple[str, ...]:
        """The Redis client imports of the job records module and its tests: the worker's
        client, and the web's."""
        if self.is_async:
            return ("from arq.connections import ArqRedis as Redis",)
        if self.offloads_client:
            return ("from redis import Redis", "from redis.asyncio import Redis as AsyncRedis")
        return ("from redis import Redis",)

    @property
    def uses_rabbitmq(self) -> bool:
        return self.broker == "rabbitmq"

    @property
    def name(self) -> str:
        return DISPLAY_NAMES[self.library]

    @property
    def scheduled_by(self) -> str:
        return SCHEDULERS[self.library]

    @property
    def redelivery(self) -> str:
        return REDELIVERY[self.library, self.broker]

    @property
    def outage_recovery(self) -> str:
        """What the README says becomes of a job a Redis outage catches (after "and a")."""
        return OUTAGE_RECOVERY.get(self.library, OUTAGE_REDELIVERY)

    @property
    def redelivery_timeout(self) -> int:
        return REDELIVERY_TIMEOUT_SECONDS[self.library, self.broker]

    @property
    def broker_setting(self) -> str:
        """The setting that holds the broker's URL (Redis doubles as the broker)."""
        return "broker_url" if self.uses_rabbitmq else "redis_url"

    @property
    def queue_kwargs(self) -> tuple[tuple[str, str], ...]:
        """(parameter, setting) pairs a sync ``JobQueue`` is built from; see ``jobs_queue``."""
        if self.library == "rq":
            return (
                ("redis_url", "redis_url"),
                ("queue", "jobs_queue"),
                ("max_attempts", "jobs_max_attempts"),
                ("backoff_seconds", "jobs_backoff_seconds"),
            )
        return (("broker_url", self.broker_setting), ("queue", "jobs_queue"))


def dependencies(answers: Mapping[str, Any]) -> list[str]:
    """Runtime requirements (keys of versions.RUNTIME) of the chosen queue."""
    library = answers["task_queue"]
    if library not in QUEUES:
        return []
    rabbitmq = answers.get("broker") == "rabbitmq"
    return {
        "celery": ["celery", "redis"],
        # The project's own code imports redis too (its errors, its client in the tests),
        # the 5.x that ARQ requires.
        "arq": ["arq", "redis-for-arq"],
        "rq": ["rq", "redis"],
        "dramatiq": ["dramatiq-rabbitmq" if rabbitmq else "dramatiq-redis", "redis", "apscheduler"],
    }[library]


def dev_dependencies(answers: Mapping[str, Any]) -> list[str]:
    library = answers["task_queue"]
    if library not in QUEUES:
        return []
    # The worker-kill test finds the processes a worker started (Celery's pool, RQ's
    # work horse) to kill them with it.
    kill = ["psutil", "types-psutil"]
    if library == "celery":
        return ["celery-types", *kill]
    if library == "arq":  # ARQ's code is async, and so are its tests.
        return ["pytest-asyncio", *kill]
    return kill


# The marker of the worker-kill test: `make check` leaves it out, `make test-slow` runs it.
SLOW_MARKER = '["slow: kills the worker and waits for the redelivery (make test-slow)"]'

# pytest-asyncio runs the async tests and fixtures without a marker on each.
ASYNCIO_PYTEST_OPTIONS = (
    ("asyncio_mode", '"auto"'),
    ("asyncio_default_fixture_loop_scope", '"function"'),
)


def untyped_modules(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Imported modules that ship no type information (mypy treats them as Any)."""
    if answers["task_queue"] == "dramatiq":
        return ("apscheduler.*",) + (("pika.*",) if answers.get("broker") == "rabbitmq" else ())
    return ()


def build(answers: Mapping[str, Any], modules: Mapping[str, str]) -> Jobs | None:
    """The queue facts, or None when the project has no durable task queue."""
    library = answers["task_queue"]
    if library not in QUEUES:
        return None
    worker = modules["worker"]
    health = ("python", "-m", modules["worker_health"]) if "worker_health" in modules else ()
    if library == "celery":
        run = ("celery", "--app", worker, "worker", "--loglevel", "INFO")
        schedule = (
            "celery",
            "--app",
            worker,
            "beat",
            "--loglevel",
            "INFO",
            "--scheduler",
            BEAT_SCHEDULER,
        )
        check: tuple[str, ...] = ("celery", "--app", worker, "inspect", "ping", "--timeout", "10")
    elif library == "arq":
        # The module runs ARQ's worker and starts it again after a Redis outage (the `arq`
        # command would exit). The healthcheck is ARQ's own; its command line installs
        # log handlers of its own unless given a config: LOG_CONFIG keeps the project's.
        run = ("python", "-m", worker)
        schedule = ()
        logs = ("--custom-log-dict", f"{worker}.LOG_CONFIG")
        check = ("arq", "--check", *logs, f"{worker}.WorkerSettings")
    elif library == "rq":
        run = ("python", "-m", worker)
        schedule = ("python", "-m", modules["scheduler"])
        check = health
    else:
        # One process with a few threads per container: scale with replicas.
        run = ("dramatiq", worker, "--processes", "1", "--threads", "4")
        schedule = ("python", "-m", modules["scheduler"])
        check = health
    return Jobs(
        library=library,
        broker=str(answers.get("broker") or "redis"),
        namespace=str(answers["project_slug"]),
        is_async=library == "arq",
        # Django's REST framework views are sync, so only ARQ makes its web side async.
        api_is_async=library == "arq"
        or (answers["framework"] == "fastapi" and answers["concurrency"] == "async"),
        worker=run,
        scheduler=schedule,
        worker_check=check,
        scheduler_check=health if schedule else (),
    )
