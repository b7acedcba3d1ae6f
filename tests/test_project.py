"""Project tier: generated projects install, pass their own checks, start and serve.

Each row renders a project, then runs what its developers and its container
run: ``uv sync`` with the target interpreter, ``ruff check``, ``ruff format
--check``, ``mypy``, the project's own ``pytest`` (whose configuration holds
the coverage gate), the migration command of ``compose.yaml`` and the server
command of the ``Dockerfile``. The server is then asked over real HTTP for its
health probes and, with a database, for a create-read-update-delete round trip.
With a task queue, compose's worker (and scheduler) commands run beside it
against the real Redis and RabbitMQ: a job submitted over HTTP is retried after
a 503 and delivered to a real HTTP receiver. On one row of each queue and broker
(and of any framework those leave out), the project's own worker-kill test
(``make test-slow``: SIGKILL mid-delivery, restart, the job still succeeds) runs
beside the served steps, and Redis (and RabbitMQ) are cut for 15 s through
proxies the test owns while a backlog waits (submissions and readiness answer
503), and every job still succeeds with no process restarted; and the
containers' healthcheck commands pass.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import yaml
from kombu import Connection
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from prometheus_client.parser import text_string_to_metric_families
from psycopg import sql

from extensions import project, queues
from tests import bad_input, combinations, faults
from tests.support import (
    POSTGRES_URL,
    PROJECT_NAME,
    RABBITMQ_URL,
    REDIS_URL,
    Outcome,
    bound,
    clean_env,
    combo_id,
    default_answers,
    interpreter,
    read_facts,
    render,
    run,
    tool,
    uv_sync_command,
)

pytestmark = pytest.mark.project

# The pairwise covering array of every valid combination, grown from each kind's defaults
# and the rows the issues name: see tests/combinations.py.
ROWS = combinations.project_rows()


# Seconds a dead worker's job took to run again, as measured here: which row of a
# framework the durability steps pick when the queues' own rows leave it out.
_REDELIVERY_SECONDS = {"rabbitmq": 5, "celery": 25, "arq": 31, "dramatiq": 62, "rq": 95}


def _redelivery_seconds(answers: Mapping[str, Any]) -> int:
    broker = answers.get("broker") or "redis"
    return _REDELIVERY_SECONDS["rabbitmq" if broker == "rabbitmq" else answers["task_queue"]]


def _durability_rows() -> frozenset[str]:
    """The rows that kill workers and cut Redis: the first of each task queue and broker,
    and the quickest of any framework those leave out.

    Those steps wait for the queue's own redelivery (up to 100 s for RQ). What they test
    belongs to the worker, one module per queue and broker, and to the web process's
    answers during the outage, one per framework.
    """
    with_queue = [answers for answers in ROWS if answers.get("task_queue") in queues.QUEUES]
    chosen: dict[tuple[str, str], Mapping[str, Any]] = {}
    for answers in with_queue:
        chosen.setdefault((answers["task_queue"], answers.get("broker") or "redis"), answers)
    covered = {answers["framework"] for answers in chosen.values()}
    for framework in {answers["framework"] for answers in with_queue} - covered:
        candidates = [answers for answers in with_queue if answers["framework"] == framework]
        chosen[(framework, "")] = min(candidates, key=_redelivery_seconds)
    return frozenset(combinations.row_id(answers) for answers in chosen.values())


DURABILITY_ROWS = _durability_rows()


def _contract_keys(answers: Mapping[str, Any]) -> set[tuple[str, str]]:
    """What a row's contract test covers: its framework with each API feature, its
    concurrency and its database."""
    facts = project.for_answers(default_answers(**answers))
    if not facts.layout.path.get("test_api_contract"):
        return set()
    framework = answers["framework"]
    found = {(framework, f"feature {feature}") for feature in facts.features}
    found.add((framework, f"concurrency {facts.answers['concurrency']}"))
    found.add((framework, f"database {facts.answers['database']}"))
    return found


def _contract_rows() -> frozenset[str]:
    """The rows whose `make check` runs the generated schemathesis contract test: together
    they hold every framework with each of its API features, concurrencies and databases.

    The test sends some hundreds of requests (a minute for Django on PostgreSQL, where each
    request opens a connection), and the fuzz tier sends thousands to every framework: the
    other rows deselect it.
    """
    return _covering(_contract_keys)


def _covering(keys_of: Callable[[Mapping[str, Any]], set[tuple[str, str]]]) -> frozenset[str]:
    """Row ids that together hold every key some row holds (greedy: most new keys first)."""
    keys = {combinations.row_id(answers): keys_of(answers) for answers in ROWS}
    uncovered = set().union(*keys.values())
    chosen: set[str] = set()
    while uncovered:
        best = max(keys, key=lambda row: len(keys[row] & uncovered))
        chosen.add(best)
        uncovered -= keys[best]
    return frozenset(chosen)


CONTRACT_ROWS = _contract_rows()


def _audit_keys(answers: Mapping[str, Any]) -> set[tuple[str, str]]:
    """What a row's `make audit` collects: its direct dependencies, under its Python."""
    facts = project.for_answers(default_answers(**answers))
    python = str(answers["python_version"])
    return {(python, requirement) for requirement in facts.dependencies + facts.dev_dependencies}


def _audit_rows() -> frozenset[str]:
    """The rows whose `make audit` recipe runs: together they lock every direct dependency
    the rows hold, under each Python version.

    The recipe is the same line in every project; what can break it is a locked package
    pip-audit cannot collect (no hashes, a marker), which comes with a dependency.
    """
    return _covering(_audit_keys)


AUDIT_ROWS = _audit_rows()


