"""The ``task_queue`` question: a durable queue keeps its job records in Redis."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import queues
from ..docs import EnvVar
from .slots import CiTarget, Feature, Health, Process, Service, Setting


def features(answers: Mapping[str, Any]) -> tuple[Feature, ...]:
    """A durable queue's jobs API; FastAPI's in-process BackgroundTasks, the notifications."""
    queue = answers["task_queue"]
    django = answers["framework"] == "django"
    if queue == "background_tasks" and not django:
        return (Feature("notifications", ("routes", "service", "schemas")),)
    if queue in queues.QUEUES:
        schemas = "serializers" if django else "schemas"
        return (Feature("jobs", ("routes", "service", "repository", schemas, "tasks", "queue")),)
    return ()


def folders(project: Any) -> dict[str, bool]:
    """The template folders the answer renders: a durable queue's jobs API and worker
    (``jobs``) and its library's own modules, or FastAPI's in-process BackgroundTasks."""
    queue = project.answers["task_queue"]
    return {
        "background_tasks": queue == "background_tasks",
        "jobs": project.jobs is not None,
        **{name: queue == name for name in queues.QUEUES},
    }


def dependencies(project: Any) -> tuple[str, ...]:
    """The queue's library, its broker's client and its scheduler (keys of versions.RUNTIME)."""
    return tuple(queues.dependencies(project.answers))


def dev_dependencies(project: Any) -> tuple[str, ...]:
    return tuple(queues.dev_dependencies(project.answers))


def ci_targets(project: Any) -> tuple[CiTarget, ...]:
    """The worker-kill test waits for the queue's redelivery: too slow for `make check`."""
    if project.jobs is None:
        return ()
    return (
        CiTarget(
            target="test-slow",
            help="Kill the worker mid-job; the job must run again (needs the services)",
            command="uv run pytest -m slow --no-cov",
            why="The worker killed mid-job: waits for the task queue to run the job again.",
            report="report-slow.xml",
        ),
    )


def processes(project: Any) -> tuple[Process, ...]:
    """The worker runs the jobs; a scheduler, where the library needs one, sends the
    periodic one."""
    jobs = project.jobs
    if jobs is None:
        return ()
    found = [
        Process(
            name="worker",
            comment="Runs the jobs; scale it with `docker compose up --scale worker=3`.",
            command=jobs.worker,
            check=jobs.worker_check,
        )
    ]
    if jobs.scheduler:
        found.append(
            Process(
                name="scheduler",
                comment=(
                    "Sends the periodic job. Run exactly one: two schedulers would send it twice."
                ),
                command=jobs.scheduler,
                check=jobs.scheduler_check,
            )
        )
    return tuple(found)


def services(project: Any) -> tuple[Service, ...]:
    if project.jobs is None:
        return ()
    queue = "" if project.jobs.uses_rabbitmq else " and the queue"
    return (
        Service(
            name="redis",
            server="Redis",
            image=project.tools["redis-image"],
            port=6379,
            volume="redisdata",
            data_dir="/data",
            health=Health(
                command=("redis-cli", "ping"),
                ci_command="redis-cli ping",
                interval_seconds=5,
                timeout_seconds=5,
            ),
            ci_alias="redis",
            app_setting="REDIS_URL",
            app_url="redis://redis:6379/0",
            test_setting="TEST_REDIS_URL",
            test_url="redis://{host}:6379/0",
            comment=f"Job records{queue}, kept on disk (append-only file) across restarts.",
            command=("redis-server", "--appendonly", "yes"),
        ),
    )


