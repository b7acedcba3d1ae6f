"""The ``task_queue`` question: a durable queue keeps its job records in Redis."""

from __future__ import annotations

from typing import Any

from .. import queues
from .slots import CiTarget, Health, Process, Service


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
