"""Serving cost: the default FastAPI project beside bare Starlette and FastAPI apps, side by side.

Run from the repository root (needs Debian's ``wrk``: ``apt-get install wrk``):

    uv run python benchmarks/serve.py              # 5 rounds of 5 s per app and path
    uv run python benchmarks/serve.py --rounds 9 --seconds 3

The apps run under the default project's own server command (uvicorn, one process),
rewritten to listen on 127.0.0.1, from the project's virtualenv (the same uvicorn,
Starlette and FastAPI). The default project is loaded as it is and with each observability
option on (``metrics``: every request counted and timed; goal with metrics and tracing on:
at least 0.50). The projects run with production settings and JSON logs written to a file,
as a log collector reads them; the bare apps answer its JSON from memory, one as a
Starlette route, one as a FastAPI route (what FastAPI's routing alone costs), with
uvicorn's own access log, also to a file. wrk (one thread, 16 connections) loads one app
at a time: in each round every path is loaded on every app, the order reversing from round
to round, and the figure is each median's ratio to bare Starlette's (goal for the default
project's ``/health/live``: at least 0.80).

Paths:

* ``/health/live``, the liveness probe. The project answers it through its whole
  middleware stack; a healthy probe's request record is logged at DEBUG, so it is not
  written at the default INFO.
* ``/api/v1/items/1``, an item read: the project reads the row from SQLite through
  SQLAlchemy and writes the request's record; the bare app answers the same JSON from
  memory, so this ratio includes the database read.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import (
    PROJECT_NAME,
    clean_env,
    interpreter,
    make_template_repo,
    read_facts,
    render,
    run,
    tool,
)

PYTHON_VERSION = "3.13"  # the questionnaire's default
PATHS = ("/health/live", "/api/v1/items/1")
# The projects loaded, by name: the default, and the default with each observability option.
PROJECTS: dict[str, dict[str, object]] = {"default project": {}, "with metrics": {"metrics": True}}
CONNECTIONS = 16
BARE_APPS = '''"""Bare apps answering the project's JSON from memory: Starlette, and FastAPI."""

import json
from typing import Any

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BODIES = {{path: json.loads(body) for path, body in {bodies!r}.items()}}


async def answer(request: Request) -> JSONResponse:
    return JSONResponse(BODIES[request.url.path])


starlette_app = Starlette(routes=[Route(path, answer) for path in BODIES])
fastapi_app = FastAPI(openapi_url=None)


def route(body: Any) -> Any:
    async def endpoint() -> Any:
        return body

    return endpoint


for path, body in BODIES.items():
    fastapi_app.get(path)(route(body))
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def listening_on(command: tuple[str, ...], app: str, port: int | str) -> list[str]:
    """The project's server command with another app, on 127.0.0.1:``port``."""
    words = list(command)
    words[words.index("--host") + 1] = "127.0.0.1"
    words[words.index("--port") + 1] = str(port)
    words[1] = app
    return words


def get(url: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return response.status, response.read()


@contextlib.contextmanager
def serving(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """Start a server, wait until /health/live answers; its base URL."""
    base = f"http://127.0.0.1:{command[command.index('--port') + 1]}"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output)
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError):
                    if get(f"{base}/health/live")[0] == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{command} did not start:\n{log.read_text()[-4000:]}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def requests_per_second(url: str, seconds: float) -> float:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is required: apt-get install wrk")
    outcome = run(
        [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", url],
        cwd=Path.cwd(),
        timeout=seconds + 60,
    )
    found = re.search(r"^Requests/sec:\s+([\d.]+)", outcome.stdout, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", outcome.stdout)
    if not (outcome.ok and found) or errors:
        raise SystemExit(f"wrk against {url} failed:\n{outcome.report()}")
    return float(found[1])


def installed(project: Path, workdir: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    """Install ``project`` (runtime dependencies only) and migrate its own SQLite database;
    its server command and production environment."""
    _, facts = read_facts(project)
    env = clean_env()
    synced = run(
        [tool("uv"), "sync", "--no-dev", "--python", interpreter(PYTHON_VERSION)],
        cwd=project,
        env=env,
        timeout=900,
    )
    if not synced.ok:
        raise SystemExit(synced.report())
    env["PATH"] = f"{project / '.venv' / 'bin'}:{env['PATH']}"
    scheme = facts.runtime.database_url.split(":", 1)[0]
    env.update(
        ENVIRONMENT="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="service.test",
        LOG_JSON="true",
        DATABASE_URL=f"{scheme}:///{workdir / project.name}.db",
    )
    migrated = run(list(facts.runtime.migrate), cwd=project, env=env, timeout=300)
    if not migrated.ok:
        raise SystemExit(migrated.report())
    return tuple(facts.runtime.serve), env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--seconds", type=float, default=5, help="seconds of load (default 5)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cpp-serve-") as tmp:
        workdir = Path(tmp)
        template = make_template_repo(workdir / "template")
        rates: dict[tuple[str, str], list[float]] = {}
        with contextlib.ExitStack() as servers:
            urls: dict[str, str] = {}
            installs: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {}
            for name, answers in PROJECTS.items():
                project = workdir / name.replace(" ", "-")
                render(template, project, {"project_name": PROJECT_NAME, **answers})
                serve, env = installs[name] = installed(project, workdir)
                log = workdir / f"{project.name}.log"
                urls[name] = servers.enter_context(
                    serving(listening_on(serve, serve[1], free_port()), project, env, log)
                )
                status, _ = get(f"{urls[name]}/api/v1/items", b'{"name": "Widget"}')
                if status != 201:
                    raise SystemExit(f"creating the item read by the benchmark: {status}")
            bodies = {path: get(f"{urls['default project']}{path}")[1] for path in PATHS}
            (workdir / "bare.py").write_text(BARE_APPS.format(bodies=bodies))
            for name, bare in (
                ("bare FastAPI", "fastapi_app"),
                ("bare Starlette", "starlette_app"),
            ):
                # In the default project's virtualenv: the same uvicorn, Starlette, FastAPI.
                serve, env = installs["default project"]
                command = listening_on(serve, f"bare:{bare}", free_port())
                log = workdir / f"{bare}.log"
                urls[name] = servers.enter_context(serving(command, workdir, env, log))
            for base in urls.values():  # warm-up: imports, first connections
                for path in PATHS:
                    requests_per_second(f"{base}{path}", 1)
            for index in range(args.rounds):
                order = list(urls.items())
                for name, base in order if index % 2 == 0 else reversed(order):
                    for path in PATHS:
                        rate = requests_per_second(f"{base}{path}", args.seconds)
                        rates.setdefault((name, path), []).append(rate)

        print(
            f"Requests per second, median of {args.rounds} rounds of {args.seconds:g} s, "
            f"{CONNECTIONS} connections, `{' '.join(listening_on(serve, '<app>', '<port>'))}`:"
        )
        for path in PATHS:
            median = {name: statistics.median(rates[(name, path)]) for name in urls}
            bare = median["bare Starlette"]
            print(f"    {path}")
            for name, rate in median.items():
                print(f"        {name:<16} {rate:8.0f}   {rate / bare:5.2f} x bare Starlette")
        print("    goal: the default project's /health/live at 0.80 x bare Starlette or more")


if __name__ == "__main__":
    main()