def _requirement_keys(answers: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The distributions a row requires directly, each with its lower bound (the extras
    aside: they change what is installed beside it, not its version)."""
    facts = project.for_answers(default_answers(**answers))
    keys = set()
    for line in facts.dependencies + facts.dev_dependencies:
        keys.add((canonicalize_name(Requirement(line).name), bound(line, ">=")))
    return keys


def _lowest_rows() -> frozenset[str]:
    """The rows first locked at the lower bounds of their direct requirements (``uv lock
    --resolution lowest-direct``) and checked, then moved on with ``uv lock --upgrade``,
    on which lock the rest of the row runs: together they hold every requirement the rows
    hold, so every lower bound in extensions/versions.py is a release proved green."""
    return _covering(_requirement_keys)


LOWEST_ROWS = _lowest_rows()


def _agents_keys(answers: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The commands AGENTS.md names in a row, by what makes them differ."""
    facts = project.for_answers(default_answers(**answers))
    keys = {("run", f"{answers['framework']} {facts.runtime.dev_server.split()[0]}")}
    if facts.has_db:
        keys.add(("migrate", answers["framework"]))
    if facts.jobs:
        keys.add(("worker", facts.jobs.name))
        if facts.jobs.scheduler:
            keys.add(("scheduler", facts.jobs.name))
    return keys


def _agents_rows() -> frozenset[str]:
    """The rows that run every command of their AGENTS.md: together they hold each
    development server, migration command, worker and scheduler."""
    return _covering(_agents_keys)


AGENTS_ROWS = _agents_rows()

STARTUP_SECONDS = 60
JOB_SECONDS = 60
# The slowest redelivery of a dead worker's job (RQ: its record of the job lapses 70 s
# after the last heartbeat, and a maintenance pass runs every 30 s), with room to spare.
REDELIVERY_SECONDS = 150


# ----------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(
    method: str,
    url: str,
    body: Mapping[str, Any] | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> tuple[int, str, bytes]:
    """(status, content type, body) of one request; HTTP errors are answers too."""
    data = json.dumps(body).encode() if body is not None else None
    # As a TLS-terminating proxy in front of the container would send it: production
    # settings that redirect plain HTTP to HTTPS must trust it.
    headers = {"Accept": "application/json", "X-Forwarded-Proto": "https", **(extra_headers or {})}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def dockerfile_cmd(project_dir: Path) -> list[str]:
    """The exec-form CMD of the final stage of the rendered Dockerfile."""
    cmds = [
        line.strip()[len("CMD") :].strip()
        for line in (project_dir / "Dockerfile").read_text().splitlines()
        if line.strip().startswith("CMD ")
    ]
    assert cmds, "the Dockerfile has no CMD"
    command = json.loads(cmds[-1])
    assert isinstance(command, list), f"CMD must be a JSON array, got {cmds[-1]}"
    assert command[:1] in (["uvicorn"], ["gunicorn"]), f"CMD must start a server: {command}"
    return [str(part) for part in command]


def with_port(command: list[str], port: int) -> list[str]:
    """The server command listening on ``port`` (uvicorn's --port, gunicorn's --bind)."""
    result = []
    words = iter(command)
    for word in words:
        if word in {"--port", "--bind", "-b"}:
            value = next(words)
            host = value.rsplit(":", 1)[0] if ":" in value else ""
            result += [word, f"{host}:{port}" if host else str(port)]
        elif word.startswith(("--port=", "--bind=")):
            flag, value = word.split("=", 1)
            host = value.rsplit(":", 1)[0] if ":" in value else ""
            result.append(f"{flag}={host}:{port}" if host else f"{flag}={port}")
        else:
            result.append(word)
    assert result != command, f"no port to rewrite in {command}"
    return result


def migrate_command(project_dir: Path, docker: bool, facts: Any) -> list[str]:
    """The one-shot migration compose runs before web (the project's own without Docker)."""
    if not docker:
        return list(facts.runtime.migrate)
    compose = yaml.safe_load((project_dir / "compose.yaml").read_text())
    service = compose.get("services", {}).get("migrate")
    assert service, "compose.yaml has no migrate service"
    command = [*service.get("entrypoint", []), *service.get("command", [])]
    if isinstance(service.get("command"), str):
        command = shlex.split(service["command"])
    assert command, "the migrate service has no command"
    return [str(part) for part in command]


def missing_database_is_one_line(
    project_dir: Path, docker: bool, facts: Any, env: Mapping[str, str]
) -> list[str]:
    """Migrating a database nobody created fails with one line that says how to create it."""
    name = f"cpp_missing_{uuid.uuid4().hex[:12]}"
    outcome = run(
        migrate_command(project_dir, docker, facts),
        cwd=project_dir,
        env={**env, "DATABASE_URL": postgres_url(facts.database_scheme, name)},
        timeout=120,
    )
    lines = [line for line in (outcome.stdout + outcome.stderr).splitlines() if line.strip()]
    said = lines[0] if len(lines) == 1 else ""
    if outcome.ok or f'database "{name}" does not exist' not in said or "createdb" not in said:
        return [
            "migrating a missing database must fail with one line that names it and says "
            f"how to create it (createdb):\n{outcome.report()}"
        ]
    return []


def postgres_admin() -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}\n"
            "The postgresql rows need it (set TEMPLATE_POSTGRES_URL to use another server).",
            pytrace=False,
        )


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new database on the test server (its name), dropped on exit."""
    name = f"cpp_{uuid.uuid4().hex[:12]}"
    with postgres_admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield name
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def postgres_url(scheme: str, database: str) -> str:
    """``POSTGRES_URL`` for another database, with the project's driver in the scheme."""
    server = POSTGRES_URL.split("://", 1)[1].rsplit("/", 1)[0]
    return f"{scheme}://{server}/{database}"


