"""Fuzz tier: schemathesis, a write load and a database cut against a served project.

Each row renders a project, installs it, migrates its database and starts its real
server with production settings, exactly as the project tier does. schemathesis then
sends at least 1,000 generated requests (valid and invalid, single calls and
sequences the schema's links allow) with every check on: no 5xx, only documented
statuses and content types, responses that match their schemas, bodies and headers
as documented. The schema is the app's own, printed by the project's `make openapi`
command (built in-process: production does not serve it). The seed is fixed, so a
failure is reproducible with the command shown.

The same server then takes a bounded write load (every write acknowledged, exactly
those rows stored) and, with PostgreSQL, a database cut and a database freeze through a
proxy (503 problem details within the timeouts, recovery within 5 s, no acknowledged
row lost): see
tests/load.py.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests import faults, load
from tests.support import (
    PROJECT_NAME,
    clean_env,
    interpreter,
    read_facts,
    render,
    run,
    tool,
    uv_sync_command,
)
from tests.test_project import (
    REDIS_URL,
    free_port,
    job_queue_of_its_own,
    migrate_command,
    postgres_database,
    postgres_url,
    production_env,
    server,
    wait_until_live,
    with_port,
)

pytestmark = pytest.mark.fuzz

# Each framework with SQLite and with PostgreSQL; async and sync; with and without a
# jobs API.
ROWS = [
    {"framework": "fastapi", "concurrency": "async", "project_size": "medium"},
    {
        "framework": "fastapi",
        "concurrency": "sync",
        "project_size": "large",
        "database": "postgresql",
        "background_work": "durable",
        "task_queue": "rq",
    },
    {"framework": "django", "concurrency": "sync", "project_size": "medium"},
    {
        "framework": "django",
        "concurrency": "async",
        "project_size": "large",
        "database": "postgresql",
        "background_work": "durable",
        "task_queue": "celery",
    },
    {"framework": "flask", "project_size": "medium"},
    {
        "framework": "flask",
        "project_size": "large",
        "database": "postgresql",
        "background_work": "durable",
        "task_queue": "rq",
    },
]
MIN_CASES = 1000
# Examples per operation and phase: enough for MIN_CASES over the items API alone.
MAX_EXAMPLES = 200
SEED = 20261206


def row_id(answers: dict[str, Any]) -> str:
    return "-".join(str(value) for value in answers.values())


@pytest.mark.parametrize("answers", ROWS, ids=row_id)
def test_schemathesis_finds_nothing(
    template_repo: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    project_dir = render(
        template_repo, tmp_path / "project", {"project_name": PROJECT_NAME, **answers}
    )
    _, facts = read_facts(project_dir)
    env = clean_env()
    synced = run(
        uv_sync_command(tool("uv"), interpreter(facts.answers["python_version"])),
        cwd=project_dir,
        env=env,
        timeout=900,
    )
    assert synced.ok, synced.report()

    server_env = production_env(project_dir, env)
    with ExitStack() as resources:
        proxy = None
        if facts.uses_postgresql:
            database = resources.enter_context(postgres_database())
            url = postgres_url(facts.database_scheme, database)
            # The server reaches PostgreSQL through a proxy the database-cut step cuts.
            proxy = resources.enter_context(faults.proxy_for(url))
            server_env["DATABASE_URL"] = proxy.url(url)
            server_env.update(load.DATABASE_TIMEOUTS)
        else:
            server_env["DATABASE_URL"] = f"{facts.database_scheme}:///{project_dir / 'fuzz.db'}"
        if facts.jobs:
            # No worker runs: submitted jobs wait in a queue of their own, deleted afterwards.
            queue = resources.enter_context(job_queue_of_its_own(rabbitmq=False))
            server_env.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=queue)
        migrated = run(
            migrate_command(project_dir, facts.answers["docker"], facts),
            cwd=project_dir,
            env=server_env,
            timeout=300,
        )
        assert migrated.ok, migrated.report()

        # The schema the app builds (production serves none), as `make openapi` prints it.
        assert facts.runtime.openapi, "the project has no openapi command"
        dumped = run(list(facts.runtime.openapi), cwd=project_dir, env=server_env, timeout=120)
        assert dumped.ok, dumped.report()
        schema = tmp_path / "openapi.json"
        schema.write_text(dumped.stdout)
        assert json.loads(dumped.stdout)["paths"], "the schema documents no operation"

        port = free_port()
        log = tmp_path / "server.log"
        command = with_port(list(facts.runtime.serve), port)
        with server(command, project_dir, server_env, log) as process:
            why = wait_until_live(f"http://127.0.0.1:{port}", process, log)
            assert not why, why
            fuzzed = run(
                [
                    str(tool("st")),
                    "run",
                    str(schema),
                    "--url",
                    f"http://127.0.0.1:{port}",
                    "--checks",
                    "all",
                    "--max-examples",
                    str(MAX_EXAMPLES),
                    "--seed",
                    str(SEED),
                    "--no-color",
                    # As a TLS-terminating proxy sends it (production redirects plain HTTP).
                    "--header",
                    "X-Forwarded-Proto: https",
                ],
                cwd=tmp_path,
                env=clean_env(),
                timeout=600,
            )
            problems = load.load_keeps_every_write(port)
            if proxy is not None:
                problems += load.database_outage_is_a_503(port, proxy)
                problems += load.database_outage_is_a_503(port, proxy, freeze=True)
        server_log = log.read_text(errors="replace")[-4000:]
        report = f"{fuzzed.report()}\nserver log:\n{server_log}"
        assert fuzzed.ok, report
        generated = re.search(r"(\d+) generated", fuzzed.stdout)
        assert generated, report
        assert int(generated[1]) >= MIN_CASES, report
        print(f"{generated[1]} schemathesis cases, none failed")
        assert not problems, "\n".join([*problems, f"server log:\n{server_log}"])
