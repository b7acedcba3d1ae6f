"""The durable task queues: how each library's processes are run, and what it depends on."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from extensions import decisions, layout, queues, versions
from tests import combinations
from tests.support import default_answers

LIBRARIES = ("celery", "arq", "rq", "dramatiq")
LAYOUTS = [
    ("small", "by_layer"),
    *itertools.product(("medium", "large"), decisions.CHOICES["code_organization"]),
]


def queue_answers(library: str, broker: str = "redis", **more: Any) -> dict[str, Any]:
    """Answers the questionnaire accepts for ``library`` (ARQ async, RQ sync, unless given)."""
    concurrency = more.pop("concurrency", {"arq": "async", "rq": "sync"}.get(library, "async"))
    answers = default_answers(task_queue=library, broker=broker, concurrency=concurrency, **more)
    answers["background_work"] = combinations.background_work_for(answers)
    assert decisions.refusals(answers) == [], answers
    return answers


def built(library: str, broker: str = "redis", **more: Any) -> queues.Jobs:
    answers = queue_answers(library, broker, **more)
    jobs = queues.build(answers, layout.build(answers).module)
    assert jobs is not None
    return jobs


def test_the_libraries_are_the_durable_queues() -> None:
    assert set(queues.QUEUES) == set(LIBRARIES) == set(layout.DURABLE_QUEUES)
    assert set(queues.QUEUES) > decisions.BROKER_CHOICE_QUEUES
    assert set(queues.QUEUES) < set(decisions.CHOICES["task_queue"])
    assert set(queues.SCHEDULERS) == set(queues.QUEUES)
    assert set(queues.REDELIVERY) == {(library, "redis") for library in queues.QUEUES} | {
        (library, "rabbitmq") for library in decisions.BROKER_CHOICE_QUEUES
    }
    assert set(queues.DISPLAY_NAMES) == set(queues.QUEUES)


@pytest.mark.parametrize("queue", ["none", "background_tasks"])
def test_no_durable_queue_no_facts(queue: str) -> None:
    answers = default_answers(task_queue=queue)
    assert queues.build(answers, layout.build(answers).module) is None
    assert queues.dependencies(answers) == []
    assert queues.dev_dependencies(answers) == []
    assert queues.untyped_modules(answers) == ()


# ----------------------------------------------------------------- processes

WORKER = "app.worker"
SCHEDULER = "app.scheduler"
HEALTH = ("python", "-m", "app.worker_health")


@pytest.mark.parametrize(
    ("library", "worker", "scheduler", "worker_check", "scheduler_check"),
    [
        (
            "celery",
            ("celery", "--app", WORKER, "worker", "--loglevel", "INFO"),
            # Beat keeps its schedule state in a file: a writable path inside the image.
            (
                *("celery", "--app", WORKER, "beat", "--loglevel", "INFO"),
                *("--scheduler", queues.BEAT_SCHEDULER),
            ),
            ("celery", "--app", WORKER, "inspect", "ping", "--timeout", "10"),
            HEALTH,
        ),
        (
            "arq",
            ("python", "-m", WORKER),
            (),  # the worker runs the cron job itself
            (
                *("arq", "--check", "--custom-log-dict", f"{WORKER}.LOG_CONFIG"),
                f"{WORKER}.WorkerSettings",
            ),
            (),
        ),
        ("rq", ("python", "-m", WORKER), ("python", "-m", SCHEDULER), HEALTH, HEALTH),
        (
            "dramatiq",
            ("dramatiq", WORKER, "--processes", "1", "--threads", "4"),
            ("python", "-m", SCHEDULER),
            HEALTH,
            HEALTH,
        ),
    ],
)
def test_process_commands(
    library: str,
    worker: tuple[str, ...],
    scheduler: tuple[str, ...],
    worker_check: tuple[str, ...],
    scheduler_check: tuple[str, ...],
) -> None:
    jobs = built(library)
    assert jobs.library == library
    assert jobs.worker == worker
    assert jobs.scheduler == scheduler
    assert jobs.worker_check == worker_check
    assert jobs.scheduler_check == scheduler_check
    assert jobs.scheduled_by == queues.SCHEDULERS[library]
    assert jobs.name.lower() == library


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(("size", "organization"), LAYOUTS)
def test_commands_name_the_layouts_modules(library: str, size: str, organization: str) -> None:
    """Every module a command runs is one the layout renders, whatever the size."""
    answers = queue_answers(library, project_size=size, code_organization=organization)
    placed = layout.build(answers)
    jobs = queues.build(answers, placed.module)
    assert jobs is not None
    commands = (jobs.worker, jobs.scheduler, jobs.worker_check, jobs.scheduler_check)
    named = set()
    for argv in commands:
        for arg in argv:
            module = arg.removesuffix(".WorkerSettings")
            if module in placed.module.values():
                named.add(module)
    assert placed.module["worker"] in named
    for part in ("scheduler", "worker_health"):
        # A module is run exactly when the layout renders it.
        assert (placed.module.get(part) in named) == bool(placed.path[part]), part
    # `python -m` takes a module the layout renders.
    for argv in commands:
        if argv[:2] == ("python", "-m"):
            assert argv[2] in placed.module.values(), argv


@pytest.mark.parametrize("library", LIBRARIES)
def test_scheduler_and_healthcheck_only_where_the_library_needs_them(library: str) -> None:
    """RQ and Dramatiq run a scheduler process; ARQ checks its worker with its own CLI."""
    answers = queue_answers(library)
    modules = layout.build(answers).module
    jobs = built(library)
    has_scheduler_module = library in {"rq", "dramatiq"}
    assert ("scheduler" in modules) is has_scheduler_module
    assert ("worker_health" in modules) is (library != "arq")
    # Celery beat runs from the worker module; ARQ's cron from its worker.
    assert bool(jobs.scheduler) is (library != "arq")
    assert bool(jobs.scheduler_check) is bool(jobs.scheduler)
    assert jobs.worker_check, "every worker container gets a healthcheck"


# ----------------------------------------------------------------- the facts


@pytest.mark.parametrize("library", LIBRARIES)
def test_only_arq_is_async(library: str) -> None:
    jobs = built(library)
    assert jobs.is_async is (library == "arq")
    assert jobs.async_ == ("async " if library == "arq" else "")
    assert jobs.await_ == ("await " if library == "arq" else "")


@pytest.mark.parametrize(
    ("library", "framework", "concurrency", "web_async", "offloads"),
    [
        ("arq", "fastapi", "async", True, False),
        ("arq", "django", "async", True, False),
        ("celery", "fastapi", "async", True, True),
        ("dramatiq", "fastapi", "async", True, True),
        ("celery", "fastapi", "sync", False, False),
        ("rq", "fastapi", "sync", False, False),
        # Django REST framework views are sync whatever the concurrency.
        ("celery", "django", "async", False, False),
        ("dramatiq", "flask", "sync", False, False),
    ],
)
def test_the_web_side_of_the_jobs_follows_the_web_process(
    library: str, framework: str, concurrency: str, web_async: bool, offloads: bool
) -> None:
    jobs = built(library, framework=framework, concurrency=concurrency)
    assert (jobs.api_is_async, jobs.offloads_client) == (web_async, offloads)
    assert jobs.api_async_ == ("async " if web_async else "")
    assert jobs.api_await_ == ("await " if web_async else "")
    # The web's records use Redis's asyncio client when the web is async and the worker not.
    assert jobs.api_redis == ("AsyncRedis" if offloads else "Redis")
    assert ("from redis.asyncio import Redis as AsyncRedis" in jobs.redis_imports) is offloads
    assert len(jobs.redis_imports) == (2 if offloads else 1)


@pytest.mark.parametrize(
    ("library", "broker", "setting"),
    [
        ("celery", "redis", "redis_url"),
        ("celery", "rabbitmq", "broker_url"),
        ("dramatiq", "redis", "redis_url"),
        ("dramatiq", "rabbitmq", "broker_url"),
        ("arq", "redis", "redis_url"),
        ("rq", "redis", "redis_url"),
    ],
)
def test_the_broker_setting(library: str, broker: str, setting: str) -> None:
    """Redis doubles as the broker unless RabbitMQ carries the messages."""
    jobs = built(library, broker)
    assert jobs.broker == broker
    assert jobs.uses_rabbitmq is (broker == "rabbitmq")
    assert jobs.broker_setting == setting


@pytest.mark.parametrize(
    ("library", "broker", "kwargs"),
    [
        ("celery", "redis", (("broker_url", "redis_url"), ("queue", "jobs_queue"))),
        ("celery", "rabbitmq", (("broker_url", "broker_url"), ("queue", "jobs_queue"))),
        ("dramatiq", "rabbitmq", (("broker_url", "broker_url"), ("queue", "jobs_queue"))),
        # RQ schedules its own retries: the producer sets the policy on each job.
        (
            "rq",
            "redis",
            (
                ("redis_url", "redis_url"),
                ("queue", "jobs_queue"),
                ("max_attempts", "jobs_max_attempts"),
                ("backoff_seconds", "jobs_backoff_seconds"),
            ),
        ),
    ],
)
def test_queue_kwargs(library: str, broker: str, kwargs: tuple[tuple[str, str], ...]) -> None:
    assert built(library, broker).queue_kwargs == kwargs


# ----------------------------------------------------------------- dependencies

# The worker-kill test kills a worker's process tree with psutil.
KILL = ["psutil", "types-psutil"]


@pytest.mark.parametrize(
    ("library", "broker", "runtime", "dev"),
    [
        ("celery", "redis", ["celery", "redis"], ["celery-types", *KILL]),
        ("celery", "rabbitmq", ["celery", "redis"], ["celery-types", *KILL]),
        ("arq", "redis", ["arq", "redis-for-arq"], ["pytest-asyncio", *KILL]),
        ("rq", "redis", ["rq", "redis"], KILL),
        ("dramatiq", "redis", ["dramatiq-redis", "redis", "apscheduler"], KILL),
        ("dramatiq", "rabbitmq", ["dramatiq-rabbitmq", "redis", "apscheduler"], KILL),
    ],
)
def test_dependencies(library: str, broker: str, runtime: list[str], dev: list[str]) -> None:
    answers = queue_answers(library, broker)
    assert sorted(queues.dependencies(answers)) == sorted(runtime)
    assert queues.dev_dependencies(answers) == dev
    assert set(runtime) <= set(versions.RUNTIME)
    assert set(dev) <= set(versions.DEV)


def test_celery_talks_to_rabbitmq_without_an_extra() -> None:
    """Celery's amqp transport (kombu, py-amqp) is a core dependency; Redis needs the extra."""
    assert versions.RUNTIME["celery"].startswith("celery[redis]")