def allow_connections(database: str, allowed: bool) -> None:
    """Open or close ``database``; closing also ends every session it has."""
    with postgres_admin() as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(database), sql.Literal(allowed)
            )
        )
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (database,),
            )


def poll_readiness(base: str, wanted: int, seconds: float) -> tuple[int, str, bytes]:
    """GET /health/ready until it answers ``wanted`` (or the time is up): the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = http("GET", f"{base}/health/ready")
        if answer[0] == wanted or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def readiness_follows_the_database(base: str, database: str) -> list[str]:
    """With its database unreachable the app is not ready (503); it recovers on its own."""
    problems = []
    allow_connections(database, allowed=False)
    try:
        status, content_type, body = poll_readiness(base, 503, 20)
        if status != 503:
            problems.append(f"database down: /health/ready answered {status}: {body[:2000]!r}")
        else:
            problem = json.loads(body)
            checks = {check.get("name"): check.get("ok") for check in problem.get("checks", [])}
            if not content_type.startswith("application/problem+json"):
                problems.append(f"database down: 503 content-type is {content_type!r}")
            if checks.get("database") is not False:
                problems.append(f"database down: the 503 does not blame the database: {problem}")
    finally:
        allow_connections(database, allowed=True)
    status, _, body = poll_readiness(base, 200, 30)
    if status != 200:
        problems.append(f"database back: /health/ready still answers {status}: {body[:2000]!r}")
    return problems


@contextmanager
def server(command: list[str], cwd: Path, env: Mapping[str, str], log: Path) -> Iterator[Any]:
    """Run the server in its own process group; always kill the group afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue


