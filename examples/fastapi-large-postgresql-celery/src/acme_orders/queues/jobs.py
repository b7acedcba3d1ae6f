"""Hands jobs to Celery. The web process sends tasks by name and never imports the worker."""

from typing import Any

from celery import Celery
from starlette.concurrency import run_in_threadpool

from acme_orders.workers.jobs import DELIVER_WEBHOOK


def broker_namespace(namespace: str) -> dict[str, Any]:
    """Celery settings that keep this project apart from others on the same broker.

    Every Redis key Celery writes (the queue, its routing tables, the unacknowledged
    messages) starts with the namespace, and the control exchange (``celery inspect
    ping``, the worker's healthcheck) is the project's own, so no other project's
    worker answers it.
    """
    return {
        "control_exchange": namespace,
        "broker_transport_options": {"global_keyprefix": f"{namespace}:"},
    }


class JobQueue:
    def __init__(self, *, broker_url: str, queue: str) -> None:
        # A producer only: no tasks, no result backend, not the process-wide "current" app.
        self._app = Celery(broker=broker_url, set_as_current=False)
        self._app.conf.update(broker_namespace(queue))
        self._queue = queue

    async def enqueue(self, job_id: str) -> None:
        """Send from a worker thread: the Celery client blocks."""
        await run_in_threadpool(self._send, job_id)

    def _send(self, job_id: str) -> None:
        """Send the delivery task; its task id is the job id, so both logs name the same thing."""
        self._app.send_task(DELIVER_WEBHOOK, args=[job_id], task_id=job_id, queue=self._queue)

    def close(self) -> None:
        self._app.close()