def settings(project: Any) -> tuple[Setting, ...]:
    """Where the queue's servers are, its namespace and its retries."""
    jobs = project.jobs
    if jobs is None:
        return ()
    carries = "" if jobs.uses_rabbitmq else " and carries the messages"
    found = [
        Setting(
            "REDIS_URL",
            "str",
            '"redis://localhost:6379/0"',
            'os.environ.get("REDIS_URL") or "redis://localhost:6379/0"',
            (f"The task queue: Redis keeps the job records{carries}.",),
        )
    ]
    if jobs.uses_rabbitmq:
        found.append(
            Setting(
                "BROKER_URL",
                "str",
                '"amqp://guest:guest@localhost:5672/%2F"',
                'os.environ.get("BROKER_URL") or "amqp://guest:guest@localhost:5672/%2F"',
            )
        )
    return (
        *found,
        Setting(
            "JOBS_QUEUE",
            "str",
            f'Field(default="{jobs.namespace}", pattern=r"^[A-Za-z0-9_.-]+$")',
            f'os.environ.get("JOBS_QUEUE") or "{jobs.namespace}"',
            (
                "The jobs' namespace: the queue's name and the prefix of every Redis key they "
                "write.",
            ),
        ),
        Setting(
            "JOBS_MAX_ATTEMPTS",
            "int",
            "Field(default=5, ge=1)",
            'env_int("JOBS_MAX_ATTEMPTS", 5, minimum=1)',
        ),
        Setting(
            "JOBS_BACKOFF_SECONDS",
            "float",
            "Field(default=2.0, gt=0)",
            'env_seconds("JOBS_BACKOFF_SECONDS", 2.0)',
            ("Retry n waits JOBS_BACKOFF_SECONDS * 2**(n-1), at most five minutes.",),
        ),
        Setting(
            "JOBS_STALE_AFTER_SECONDS",
            "float",
            "Field(default=3600.0, gt=0)",
            'env_seconds("JOBS_STALE_AFTER_SECONDS", 3600)',
            ("Unfinished jobs nothing has moved for this many seconds are failed as expired.",),
        ),
    )


def env_vars(project: Any) -> tuple[EnvVar, ...]:
    """The task queue's settings: its servers, its namespace, its retries, the tests'."""
    if project.jobs is None:
        return ()
    answers = project.answers
    rabbitmq = answers.get("broker") == "rabbitmq"
    found = [
        EnvVar(
            "REDIS_URL",
            "`redis://localhost:6379/0`",
            "Redis: the job records" + ("" if rabbitmq else " and the queue"),
            "redis://localhost:6379/0",
            False,
            (
                "Redis, where the job records live"
                + ("." if rabbitmq else " and the queue's messages wait."),
                "The default reaches compose's redis service (docker compose up --detach redis).",
            ),
        ),
    ]
    if rabbitmq:
        found.append(
            EnvVar(
                "BROKER_URL",
                "`amqp://guest:guest@localhost:5672/%2F`",
                "RabbitMQ, which carries the job messages",
                "amqp://guest:guest@localhost:5672/%2F",
                False,
                ("RabbitMQ, which carries the job messages (compose's rabbitmq service).",),
            )
        )
    found += [
        EnvVar(
            "JOBS_QUEUE",
            f"`{answers['project_slug']}` (the project slug)",
            "namespace of the jobs: the queue's name and the prefix of every Redis key "
            "they write; projects sharing a broker need different ones",
            answers["project_slug"],
            True,
            (
                "Namespace of the jobs: the queue's name and the prefix of every Redis key",
                "they write (default: the project slug). Projects that share a Redis or",
                "a RabbitMQ need different ones.",
            ),
        ),
        EnvVar(
            "JOBS_MAX_ATTEMPTS",
            "`5`",
            "attempts before a job with transient failures fails",
            "8",
            True,
            ("Attempts before a job that keeps failing transiently is marked failed (default 5).",),
        ),
        EnvVar(
            "JOBS_BACKOFF_SECONDS",
            "`2`",
            "first retry delay; each retry waits twice as long (at most 300 s)",
            "5",
            True,
            ("Delay before the first retry; each next one doubles, up to 300 s (default 2.0).",),
        ),
        EnvVar(
            "JOBS_STALE_AFTER_SECONDS",
            "`3600`",
            "unfinished jobs nothing has moved for this long are marked failed",
            "7200",
            True,
            ("The periodic job fails unfinished jobs unchanged for this long (default 3600).",),
        ),
        EnvVar(
            "TEST_REDIS_URL",
            "`redis://localhost:6379/0`",
            "the Redis the tests use (their own queue name and keys)",
            "redis://localhost:6379/0",
            True,
            (
                "The Redis the tests use, under a queue name of their own; they fail, never",
                "skip, when it is unreachable. Read from the environment only.",
            ),
        ),
    ]
    if rabbitmq:
        found.append(
            EnvVar(
                "TEST_BROKER_URL",
                "`amqp://guest:guest@localhost:5672/%2F`",
                "the RabbitMQ the tests use (their own queues, deleted afterwards)",
                "amqp://guest:guest@localhost:5672/%2F",
                True,
                ("The RabbitMQ the tests use (queues of their own); environment only.",),
            )
        )
    return tuple(found)
