"""The ``broker`` question: RabbitMQ carries Celery's or Dramatiq's messages."""

from __future__ import annotations

from typing import Any

from .slots import Health, Service


def folders(project: Any) -> dict[str, bool]:
    """RabbitMQ's own modules (the job queue's ping, its test fixtures)."""
    return {"rabbitmq": project.jobs is not None and project.jobs.uses_rabbitmq}


def services(project: Any) -> tuple[Service, ...]:
    if project.jobs is None or not project.jobs.uses_rabbitmq:
        return ()
    return (
        Service(
            name="rabbitmq",
            server="RabbitMQ",
            image=project.tools["rabbitmq-image"],
            port=5672,
            volume="rabbitmqdata",
            data_dir="/var/lib/rabbitmq",
            health=Health(
                command=("rabbitmq-diagnostics", "--quiet", "ping"),
                ci_command="rabbitmq-diagnostics --quiet ping",
                interval_seconds=10,
                timeout_seconds=10,
                start_period_seconds=20,
            ),
            ci_alias="rabbitmq",
            app_setting="BROKER_URL",
            app_url="amqp://guest:guest@rabbitmq:5672/%2F",
            test_setting="TEST_BROKER_URL",
            test_url="amqp://guest:guest@{host}:5672/%2F",
        ),
    )
