"""Fixtures shared by every tier, and the summary lines the issue asks the output to state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import combinations
from tests.support import make_template_repo

# Test functions whose passing parametrizations the summary counts, and how it names them.
SUMMARY_LINES: tuple[tuple[str, str], ...] = (
    ("tests/test_render.py::test_combination[", "valid combinations rendered and checked"),
    ("tests/test_project.py::test_generated_project[", "pairwise projects installed and tested"),
    ("tests/test_questionnaire.py::test_refusal_rule[", "refusal rules tested"),
)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say how much of the questionnaire the tiers cover."""
    return [f"combinations: {combinations.summary()}"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """State how many combinations, projects and refusal rules were checked and passed."""

    def nodeids(*categories: str) -> set[str]:
        return {
            getattr(report, "nodeid", "")
            for category in categories
            for report in terminalreporter.stats.get(category, [])
        }

    # "passed" holds passing calls; a failing setup or teardown lands in "error".
    passed = nodeids("passed") - nodeids("failed", "error")
    ran = nodeids("passed", "failed", "error", "skipped", "xfailed", "xpassed")
    lines = []
    for prefix, phrase in SUMMARY_LINES:
        total = {nodeid for nodeid in ran if nodeid.startswith(prefix)}
        good = {nodeid for nodeid in passed if nodeid.startswith(prefix)}
        if not total:
            continue
        if good == total:
            lines.append(f"{len(good)} {phrase}")
        else:
            lines.append(f"{len(good)} of {len(total)} {phrase} ({len(total - good)} did not pass)")
    if lines:
        terminalreporter.write_sep("=", "coverage of the questionnaire")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh git repository holding the working tree, one commit, tagged.

    Rendering from it (never from the checkout) makes ``_commit`` and
    ``_src_path`` land in ``.copier-answers.yml`` regardless of the checkout's
    own git state. Under xdist each worker builds its own copy.
    """
    return make_template_repo(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every generated project of this run, shared by the xdist workers.

    A project's third-party packages (FastAPI, Django's stubs, SQLAlchemy...) are the same
    files in every project of a framework: checked once, each later `make check` reads them
    from here (about 20 s down to 3 s). mypy keys each module's entry by its content hash
    and options, and rechecks a module whose file or dependencies differ, so a project's own
    code is always checked.
    """
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base is a folder of the run's own.
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = root / "mypy-cache"
    path.mkdir(exist_ok=True)
    return path
