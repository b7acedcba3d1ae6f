"""A bounded write load against a served items API, alone and through a database cut.

Traffic goes to 127.0.0.1 only, a fixed number of requests from a fixed number of
threads, each on its own keep-alive connection. What is checked is what a client
and an operator rely on:

- under load alone, every write succeeds and the table holds exactly the rows the
  API acknowledged;
- while the database is cut away or frozen (through a :class:`tests.faults.Proxy`),
  writes and readiness answer 503 problem details with ``Retry-After`` within the
  app's timeouts, never a 500 and never a hang; once it is back they succeed again
  within ``RECOVERY_SECONDS``; and no acknowledged row is lost.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests import faults

ITEMS = "/api/v1/items"
HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/json",
    # As a TLS-terminating proxy sends it (production redirects plain HTTP).
    "X-Forwarded-Proto": "https",
}
# The load: this many writes from this many clients.
WRITES = 600
CLIENTS = 12
# How long the database stays cut or frozen (long enough for a request on a frozen
# connection to give up and fail to reconnect: see DATABASE_TIMEOUTS), and how soon after
# its return writes must succeed.
OUTAGE_SECONDS = {"cut": 5.0, "frozen": 8.0}
RECOVERY_SECONDS = 5.0
# A request that takes longer than this while the database is away is a hang (the served
# app's database timeouts are set to fit it: see DATABASE_TIMEOUTS).
ANSWER_WITHIN_SECONDS = 10.0
DATABASE_TIMEOUTS = {
    "DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": "3",
    "DATABASE_POOL_TIMEOUT_SECONDS": "2",
}


@dataclass
class Answer:
    status: int
    content_type: str
    retry_after: str | None
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """One keep-alive connection to the server, reopened when the server closes it."""

    port: int
    connection: http.client.HTTPConnection | None = field(default=None, init=False)

    def request(self, method: str, path: str, body: Any = None) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        started = time.monotonic()
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=ANSWER_WITHIN_SECONDS * 3
                )
            try:
                self.connection.request(method, path, body=data, headers=HEADERS)
                response = self.connection.getresponse()
                payload = response.read()
            except (ConnectionError, http.client.RemoteDisconnected):
                # A keep-alive connection the server had closed: only a fresh one may fail.
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return Answer(
                response.status,
                response.getheader("Content-Type", ""),
                response.getheader("Retry-After"),
                payload,
                time.monotonic() - started,
            )
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def listed_ids(port: int) -> set[int]:
    """Every item id the list endpoint pages through."""
    client = Client(port)
    ids: set[int] = set()
    try:
        while True:
            page = client.request("GET", f"{ITEMS}?limit=100&offset={len(ids)}")
            assert page.status == 200, f"listing items: {page.status} {page.body[:500]!r}"
            entries = page.json()["items"]
            ids.update(entry["id"] for entry in entries)
            if len(entries) < 100:
                return ids
    finally:
        client.close()


def _write_all(port: int, names: list[str]) -> list[tuple[str, Answer | BaseException]]:
    """POST one item per name from CLIENTS threads, each with its own connection."""
    local = threading.local()
    clients: list[Client] = []
    lock = threading.Lock()

    def write(name: str) -> tuple[str, Answer | BaseException]:
        if not hasattr(local, "client"):
            local.client = Client(port)
            with lock:
                clients.append(local.client)
        try:
            return name, local.client.request("POST", ITEMS, {"name": name})
        except (OSError, http.client.HTTPException) as error:
            return name, error

    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            return list(pool.map(write, names))
    finally:
        for client in clients:
            client.close()


def _problem_issue(answer: Answer, status: int) -> str:
    """Why ``answer`` is not a problem document of ``status`` with Retry-After, or ""."""
    if answer.status != status:
        return f"status {answer.status}"
    if not answer.content_type.startswith("application/problem+json"):
        return f"content type {answer.content_type!r}"
    if status == 503 and not answer.retry_after:
        return "no Retry-After"
    if b"Traceback" in answer.body:
        return "a traceback in the body"
    return ""


def load_keeps_every_write(port: int, label: str = "load") -> list[str]:
    """WRITES creates from CLIENTS clients: all 201, and exactly those rows are added."""
    before = listed_ids(port)
    started = time.monotonic()
    results = _write_all(port, [f"{label} {index}" for index in range(WRITES)])
    elapsed = time.monotonic() - started
    problems = []
    created: dict[int, str] = {}
    for name, answer in results:
        if isinstance(answer, BaseException):
            problems.append(f"POST {name!r}: {type(answer).__name__}: {answer}")
        elif answer.status != 201:
            problems.append(f"POST {name!r}: {answer.status} {answer.body[:300]!r}")
        else:
            created[answer.json()["id"]] = name
    added = listed_ids(port) - before
    if added != set(created):
        problems.append(
            f"{len(created)} writes acknowledged, {len(added)} rows added; "
            f"acknowledged but missing: {sorted(set(created) - added)[:20]}, "
            f"added but never acknowledged: {sorted(added - set(created))[:20]}"
        )
    print(
        f"{WRITES} writes from {CLIENTS} clients in {elapsed:.1f} s "
        f"({WRITES / elapsed:.0f}/s): {len(created)} acknowledged, {len(added)} rows added"
    )
    return problems[:20]


@contextmanager
def _writing(port: int, label: str) -> Iterator[Callable[[], list[tuple[float, Answer | str]]]]:
    """Writes one at a time in the background; yields a function that stops them."""
    stop = threading.Event()
    seen: list[tuple[float, Answer | str]] = []

    def loop() -> None:
        client = Client(port)
        index = 0
        try:
            while not stop.is_set():
                index += 1
                try:
                    answer: Answer | str = client.request(
                        "POST", ITEMS, {"name": f"{label} {index}"}
                    )
                except (OSError, http.client.HTTPException) as error:
                    answer = f"{type(error).__name__}: {error}"
                seen.append((time.monotonic(), answer))
                time.sleep(0.05)
        finally:
            client.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()

    def finish() -> list[tuple[float, Answer | str]]:
        stop.set()
        thread.join(ANSWER_WITHIN_SECONDS * 3)
        return seen

    yield finish


def database_outage_is_a_503(port: int, proxy: faults.Proxy, *, freeze: bool = False) -> list[str]:
    """Writes while the database is cut (or frozen) for OUTAGE_SECONDS, then restored.

    Meanwhile writes and readiness are 503 problem details with Retry-After, each
    within ANSWER_WITHIN_SECONDS. Back: a write succeeds within RECOVERY_SECONDS, and
    every acknowledged write is in the table.
    """
    fault = "frozen" if freeze else "cut"
    outage = OUTAGE_SECONDS[fault]
    problems: list[str] = []
    probe = Client(port)
    with _writing(port, fault) as finish:
        time.sleep(1.0)
        proxy.freeze() if freeze else proxy.cut()
        cut_at = time.monotonic()
        time.sleep(outage / 2)
        try:
            ready: Answer | None = probe.request("GET", "/health/ready")
        except (OSError, http.client.HTTPException) as error:
            ready = None
            probe.close()
            problems.append(f"readiness, database {fault}: {type(error).__name__}: {error}")
        else:
            if why := _problem_issue(ready, 503):
                problems.append(f"readiness, database {fault}: {why}: {ready.body[:300]!r}")
            if ready.seconds > ANSWER_WITHIN_SECONDS:
                problems.append(f"readiness, database {fault}: answered in {ready.seconds:.1f} s")
        time.sleep(max(0.0, outage - (time.monotonic() - cut_at)))
        proxy.restore()
        restored_at = time.monotonic()
        recovered_at = None
        while time.monotonic() - restored_at < RECOVERY_SECONDS + ANSWER_WITHIN_SECONDS:
            try:
                answer = probe.request("POST", ITEMS, {"name": f"after the database was {fault}"})
            except (OSError, http.client.HTTPException):
                probe.close()
                continue
            if answer.status == 201:
                recovered_at = time.monotonic()
                break
            time.sleep(0.2)
        time.sleep(1.0)
        seen = finish()
    probe.close()

    if recovered_at is None or recovered_at - restored_at > RECOVERY_SECONDS:
        took = "never" if recovered_at is None else f"{recovered_at - restored_at:.1f} s"
        problems.append(f"writes succeeded again {took} after the database came back")
    acknowledged = set()
    during_outage = 0
    for at, answer in seen:
        if isinstance(answer, str):
            problems.append(f"a write, database {fault}, failed on the wire: {answer}")
            continue
        if answer.seconds > ANSWER_WITHIN_SECONDS:
            problems.append(f"a write took {answer.seconds:.1f} s to answer {answer.status}")
        if answer.status == 201:
            acknowledged.add(answer.json()["id"])
        elif why := _problem_issue(answer, 503):
            problems.append(f"a write at +{at - cut_at:.1f} s: {why}: {answer.body[:300]!r}")
        if cut_at + 0.5 < at < restored_at:
            during_outage += 1
    if during_outage == 0:
        problems.append(f"no write was answered while the database was {fault}")
    missing = acknowledged - listed_ids(port)
    if missing:
        problems.append(f"acknowledged writes lost, database {fault}: {sorted(missing)[:20]}")
    statuses: dict[int | str, int] = {}
    for _, answer in seen:
        key = answer.status if isinstance(answer, Answer) else "error"
        statuses[key] = statuses.get(key, 0) + 1
    recovery = "never" if recovered_at is None else f"{recovered_at - restored_at:.1f} s"
    readiness = "no answer" if ready is None else f"{ready.status} in {ready.seconds:.1f} s"
    print(
        f"database {fault} {outage:.0f} s: writes answered {statuses}, readiness "
        f"{readiness}, writes recovered in {recovery}"
    )
    return problems[:20]
