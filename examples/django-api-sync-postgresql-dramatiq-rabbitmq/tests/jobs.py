"""Task queue fixtures: the servers, a queue per session, the real worker, a webhook receiver.

``TEST_REDIS_URL`` and ``TEST_BROKER_URL`` point at the servers. Each session uses a
queue of its own (``test-<hex>``, also the prefix of its Redis keys), so runs never
collide, and deletes it at the end. There is no fallback: without the servers every
test that needs them fails and says how to start them.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self, override

import pika
import psutil
import pytest
from pika.exceptions import AMQPError, ChannelClosedByBroker
from redis import Redis
from redis.exceptions import RedisError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKER_ARGV = ["dramatiq", "acme_orders.jobs.worker", "--processes", "1", "--threads", "4"]
# Few attempts, short waits: a retried job finishes within seconds.
WORKER_SETTINGS = {
    "ENVIRONMENT": "test",
    "JOBS_MAX_ATTEMPTS": "3",
    "JOBS_BACKOFF_SECONDS": "0.2",
    "LOG_JSON": "true",
}
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 20


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 20) -> None:
    """Poll ``condition`` until it holds; fail the test, naming ``what``, after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what}", pytrace=False)
        time.sleep(0.1)


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/0")
    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except RedisError as error:
        pytest.fail(
            f"Redis is not reachable at {url}: {error}\n"
            "Start it with `docker compose up --detach --wait redis`, "
            "or point TEST_REDIS_URL at a server.",
            pytrace=False,
        )
    finally:
        client.close()
    return url


@pytest.fixture(scope="session")
def broker_url() -> str:
    url = os.environ.get("TEST_BROKER_URL", "amqp://guest:guest@localhost:5672/%2F")
    try:
        pika.BlockingConnection(pika.URLParameters(url)).close()
    except AMQPError as error:
        pytest.fail(
            f"RabbitMQ is not reachable at {url}: {error!r}\n"
            "Start it with `docker compose up --detach --wait rabbitmq`, "
            "or point TEST_BROKER_URL at a server.",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session")
def jobs_queue(redis_url: str, broker_url: str) -> Iterator[str]:
    """This session's queue name, also the prefix of its Redis keys; both go at the end."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    redis = Redis.from_url(redis_url)
    try:
        # The job records; the messages live in RabbitMQ.
        keys = list(redis.scan_iter(f"{name}:*"))
        if keys:
            redis.delete(*keys)
    finally:
        redis.close()
    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    try:
        channel = connection.channel()
        # Dramatiq's queue, its delay queue and its dead-letter queue.
        for queue in (name, f"{name}.DQ", f"{name}.XQ"):
            channel.queue_delete(queue)
    finally:
        connection.close()


@pytest.fixture(scope="session")
def jobs_env(redis_url: str, broker_url: str, jobs_queue: str) -> dict[str, str]:
    """The environment of a worker process: this session's servers and queue."""
    return {
        **os.environ,
        **WORKER_SETTINGS,
        "REDIS_URL": redis_url,
        "BROKER_URL": broker_url,
        "JOBS_QUEUE": jobs_queue,
        "PYTHONUNBUFFERED": "1",
    }


class WorkerProcess:
    """A worker started as a process of its own; what it prints is collected as it runs."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        executable = shutil.which(argv[0], path=Path(sys.executable).parent) or argv[0]
        self._argv = [executable, *argv[1:]]
        self._env = env
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            self._argv,
            cwd=PROJECT_ROOT,
            env=self._env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        self._reader.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self._lock:
                self._lines.append(line)

    def output(self) -> str:
        """Everything the worker printed so far (its log lines)."""
        with self._lock:
            return "".join(self._lines)

    def wait_for_output(self, text: str, timeout: float = 20) -> None:
        wait_until(
            lambda: text in self.output(), what=f"{text!r} in the worker's output", timeout=timeout
        )

    def wait_until_ready(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"The worker never got to {what}. Its output:\n{self.output()}")
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_output()

    def crash_and_restart(self) -> None:
        """Kill the worker as a dying container would, then start it again.

        Every process it started (a pool, a work horse) dies with it. All are stopped
        first, so none sees another die and hands its job back: what the worker had
        taken but not finished is the queue's to deliver again.
        """
        root = psutil.Process(self.process.pid)
        root.suspend()
        children = root.children(recursive=True)
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.suspend()
        for process in [root, *children]:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        self.process.wait()
        self._close_output()
        self._start()

    def _close_output(self) -> None:
        self._reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _consumers(broker_url: str, queue: str) -> int:
    """How many consumers RabbitMQ counts on ``queue`` (0 while it does not exist)."""
    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    try:
        declared = connection.channel().queue_declare(queue, passive=True)
    except ChannelClosedByBroker:
        return 0
    finally:
        connection.close()
    count: int = declared.method.consumer_count
    return count


@pytest.fixture(scope="session")
def worker(jobs_env: dict[str, str], jobs_queue: str, broker_url: str) -> Iterator[WorkerProcess]:
    """The real worker process (``WORKER_ARGV``), consuming this session's queue."""
    process = WorkerProcess(WORKER_ARGV, jobs_env)
    try:
        process.wait_until_ready(
            lambda: _consumers(broker_url, jobs_queue) > 0, f"consuming {jobs_queue}"
        )
        yield process
    finally:
        process.stop()


@dataclass(frozen=True)
class Delivery:
    """One request the webhook receiver got; header names are lower-case."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """A real HTTP server on 127.0.0.1: answers with scripted statuses, records every request."""

    def __init__(self) -> None:
        self._statuses: list[int] = []
        self._deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._answering = threading.Event()
        self._answering.set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/webhook"

    def answer(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, in order; 200 once they run out."""
        with self._lock:
            self._statuses = list(statuses)

    def hold(self) -> None:
        """Keep every request waiting for its answer until :meth:`release`."""
        self._answering.clear()

    def release(self) -> None:
        self._answering.set()

    @property
    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)

    def wait_for(self, count: int, timeout: float = 20) -> list[Delivery]:
        """The first ``count`` requests, once they have arrived."""
        wait_until(
            lambda: len(self.deliveries) >= count, what=f"{count} webhook(s)", timeout=timeout
        )
        return self.deliveries[:count]

    def _record(self, delivery: Delivery) -> int:
        with self._lock:
            self._deliveries.append(delivery)
            return self._statuses.pop(0) if self._statuses else 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status = receiver._record(Delivery(self.path, headers, body))
                receiver._answering.wait()
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except ConnectionError:
                    pass  # the worker that sent it was killed while the answer was held

            @override
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests read the recorded deliveries instead."""

        return Handler

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver
