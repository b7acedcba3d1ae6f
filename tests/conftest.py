"""Fixtures shared by every tier, and the summary lines the issue asks the output to state."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, str]]:
    """The environment that points a generated project's mypy at a cache shared by the
    projects this test process checks, one per Python version (mypy's options differ).

    The libraries the projects import (FastAPI, pydantic, SQLAlchemy, Django's stubs ...)
    are then checked once per process, not once per project: on a warm cache mypy takes
    about a fifth of its cold time (6.5 s against 29 s for a FastAPI project). It is
    mypy's ordinary incremental mode: a module whose text differs from the cached one is
    checked again, with everything that depends on its interface. Under xdist each worker
    has a base directory of its own, so caches of its own: no two processes write one.
    """
    base = tmp_path_factory.getbasetemp()

    def env(python_version: str) -> dict[str, str]:
        return {"MYPY_CACHE_DIR": str(base / f"mypy-cache-py{python_version}")}

    return env


# Rough seconds one test of each slow tier takes here (the rest take well under one).
_TIER_SECONDS = {"fuzz": 90.0, "project": 45.0, "update": 30.0, "terminal": 15.0}


def _seconds(item: pytest.Item) -> float:
    """What a test is expected to take, to share the slow ones out between the workers."""
    for tier, seconds in _TIER_SECONDS.items():
        if item.get_closest_marker(tier) is None:
            continue
        callspec = getattr(item, "callspec", None)
        answers: dict[str, Any] = callspec.params.get("answers", {}) if callspec else {}
        if tier == "project" and answers:
            # Services, and the durability rows' waits for redelivery and outages.
            seconds += 30.0 * (answers.get("database") == "postgresql")
            seconds += 30.0 * (answers.get("background_work") == "durable")
            durability = getattr(getattr(item, "module", None), "DURABILITY_ROWS", frozenset())
            seconds += 90.0 * (combinations.row_id(answers) in durability)
        return seconds
    return 0.0


def spread[T](items: Sequence[T], workers: int, seconds: Callable[[T], float]) -> list[T]:
    """The items reordered so that xdist's first split hands each worker the same load.

    xdist's worksteal scheduler first gives each worker a contiguous share of the
    collection, equal in count, and later moves tests only from the back of a busy
    worker's queue. Left in collection order, every project row would sit at the front
    of one worker's share and run one after the other there. Here each share starts
    with its part of the slow tests (longest first, split so that the parts take about
    as long), followed by quick ones up to the share's size.
    """
    cost = {id(item): seconds(item) for item in items}
    slow = sorted((item for item in items if cost[id(item)]), key=lambda i: -cost[id(i)])
    quick = [item for item in items if not cost[id(item)]]
    shares, remaining = [], len(items)
    for index in range(workers):
        shares.append(remaining // (workers - index))  # as xdist divides the collection
        remaining -= shares[-1]
    groups: list[list[T]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for item in slow:
        # The least loaded group with room left in its share.
        open_groups = [i for i in range(workers) if len(groups[i]) < shares[i]]
        lightest = min(open_groups, key=loads.__getitem__)
        groups[lightest].append(item)
        loads[lightest] += cost[id(item)]
    ordered: list[T] = []
    for group, share in zip(groups, shares, strict=True):
        fill = share - len(group)
        ordered += group + quick[:fill]
        del quick[:fill]
    return ordered


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, order the tests so the slow tiers run side by side on every worker."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        items[:] = spread(items, workers, _seconds)
