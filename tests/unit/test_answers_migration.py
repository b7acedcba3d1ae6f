"""The answers migration copier.yml runs before each update (extensions/answers_migration.py)."""

from __future__ import annotations

import pytest

from extensions import answers_migration, decisions

ANSWERS_FILE = """\
# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY
_commit: v0.3.0
background_work: workflows
framework: fastapi
project_kind: api
python_version: '3.13'
task_queue: celery
"""


def test_its_queues_are_the_decision_models() -> None:
    """The script runs alone, so it keeps its own copy of the durable queues."""
    assert answers_migration._DURABLE_QUEUES == decisions.DURABLE_QUEUES


def test_only_the_refused_answer_line_changes() -> None:
    rewritten = answers_migration.rewrite(ANSWERS_FILE)
    assert rewritten == ANSWERS_FILE.replace(
        "background_work: workflows", "background_work: durable"
    )
    # A second run changes nothing.
    assert answers_migration.rewrite(rewritten) == rewritten


@pytest.mark.parametrize(
    "answers",
    [
        {"project_kind": "api", "background_work": "none", "task_queue": "none"},
        {"project_kind": "worker", "background_work": "durable", "task_queue": "celery"},
        {"project_kind": "fullstack", "framework": "django", "database": "sqlite"},
        {"project_kind": "fullstack", "framework": "fastapi", "database": "none"},
    ],
)
def test_answers_this_release_accepts_are_left_alone(answers: dict[str, str]) -> None:
    assert answers_migration.migrate(answers) == answers


def test_the_rewritten_answers_are_accepted() -> None:
    refused = [
        {"background_work": "workflows", "task_queue": "celery"},
        {"background_work": "none", "task_queue": "dramatiq"},
        {"background_work": "durable", "task_queue": "background_tasks"},
        {"background_work": "fire_and_forget", "task_queue": "none"},
        {"project_kind": "worker", "background_work": "none", "task_queue": "none"},
    ]
    base = {
        "project_kind": "api",
        "framework": "fastapi",
        "concurrency": "async",
        "database": "sqlite",
        "broker": "redis",
    }
    for answers in refused:
        migrated = answers_migration.migrate({**base, **answers})
        assert decisions.refusals(migrated) == [], (answers, migrated)
