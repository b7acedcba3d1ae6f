"""Fixtures shared by every tier: the temporary template repository renders read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import make_template_repo, render_combinations


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say how much of the questionnaire the render tier covers."""
    return [f"render tier: {len(render_combinations())} combinations"]


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh git repository holding the working tree, one commit, tagged.

    Rendering from it (never from the checkout) makes ``_commit`` and
    ``_src_path`` land in ``.copier-answers.yml`` regardless of the checkout's
    own git state. Under xdist each worker builds its own copy.
    """
    return make_template_repo(tmp_path_factory.mktemp("template") / "repo")
