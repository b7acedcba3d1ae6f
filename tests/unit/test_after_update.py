"""The after-update step copier.yml runs after each update (extensions/after_update.py).

Keeping edited files is exercised end to end by the update tier (the real ``copier
update`` on edited projects); these are its pure parts.
"""

from __future__ import annotations

import re

from extensions import after_update

BEFORE = """\
[project]
name = "acme"
dependencies = ["fastapi>=0.115", "aiosqlite>=0.22,<0.23", "SQLAlchemy[asyncio]>=2.1"]

[dependency-groups]
dev = ["pytest>=8", "pytest_asyncio>=1.5"]
"""
AFTER = """\
[project]
name = "acme"
dependencies = ["fastapi>=0.115", "sqlalchemy>=2.1"]

[dependency-groups]
dev = ["pytest>=8"]
"""


def test_removed_dependencies_are_named_with_their_group() -> None:
    removed = after_update.removed_dependencies(BEFORE, AFTER)
    # Names compare normalised (SQLAlchemy[asyncio] is sqlalchemy); extras do not count.
    assert removed == {"aiosqlite": "", "pytest-asyncio": "dev"}
    assert after_update.removed_dependencies(AFTER, AFTER) == {}


def test_env_drift_names_changed_schemes_and_new_settings_never_values() -> None:
    previous = "SECRET_KEY=change-me\nDATABASE_URL=sqlite+aiosqlite:///./data/app.db\n"
    example = (
        "SECRET_KEY=change-me\n"
        "DATABASE_URL=postgresql+asyncpg://postgres:postgres@localhost:5432/acme\n"
        "# The task queue\n"
        "REDIS_URL=redis://localhost:6379/0\n"
    )
    env = "export DATABASE_URL='sqlite+aiosqlite:///./data/app.db'\nSECRET_KEY=s3cret\n"
    schemes, missing = after_update.env_drift(env, example, previous)
    assert schemes == {"DATABASE_URL": ("sqlite+aiosqlite", "postgresql+asyncpg")}
    assert missing == ["REDIS_URL"]
    text = after_update.report([], {}, schemes, missing)
    assert "s3cret" not in text
    assert "postgres:postgres" not in text
    assert "DATABASE_URL: sqlite+aiosqlite -> postgresql+asyncpg" in text
    # A .env that matches has nothing to report.
    assert after_update.env_drift(example, example, previous) == ({}, [])


def test_a_kept_file_is_one_side_of_a_marked_conflict() -> None:
    for text in (b"x = 1\n", b"x = 1"):
        marked = after_update.with_markers(text).decode()
        assert marked.startswith("<<<<<<< before updating\nx = 1\n=======\n")
        assert re.search(r"^>>>>>>> after updating", marked, re.MULTILINE)


def test_nothing_to_report_prints_nothing() -> None:
    assert after_update.report([], {}, {}, []) == ""