@pytest.mark.parametrize(
    ("library", "broker", "untyped"),
    [
        ("celery", "redis", ()),  # celery-types covers it
        ("celery", "rabbitmq", ()),
        ("arq", "redis", ()),
        ("rq", "redis", ()),
        ("dramatiq", "redis", ("apscheduler.*",)),
        ("dramatiq", "rabbitmq", ("apscheduler.*", "pika.*")),
    ],
)
def test_untyped_modules(library: str, broker: str, untyped: tuple[str, ...]) -> None:
    assert queues.untyped_modules(queue_answers(library, broker)) == untyped


def test_asyncio_options_are_pytest_asyncios() -> None:
    assert dict(queues.ASYNCIO_PYTEST_OPTIONS) == {
        "asyncio_mode": '"auto"',
        "asyncio_default_fixture_loop_scope": '"function"',
    }


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_jobs_namespace_defaults_to_the_project_slug(library: str) -> None:
    """Two projects on one Redis (or RabbitMQ) keep their queues and keys apart."""
    jobs = built(library, project_slug="billing-api", package_name="billing_api")

    assert jobs.namespace == "billing-api"


# The redelivery time each README sentence (queues.REDELIVERY) states, in seconds.
DOCUMENTED_REDELIVERY = {
    ("celery", "rabbitmq"): ("at once", 0),
    ("dramatiq", "rabbitmq"): ("at once", 0),
    ("celery", "redis"): ("36 s", 36),
    ("dramatiq", "redis"): ("about a minute", 60),
    ("rq", "redis"): ("about 100 s", 100),
    ("arq", "redis"): ("about 30 s", 30),
}


@pytest.mark.parametrize(("library", "broker"), list(queues.REDELIVERY))
def test_the_kill_test_waits_longer_than_the_documented_redelivery(
    library: str, broker: str
) -> None:
    words, seconds = DOCUMENTED_REDELIVERY[library, broker]
    assert words in queues.REDELIVERY[library, broker]
    # Room for a worker's start-up and a busy CI machine.
    assert built(library, broker).redelivery_timeout >= max(30, 1.5 * seconds)
