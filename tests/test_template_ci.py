"""The template repository's own CI workflow: schema, zizmor, and what it promises to run."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import combinations
from tests.support import REPO_ROOT, run, tool

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "template-ci.yml"
PROJECT_CI = next((REPO_ROOT / "template").glob("*/.github/workflows/ci.yml.jinja"))
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*([^@\s]+)@(\S+)", re.MULTILINE)


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    # PyYAML reads the key `on` as True.
    return yaml.safe_load(WORKFLOW.read_text())


def _steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job["steps"]]


def test_schema() -> None:
    outcome = run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", WORKFLOW],
        cwd=REPO_ROOT,
        timeout=180,
    )
    assert outcome.ok, outcome.report()


def test_zizmor_finds_nothing() -> None:
    """zizmor's offline audits, default persona: no finding at all.

    (The pedantic persona also asks for service images pinned by digest; they
    are pinned by major version, as no registry is reachable to resolve digests.)
    """
    cmd = [tool("zizmor"), "--offline", "--format", "json", WORKFLOW]
    outcome = run(cmd, cwd=REPO_ROOT, timeout=120)
    assert outcome.returncode in {0, 10, 11, 12, 13, 14}, outcome.report()
    findings = [f for f in json.loads(outcome.stdout or "[]") if not f.get("ignored")]
    assert [f"{f['ident']}: {f['desc']}" for f in findings] == []


def test_top_level_permissions_are_read_only(workflow: dict[str, Any]) -> None:
    """Only the release job may write, and only tags after every tier passed on main."""
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        if name != "release":
            assert "permissions" not in job, f"{name} widens the permissions"
    release = workflow["jobs"]["release"]
    assert release["permissions"] == {"contents": "write"}
    assert "github.ref == 'refs/heads/main'" in release["if"]
    assert set(release["needs"]) == set(workflow["jobs"]) - {"matrix", "release"}


def test_the_release_job_tags_from_the_map(workflow: dict[str, Any]) -> None:
    scripts = [step.get("run", "") for step in workflow["jobs"]["release"]["steps"]]
    assert "python3 .ci/releases.py check" in scripts
    tagging = next(script for script in scripts if "releases.py tag" in script)
    assert "git push --tags" in tagging


def test_actions_are_pinned_to_the_projects_shas() -> None:
    """Every action is pinned by full commit SHA, the same one generated projects use."""
    ours = USES.findall(WORKFLOW.read_text())
    theirs = dict(USES.findall(PROJECT_CI.read_text()))
    assert ours
    for action, ref in ours:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action}@{ref} is not pinned by SHA"
        assert theirs.get(action) == ref, f"{action}: {ref} differs from {PROJECT_CI.name}"


def test_checkouts_fetch_history_without_credentials(workflow: dict[str, Any]) -> None:
    checkouts = [
        (job, step) for job, step in _steps(workflow) if "actions/checkout" in step.get("uses", "")
    ]
    assert {job for job, _ in checkouts} == set(workflow["jobs"])
    for job, step in checkouts:
        assert step["with"]["fetch-depth"] == 0, job
        assert step["with"]["persist-credentials"] is False, job


def test_concurrency_cancels_superseded_runs(workflow: dict[str, Any]) -> None:
    concurrency = workflow["concurrency"]
    assert "github.ref" in concurrency["group"]
    assert "cancel-in-progress" in concurrency


def test_weekly_run_takes_the_newest_dependencies(workflow: dict[str, Any]) -> None:
    triggers = workflow[True]
    assert [entry["cron"].split()[-1] for entry in triggers["schedule"]] == ["1"]  # weekly
    assert "schedule" in workflow["env"]["TEMPLATE_UPGRADE_DEPENDENCIES"]
    syncs = [step["run"] for _, step in _steps(workflow) if "uv sync" in step.get("run", "")]
    # Every job but the matrix and release ones, which run the standard library alone.
    assert len(syncs) == len(workflow["jobs"]) - 2
    for script in syncs:
        assert "uv sync --upgrade" in script
        assert "uv sync --locked" in script


def test_every_marker_runs_in_a_job(workflow: dict[str, Any]) -> None:
    """The jobs' pytest selections add up to the whole suite."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    markers = {line.split(":")[0] for line in pyproject["tool"]["pytest"]["ini_options"]["markers"]}
    commands = [step["run"] for _, step in _steps(workflow) if "pytest" in step.get("run", "")]
    selections = []
    for command in commands:
        match = re.search(r'-m (?:"([^"]+)"|(\S+))', command)
        assert match, f"{command!r} selects no tier"
        selections.append(match.group(1) or match.group(2))
    negated = [s for s in selections if s.startswith("not ")]
    assert len(negated) == 1, selections
    assert set(negated[0].removeprefix("not ").split(" and not ")) == markers
    assert sorted(s for s in selections if s not in negated) == sorted(markers)


def test_the_project_matrix_is_the_project_tier(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    matrix_script = "\n".join(step.get("run", "") for step in jobs["matrix"]["steps"])
    assert "python3 -m tests.combinations --json" in matrix_script
    project = jobs["project"]
    assert project["needs"] == "matrix"
    assert project["strategy"]["matrix"] == "${{ fromJSON(needs.matrix.outputs.rows) }}"
    assert project["strategy"]["fail-fast"] is False
    assert project["env"]["ROW_ID"] == "${{ matrix.id }}"
    test_step = project["steps"][-1]["run"]
    assert '-m project -k "${ROW_ID}"' in test_step
    # What the matrix job prints is a GitHub matrix of the project tier's rows: the
    # covering array, which starts with the defaults and the rows the issues name.
    rows = json.loads(combinations.matrix_json())["include"]
    assert [row["id"] for row in rows] == [
        combinations.row_id(row) for row in combinations.project_rows()
    ]
    covering = combinations.covering_array()
    assert [row["id"] for row in rows[: len(covering)]] == list(map(combinations.row_id, covering))


def test_project_jobs_get_every_service(workflow: dict[str, Any]) -> None:
    project = workflow["jobs"]["project"]
    services = project["services"]
    assert set(services) == {"postgres", "redis", "rabbitmq"}
    for name, service in services.items():
        assert "--health-cmd" in service["options"], name
        assert service["ports"], name
    for variable in ("TEMPLATE_POSTGRES_URL", "TEMPLATE_REDIS_URL", "TEMPLATE_RABBITMQ_URL"):
        assert "127.0.0.1" in project["env"][variable], variable


def test_the_workflow_is_not_rendered_into_projects() -> None:
    assert WORKFLOW.is_relative_to(REPO_ROOT / ".github")
    assert not Path(REPO_ROOT / "template" / ".github").exists()
