"""Hands jobs to Dramatiq. The web process sends messages by actor name, never importing the worker.

The worker's actor options (retries, backoff) apply when it processes the message,
so the producer needs nothing but the broker.
"""

import logging

import dramatiq
import pika
from dramatiq.brokers.rabbitmq import RabbitmqBroker

from acme_orders.jobs.tasks import DELIVER_WEBHOOK

# pika logs every step of every connection at INFO (Dramatiq's worker quiets it too).
logging.getLogger("pika").setLevel(logging.WARNING)


class JobQueue:
    def __init__(self, *, broker_url: str, queue: str) -> None:
        # Publisher confirms: enqueue() returns once RabbitMQ has the message.
        self._broker = RabbitmqBroker(url=broker_url, confirm_delivery=True)
        self._queue = queue

    def enqueue(self, job_id: str) -> None:
        """Send the delivery; the message id is the job id, so both logs name the same thing."""
        message: dramatiq.Message[None] = dramatiq.Message(
            queue_name=self._queue,
            actor_name=DELIVER_WEBHOOK,
            args=(job_id,),
            kwargs={},
            options={},
            message_id=job_id,
        )
        self._broker.enqueue(message)

    def ping(self) -> None:
        """Raise unless the broker answers."""
        # A connection of its own: the broker's per-thread one may be in use.
        pika.BlockingConnection(self._broker.parameters).close()

    def close(self) -> None:
        self._broker.close()