def wait_until_live(base: str, process: subprocess.Popen[bytes], log: Path) -> str:
    """Poll the liveness probe; an empty string when it answered, else why not."""
    deadline = time.monotonic() + STARTUP_SECONDS
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return (
                f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            status, _, _ = http("GET", f"{base}/health/live")
        except OSError as error:
            last = str(error)
        else:
            if status == 200:
                return ""
            last = f"status {status}"
        time.sleep(0.3)
    return f"no answer within {STARTUP_SECONDS}s ({last}):\n{log.read_text(errors='replace')}"


def crud_round_trip(base: str) -> list[str]:
    """POST, GET, list, PATCH, DELETE and GET again over /api/v1/items."""
    problems: list[str] = []

    def expect(step: str, status: int, wanted: int, body: bytes) -> bool:
        if status != wanted:
            problems.append(f"{step}: status {status}, expected {wanted}: {body[:2000]!r}")
            return False
        return True

    status, _, body = http(
        "POST", f"{base}/api/v1/items", {"name": "Widget", "description": "Made by the tests."}
    )
    if not expect("POST /api/v1/items", status, 201, body):
        return problems
    created = json.loads(body)
    if "id" not in created:
        return [f"POST /api/v1/items: no id in {created}"]
    item = f"{base}/api/v1/items/{created['id']}"

    status, _, body = http("GET", item)
    if expect("GET item", status, 200, body) and json.loads(body).get("name") != "Widget":
        problems.append(f"GET item: {body!r}")

    status, _, body = http("GET", f"{base}/api/v1/items?limit=10&offset=0")
    if expect("GET /api/v1/items?limit=10&offset=0", status, 200, body):
        page = json.loads(body)
        if not isinstance(page, dict) or not {"items", "total"} <= page.keys():
            problems.append(f"the list has no 'items' and 'total': {page}")
        elif created["id"] not in [entry.get("id") for entry in page["items"]]:
            problems.append(f"the created item is not listed: {page}")

    status, _, body = http("PATCH", item, {"name": "Gadget"})
    if expect("PATCH item", status, 200, body) and json.loads(body).get("name") != "Gadget":
        problems.append(f"PATCH item did not rename: {body!r}")

    status, _, body = http("DELETE", item)
    expect("DELETE item", status, 204, body)

    status, content_type, body = http("GET", item)
    if expect("GET deleted item", status, 404, body):
        if not content_type.startswith("application/problem+json"):
            problems.append(f"404 content-type is {content_type!r}, not application/problem+json")
        problem = json.loads(body)
        if problem.get("status") != 404 or not problem.get("title"):
            problems.append(f"404 body is not a problem document: {problem}")
        if b"Traceback" in body:
            problems.append("404 body carries a stack trace")
    return problems


# ----------------------------------------------------------------- task queues


def production_env(project_dir: Path, env: Mapping[str, str]) -> dict[str, str]:
    """What the project's processes run with: production settings, its virtualenv first."""
    return clean_env(
        {
            "PATH": f"{project_dir / '.venv' / 'bin'}{os.pathsep}{env['PATH']}",
            "ENVIRONMENT": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            # Production refuses to start without it; loopback (the probes here) is always served.
            "ALLOWED_HOSTS": "service.test",
        }
    )


def request_records(text: str) -> list[dict[str, Any]]:
    """The ``request_finished`` records among a server log's JSON lines."""
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("event") == "request_finished":
            records.append(record)
    return records


def requests_are_logged_as_fields(base: str, log: Path) -> list[str]:
    """A request is logged as one record with fields (its route's template among them),
    not as the server's own access line; the healthy probes sent before are not logged
    at the default level."""
    status, _, body = http("GET", f"{base}/health/unknown")
    if status != 404:
        return [f"GET /health/unknown: status {status}: {body[:2000]!r}"]
    # The record is written once the response is sent.
    deadline = time.monotonic() + 5
    while True:
        text = log.read_text(errors="replace")
        records = request_records(text)
        if any(r.get("path") == "/health/unknown" for r in records):
            break
        if time.monotonic() > deadline:
            return [f"no request_finished record of GET /health/unknown in:\n{text[-4000:]}"]
        time.sleep(0.1)
    problems = []
    wanted = {"request_id", "method", "path", "route", "status", "duration_ms"}
    [unknown] = [r for r in records if r.get("path") == "/health/unknown"]
    if not wanted <= unknown.keys() or (unknown["route"], unknown["status"]) != (None, 404):
        problems.append(f"the record of GET /health/unknown lacks its fields: {unknown}")
    probes = [
        r
        for r in records
        if r.get("route") in ("/health/live", "/health/ready") and r.get("status", 500) < 400
    ]
    if probes:
        problems.append(f"healthy probes are logged at the default level: {probes[:2]}")
    access_lines = [line for line in text.splitlines() if 'HTTP/1.1" ' in line]
    if access_lines:
        problems.append(f"the server's access lines are logged too: {access_lines[:2]}")
    return problems


def metrics_are_scraped(base: str, token: str, log: Path) -> list[str]:
    """/metrics asks for the token, then answers Prometheus' text format: the requests sent
    so far counted by route template (the bad input's paths add no series), and the scrape
    itself not logged at the default level."""
    problems = []
    status, kind, body = http("GET", f"{base}/metrics")
    if status != 401 or kind != "application/problem+json":
        problems.append(f"GET /metrics without the token: {status} {kind} {body[:300]!r}")
    status, kind, body = http(
        "GET", f"{base}/metrics", extra_headers={"Authorization": f"Bearer {token}"}
    )
    if status != 200 or not kind.startswith("text/plain"):
        return [*problems, f"GET /metrics with the token: {status} {kind} {body[:2000]!r}"]
    requests: dict[tuple[str, str, str], float] = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "http_requests_total":
                labels = sample.labels
                requests[labels["method"], labels["route"], labels["status"]] = sample.value
    if requests.get(("GET", "/health/live", "200"), 0) < 1:
        problems.append(f"no GET /health/live 200 counted: {sorted(requests)}")
    if requests.get(("GET", "unmatched", "404"), 0) < 1:
        problems.append(f"GET /health/unknown is not counted as unmatched: {sorted(requests)}")
    routes = {route for _, route, _ in requests}
    # The project's own routes and "unmatched": a few dozen at most, whatever was sent.
    if len(requests) > 100 or any(r != "unmatched" and not r.startswith("/") for r in routes):
        problems.append(f"{len(requests)} request series, routes {sorted(routes)[:40]}")
    scrapes = [
        record
        for record in request_records(log.read_text(errors="replace"))
        if record.get("route") == "/metrics" and record.get("status") == 200
    ]
    if scrapes:
        problems.append(f"a healthy scrape is logged at the default level: {scrapes[:1]}")
    return problems


@contextmanager
def prometheus_scraping(target: str, token: str, workdir: Path) -> Iterator[str]:
    """A real Prometheus server (Debian's) scraping ``target`` every second with the
    bearer token; yields its URL."""
    binary = shutil.which("prometheus")
    assert binary, "Prometheus is required: apt-get install prometheus (.ci/run installs it)"
    config = workdir / "prometheus.yml"
    job = {
        "job_name": "app",
        "static_configs": [{"targets": [target]}],
        "authorization": {"credentials": token},
    }
    scrape = {"scrape_interval": "1s", "scrape_timeout": "1s"}
    config.write_text(yaml.safe_dump({"global": scrape, "scrape_configs": [job]}))
    port = free_port()
    command = [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={workdir / 'prometheus-data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    log = workdir / "prometheus.log"
    with server(command, workdir, clean_env(), log) as process:
        yield f"http://127.0.0.1:{port}"
        if process.poll() is not None:
            pytest.fail(f"Prometheus exited:\n{log.read_text(errors='replace')[-4000:]}")


def prometheus_reads_the_metrics(prometheus: str, seconds: float = 30) -> list[str]:
    """Prometheus' own view of the target: up, with the request counters stored."""
    queries = {"up": 'up{job="app"}', "requests": 'sum(http_requests_total{job="app"})'}
    deadline = time.monotonic() + seconds
    found: dict[str, Any] = {}
    while time.monotonic() < deadline:
        for name, query in queries.items():
            url = f"{prometheus}/api/v1/query?{urllib.parse.urlencode({'query': query})}"
            try:
                status, _, body = http("GET", url)
            except OSError as error:  # still starting
                found[name] = repr(error)
                continue
            result = json.loads(body)["data"]["result"] if status == 200 else []
            found[name] = float(result[0]["value"][1]) if result else None
        if found.get("up") == 1 and (found.get("requests") or 0) > 0:
            return []
        time.sleep(0.5)
    return [f"Prometheus did not scrape the app within {seconds:g} s: {found}"]


def compose_service(project_dir: Path, name: str) -> dict[str, Any]:
    compose = yaml.safe_load((project_dir / "compose.yaml").read_text())
    service = compose.get("services", {}).get(name)
    assert service, f"compose.yaml has no {name} service"
    return dict(service)


def process_commands(project_dir: Path, docker: bool, facts: Any) -> dict[str, list[list[str]]]:
    """{"worker": [command, healthcheck], "scheduler": [...]}: compose's, or the facts'."""
    jobs = facts.jobs
    wanted = {"worker": (jobs.worker, jobs.worker_check)}
    if jobs.scheduler:
        wanted["scheduler"] = (jobs.scheduler, jobs.scheduler_check)
    if not docker:
        return {name: [list(run), list(check)] for name, (run, check) in wanted.items()}
    commands = {}
    for name in wanted:
        service = compose_service(project_dir, name)
        check = service["healthcheck"]["test"]
        assert check[0] == "CMD", f"{name}'s healthcheck must be exec form: {check}"
        commands[name] = [[str(word) for word in service["command"]], check[1:]]
    return commands


class Receiver:
    """A webhook receiver on 127.0.0.1: answers scripted statuses, then 200.

    Each answer waits ``delay`` seconds, as a receiver doing some work.
    """

    def __init__(self, *statuses: int, delay: float = 0.0) -> None:
        self.statuses = list(statuses)
        self.keys: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.keys.append(self.headers.get("Idempotency-Key", ""))
                time.sleep(delay)
                # A worker cut off by an outage may have given up on the answer.
                with contextlib.suppress(OSError):
                    self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def submit_jobs(base: str, url: str, count: int) -> tuple[list[str], list[str]]:
    """Submit ``count`` webhooks to ``url``: the job ids, and what went wrong."""
    ids = []
    for n in range(count):
        status, _, body = http("POST", f"{base}/api/v1/jobs", {"url": url, "payload": {"n": n}})
        if status != 202:
            return ids, [f"POST /api/v1/jobs: status {status}, expected 202: {body[:2000]!r}"]
        ids.append(json.loads(body)["id"])
    return ids, []


def wait_for_jobs(base: str, ids: list[str], seconds: float) -> dict[str, dict[str, Any]]:
    """Poll the jobs until each has finished or ``seconds`` have passed; their last state."""
    deadline = time.monotonic() + seconds
    pending = set(ids)
    jobs: dict[str, dict[str, Any]] = {}
    while pending and time.monotonic() < deadline:
        for job_id in sorted(pending):
            status, _, body = http("GET", f"{base}/api/v1/jobs/{job_id}")
            if status == 200:
                jobs[job_id] = json.loads(body)
                if jobs[job_id].get("status") in {"succeeded", "failed"}:
                    pending.discard(job_id)
        time.sleep(0.3)
    return jobs


@contextmanager
def job_queue_of_its_own(rabbitmq: bool) -> Iterator[str]:
    """A queue name for one row; its Redis keys and RabbitMQ queues go at the end."""
    queue = f"tpl-{uuid.uuid4().hex[:12]}"
    try:
        yield queue
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        try:
            keys = [
                key for pattern in (f"{queue}*", f"*{queue}*") for key in client.scan_iter(pattern)
            ]
            if keys:
                client.delete(*set(keys))
        finally:
            client.close()
        if rabbitmq:
            # RabbitMQ deletes a missing queue or exchange without complaint. Dramatiq adds
            # .DQ and .XQ queues; Celery's exchange and control exchanges carry the name.
            with Connection(RABBITMQ_URL) as connection, connection.channel() as channel:
                for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
                    channel.queue_delete(name)
                for name in (queue, f"{queue}.pidbox", f"reply.{queue}.pidbox"):
                    channel.exchange_delete(name)


def processes_are_healthy(
    project_dir: Path,
    answers: Mapping[str, Any],
    facts: Any,
    env: Mapping[str, str],
    workers: Mapping[str, tuple[subprocess.Popen[bytes], Path]],
) -> list[str]:
    """Each worker process still runs, and its container healthcheck command passes."""
    problems = []
    commands = process_commands(project_dir, answers["docker"], facts)
    for name, (process, log) in workers.items():
        if process.poll() is not None:
            problems.append(f"the {name} exited with {process.returncode}")
            continue
        checked = run(commands[name][1], cwd=project_dir, env=dict(env), timeout=120)
        if not checked.ok:
            problems.append(f"the {name}'s healthcheck failed:\n{checked.report()}")
        # A worker logs the transient failure it retries (RQ and Dramatiq with its
        # traceback); the scheduler has no reason to log one.
        if name == "scheduler" and "Traceback" in log.read_text(errors="replace"):
            problems.append(f"the {name} logged a traceback")
    return problems


def job_round_trip(base: str) -> list[str]:
    """Submit a webhook over HTTP; the receiver fails it once, the worker's retry delivers it."""
    receiver = Receiver(503)
    try:
        ids, problems = submit_jobs(base, receiver.url, 1)
        if problems:
            return problems
        [job_id] = ids
        job = wait_for_jobs(base, ids, JOB_SECONDS).get(job_id, {})
        problems = []
        if (job.get("status"), job.get("attempts")) != ("succeeded", 2):
            problems.append(f"job {job_id} did not succeed on its second attempt: {job}")
        if receiver.keys != [job_id, job_id]:
            problems.append(
                f"the receiver saw Idempotency-Keys {receiver.keys}, not the job id twice"
            )
        return problems
    finally:
        receiver.close()


OUTAGE_SECONDS = 15


def outage_loses_no_job(base: str, proxies: list[faults.Proxy]) -> list[str]:
    """Cut Redis (and the broker) for 15 s while a backlog waits; every job still succeeds.

    During the outage a submission is a 503 and readiness is 503; afterwards the web
    process, the worker and the scheduler reconnect on their own.
    """
    receiver = Receiver(delay=1.0)
    try:
        ids, problems = submit_jobs(base, receiver.url, 6)
        if problems:
            return problems
        for proxy in proxies:
            proxy.cut()
        cut_at = time.monotonic()
        time.sleep(1)
        for method, path, body, wanted in (
            ("POST", "/api/v1/jobs", {"url": receiver.url, "payload": {}}, 503),
            ("GET", "/health/ready", None, 503),
        ):
            status, _, answer = http(method, f"{base}{path}", body)
            if status != wanted:
                problems.append(f"{method} {path} during the outage: {status}: {answer[:500]!r}")
        time.sleep(max(0.0, cut_at + OUTAGE_SECONDS - time.monotonic()))
        for proxy in proxies:
            proxy.restore()
        restored_at = time.monotonic()
        jobs = wait_for_jobs(base, ids, REDELIVERY_SECONDS)
        problems += [
            f"job {job_id} did not succeed within {REDELIVERY_SECONDS}s of the end of a "
            f"{OUTAGE_SECONDS}s outage: {jobs.get(job_id)}"
            for job_id in ids
            if jobs.get(job_id, {}).get("status") != "succeeded"
        ]
        elapsed = time.monotonic() - restored_at
        print(f"{OUTAGE_SECONDS}s outage with 6 jobs waiting; all done {elapsed:.0f}s after it")
        return problems
    finally:
        receiver.close()


# ----------------------------------------------------------------- the test


def locked_versions(project_dir: Path) -> dict[str, Version]:
    lock = tomllib.loads((project_dir / "uv.lock").read_text())
    return {
        package["name"]: Version(package["version"])
        for package in lock["package"]
        if "version" in package
    }


def lowest_versions_then_upgrade(
    project_dir: Path,
    requirements: list[str],
    python: Path,
    make_env: Mapping[str, str],
    note: Callable[[Outcome], Outcome],
) -> list[str]:
    """Lock the project at its requirements' lower bounds, run `make check` on that, then
    `uv lock --upgrade` (the row's own steps run on the upgraded lock afterwards)."""
    uv = str(tool("uv"))
    floors = {}
    for line in requirements:
        floors[canonicalize_name(Requirement(line).name)] = Version(bound(line, ">="))

    def off_the_floors(when: str) -> list[str]:
        locked = locked_versions(project_dir)
        return [
            f"{when}: {name} is locked at {locked.get(name)}, its lower bound is {floor}"
            for name, floor in floors.items()
            if locked.get(name) != floor
        ]

    # `make check`'s `uv sync` would lock again at the newest versions without this.
    lowest_env = {**make_env, "UV_RESOLUTION": "lowest-direct"}
    # The libraries at their lowest versions are other modules: a cache of their own keeps
    # the shared one warm for the newest.
    lowest_env["MYPY_CACHE_DIR"] = f"{make_env['MYPY_CACHE_DIR']}-lowest"
    locked = note(run([uv, "lock", "--python", str(python)], cwd=project_dir, env=lowest_env))
    if not locked.ok:
        return [f"no lock at the lowest versions:\n{locked.report()}"]
    lowest = locked_versions(project_dir)
    failures = off_the_floors("uv lock --resolution lowest-direct")
    checked = note(run(["make", "check"], cwd=project_dir, env=lowest_env, timeout=900))
    if not checked.ok:
        failures.append(f"`make check` at the lowest versions:\n{checked.report()}")
    failures += off_the_floors("after `make check`")
    cmd = [uv, "lock", "--upgrade", "--python", str(python)]
    upgraded = note(run(cmd, cwd=project_dir, env=make_env, timeout=600))
    if not upgraded.ok:
        return [*failures, f"uv lock --upgrade:\n{upgraded.report()}"]
    newest = locked_versions(project_dir)
    if all(newest[name] == lowest[name] for name in floors):
        failures.append("`uv lock --upgrade` moved no direct requirement from its lower bound")
    return failures


# `make run` serves on :8000, one project at a time across the test processes.
DEV_PORT = 8000
DEV_PORT_LOCK = Path(tempfile.gettempdir()) / "copier-python-patterns-dev-port.lock"
# How long a worker or scheduler must stay up to count as started.
STAYS_UP_SECONDS = 8


def agents_commands(project_dir: Path) -> list[str]:
    """Every command of AGENTS.md's bash blocks, without its comment."""
    text = (project_dir / "AGENTS.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
    lines = (line.split(" #", 1)[0].strip() for block in blocks for line in block.splitlines())
    return [line for line in lines if line]


def agents_commands_work(
    project_dir: Path, env: Mapping[str, str], already_run: set[str]
) -> list[str]:
    """Run what AGENTS.md tells a contributor to run: one-shot commands must succeed, the
    development server must answer its liveness probe, a worker or scheduler must stay up."""
    failures: list[str] = []
    commands = agents_commands(project_dir)
    if "make check" not in commands:
        failures.append("AGENTS.md does not name `make check`")
    # The worker and the scheduler start together, after the one-shot commands.
    lasting = [
        c for c in commands if shlex.split(c)[:2] in (["make", "worker"], ["make", "scheduler"])
    ]
    for command in commands:
        if command in already_run or command in lasting:
            continue
        argv = shlex.split(command)
        log = project_dir.parent / f"agents-{argv[-1].replace('/', '_')}.log"
        if argv == ["make", "run"]:
            with DEV_PORT_LOCK.open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                with server(argv, project_dir, env, log) as process:
                    why = wait_until_live(f"http://127.0.0.1:{DEV_PORT}", process, log)
                    if not why and process.poll() is not None:
                        why = f"another server answered on :{DEV_PORT}"
            if why:
                failures.append(f"AGENTS.md's `{command}`: {why}")
        else:
            outcome = run(argv, cwd=project_dir, env=env, timeout=600)
            if not outcome.ok:
                failures.append(f"AGENTS.md's `{command}`:\n{outcome.report()}")
    with ExitStack() as running:
        started = []
        for command in lasting:
            argv = shlex.split(command)
            log = project_dir.parent / f"agents-{argv[-1]}.log"
            started.append(
                (command, running.enter_context(server(argv, project_dir, env, log)), log)
            )
        time.sleep(STAYS_UP_SECONDS if started else 0)
        for command, process, log in started:
            code = process.poll()
            if code is not None:
                text = log.read_text(errors="replace")[-4000:]
                failures.append(f"AGENTS.md's `{command}` exited ({code}):\n{text}")
    return failures


def audit_collects_every_locked_package(project_dir: Path, env: Mapping[str, str]) -> list[str]:
    """`make audit`'s own recipe with pip-audit's dry run (no advisory service is reachable
    here): the export of the lock and its hashes are read, every locked package collected."""
    recipe = run(["make", "--dry-run", "--no-print-directory", "audit"], cwd=project_dir, env=env)
    script = recipe.stdout.replace("pip-audit --strict", "pip-audit --dry-run --strict")
    if not recipe.ok or script == recipe.stdout:
        return [f"make audit has no pip-audit --strict step:\n{recipe.report()}"]
    exported = run(
        ["uv", "export", "--frozen", "--format", "requirements-txt", "--no-emit-project"],
        cwd=project_dir,
        env=env,
    )
    # Every locked package is collected, except those whose environment marker excludes
    # this platform (e.g. colorama on Windows).
    packages = re.findall(r"^[A-Za-z0-9][^\s;]*( ;)?", exported.stdout, re.MULTILINE)
    unconditional = packages.count("")
    audited = run(["bash", "-o", "pipefail", "-c", script], cwd=project_dir, env=env, timeout=300)
    counted = re.search(r"would have audited (\d+) packages", audited.stdout + audited.stderr)
    if not (exported.ok and audited.ok and counted):
        return [f"make audit's recipe failed:\n{exported.report()}\n{audited.report()}"]
    if not unconditional <= int(counted[1]) <= len(packages):
        return [f"make audit collected {counted[1]} of {len(packages)} locked packages"]
    return []


@pytest.mark.parametrize("answers", ROWS, ids=combinations.row_id)
def test_generated_project(
    template_repo: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    mypy_cache: Callable[[str], dict[str, str]],
    answers: dict[str, Any],
) -> None:
    project_dir = render(
        template_repo, tmp_path / "project", {"project_name": PROJECT_NAME, **answers}
    )
    _, facts = read_facts(project_dir)
    python = interpreter(answers["python_version"])
    uv = tool("uv")
    env = clean_env()
    failures: list[str] = []

    started = time.monotonic()

    def note(outcome: Outcome) -> Outcome:
        """Log each step (shown with -s, and beside a failure)."""
        status = "timed out" if outcome.returncode is None else f"exit {outcome.returncode}"
        print(f"[{time.monotonic() - started:6.1f}s] {shlex.join(outcome.cmd)}: {status}")
        return outcome

    # The project's own tests create their databases on this server.
    make_env = {
        **env,
        **mypy_cache(answers["python_version"]),
        "PATH": f"{uv.parent}{os.pathsep}{env['PATH']}",
    }
    if facts.uses_postgresql:
        make_env["TEST_DATABASE_URL"] = postgres_url(facts.database_scheme, "postgres")
    if facts.jobs:
        make_env["TEST_REDIS_URL"] = REDIS_URL
        make_env["TEST_BROKER_URL"] = RABBITMQ_URL
    contract = facts.layout.path.get("test_api_contract")
    if contract and combinations.row_id(answers) not in CONTRACT_ROWS:
        make_env["PYTEST_ADDOPTS"] = f"--deselect {contract}"

    if combinations.row_id(answers) in LOWEST_ROWS:
        requirements = facts.dependencies + facts.dev_dependencies
        failures += lowest_versions_then_upgrade(project_dir, requirements, python, make_env, note)
    synced = note(run(uv_sync_command(uv, python), cwd=project_dir, env=env, timeout=900))
    if not synced.ok:
        pytest.fail(f"uv sync failed in {project_dir}\n{synced.report()}", pytrace=False)
    venv_cfg = (project_dir / ".venv" / "pyvenv.cfg").read_text()
    version_info = re.search(r"^version_info = (\S+)$", venv_cfg, re.MULTILINE)
    assert version_info, venv_cfg
    assert version_info[1].startswith(f"{answers['python_version']}."), venv_cfg

    resources = ExitStack()
    request.addfinalizer(resources.close)
    # The project's one command, exactly as its CI calls it: ruff check, ruff format
    # --check, mypy --strict and pytest with the coverage gate.
    checked = note(run(["make", "check"], cwd=project_dir, env=make_env, timeout=900))
    if not checked.ok:
        failures.append(checked.report())
    else:
        for expected in (
            "All checks passed!",
            "Success: no issues found",
            "Required test coverage",
        ):
            if expected not in checked.stdout:
                failures.append(f"`make check` output lacks {expected!r}:\n{checked.report()}")

    if combinations.row_id(answers) in AUDIT_ROWS:
        failures += audit_collects_every_locked_package(project_dir, make_env)

    durability = combinations.row_id(answers) in DURABILITY_ROWS
    background = resources.enter_context(ThreadPoolExecutor(max_workers=1))
    # The project's worker-kill test waits for the queue's redelivery (RQ's takes about
    # 100 s): it runs beside the served steps below, on a queue of its own.
    killed_worker = (
        background.submit(run, ["make", "test-slow"], cwd=project_dir, env=make_env, timeout=600)
        if durability
        else None
    )

    server_env = production_env(project_dir, env)
    if answers.get("metrics"):
        server_env["METRICS_TOKEN"] = secrets.token_urlsafe(32)
    database = ""
    if facts.uses_postgresql:
        database = resources.enter_context(postgres_database())
        server_env["DATABASE_URL"] = postgres_url(facts.database_scheme, database)
    elif facts.has_db:
        server_env["DATABASE_URL"] = f"{facts.database_scheme}:///{project_dir / 'tests-app.db'}"
    proxies: list[faults.Proxy] = []
    if facts.jobs:
        queue = resources.enter_context(job_queue_of_its_own(facts.jobs.uses_rabbitmq))
        # The app, the worker and the scheduler reach Redis and RabbitMQ through proxies
        # the outage step cuts.
        proxies.append(resources.enter_context(faults.proxy_for(REDIS_URL)))
        server_env.update(
            REDIS_URL=proxies[0].url(REDIS_URL),
            JOBS_QUEUE=queue,
            JOBS_MAX_ATTEMPTS="3",
            JOBS_BACKOFF_SECONDS="0.5",
        )
        if facts.jobs.uses_rabbitmq:
            proxies.append(resources.enter_context(faults.proxy_for(RABBITMQ_URL)))
            server_env["BROKER_URL"] = proxies[1].url(RABBITMQ_URL)
    if facts.has_db:
        migrated = note(
            run(
                migrate_command(project_dir, answers["docker"], facts),
                cwd=project_dir,
                env=server_env,
                timeout=300,
            )
        )
        if not migrated.ok:
            failures.append(f"migration failed:\n{migrated.report()}")
    if facts.uses_postgresql:
        failures += missing_database_is_one_line(project_dir, answers["docker"], facts, server_env)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # What the image prepares at build time (e.g. collected static files), then its CMD.
    for prepare in facts.runtime.docker_prepare:
        prepared = note(run(["sh", "-c", prepare], cwd=project_dir, env=server_env, timeout=300))
        if not prepared.ok:
            failures.append(f"image preparation failed:\n{prepared.report()}")
    command = dockerfile_cmd(project_dir) if answers["docker"] else list(facts.runtime.serve)
    command = with_port(command, port)
    log = tmp_path / "server.log"
    with ExitStack() as processes:
        # JSON lines, as a log collector reads them (the request records' fields are checked).
        served_env = {**server_env, "LOG_JSON": "true"}
        process = processes.enter_context(server(command, project_dir, served_env, log))
        workers = {}
        commands = process_commands(project_dir, answers["docker"], facts) if facts.jobs else {}
        if facts.jobs:
            for name, (run_it, _) in commands.items():
                worker_log = tmp_path / f"{name}.log"
                workers[name] = (
                    processes.enter_context(server(run_it, project_dir, server_env, worker_log)),
                    worker_log,
                )
        why = wait_until_live(base, process, log)
        if why:
            failures.append(f"$ {shlex.join(command)}\n{why}")
        else:
            for probe in ("/health/live", "/health/ready"):
                status, _, body = http("GET", f"{base}{probe}")
                if status != 200:
                    failures.append(f"GET {probe}: status {status}: {body[:2000]!r}")
            failures += requests_are_logged_as_fields(base, log)
            if facts.has_db:
                failures += crud_round_trip(base)
            if facts.has_db or facts.jobs:
                sent, refused_badly = bad_input.attack(
                    port, items=facts.has_db, jobs=bool(facts.jobs)
                )
                failures += refused_badly
                status, _, body = http("GET", f"{base}/health/live")
                if status != 200:
                    failures.append(f"after {sent} bad requests, /health/live: {status} {body!r}")
                print(f"[{time.monotonic() - started:6.1f}s] {sent} bad requests refused")
            if database:
                failures += readiness_follows_the_database(base, database)
            if answers.get("metrics"):
                token = server_env["METRICS_TOKEN"]
                failures += metrics_are_scraped(base, token, log)
                with prometheus_scraping(f"127.0.0.1:{port}", token, tmp_path) as prometheus:
                    failures += prometheus_reads_the_metrics(prometheus)
            if facts.jobs:
                failures += job_round_trip(base)

                if durability:
                    failures += outage_loses_no_job(base, proxies)
                failures += processes_are_healthy(project_dir, answers, facts, server_env, workers)
            print(f"[{time.monotonic() - started:6.1f}s] served {base}: {shlex.join(command)}")
            if failures:
                failures.append(f"server log:\n{log.read_text(errors='replace')[-8000:]}")
                for name, (_, worker_log) in workers.items():
                    text = worker_log.read_text(errors="replace")[-8000:]
                    failures.append(f"{name} log:\n{text}")

    if combinations.row_id(answers) in AGENTS_ROWS:
        # As a contributor runs them: development settings, the row's own database and
        # queue, the services at their real addresses. `make check` ran above.
        dev_env = {**make_env, "REDIS_URL": REDIS_URL, "BROKER_URL": RABBITMQ_URL}
        dev_env.pop("PYTEST_ADDOPTS", None)
        if facts.uses_postgresql:
            dev_env["DATABASE_URL"] = server_env["DATABASE_URL"]
        if facts.jobs:
            dev_env["JOBS_QUEUE"] = server_env["JOBS_QUEUE"]
        failures += agents_commands_work(project_dir, dev_env, already_run={"make check"})
        print(f"[{time.monotonic() - started:6.1f}s] AGENTS.md's commands run")

    if killed_worker is not None:
        slow = note(killed_worker.result())
        if not (slow.ok and re.search(r"\b1 passed\b", slow.stdout)):
            failures.append(f"make test-slow (the worker-kill test):\n{slow.report()}")

    if failures:
        pytest.fail(
            f"{combo_id(answers)} ({project_dir}): {len(failures)} problem(s)\n\n"
            + "\n\n".join(failures),
            pytrace=False,
        )
    # A green project's environment is only disk space (pytest keeps three runs of tmp).
    shutil.rmtree(project_dir / ".venv")
