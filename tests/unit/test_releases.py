"""The release map and the tags made from it (.ci/releases.py, releases.toml)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import REPO_ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("releases", REPO_ROOT / ".ci" / "releases.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["releases"] = module
    spec.loader.exec_module(module)
    return module


releases = _load()


def test_every_changelog_version_is_mapped_to_the_commit_that_added_its_heading() -> None:
    assert releases.problems() == []
    versions = releases.changelog_versions((REPO_ROOT / "CHANGELOG.md").read_text())
    assert versions[-1] == "0.1.0"
    assert set(releases.mapped()) == set(versions)


def test_the_changelog_parser_reads_released_headings_only() -> None:
    text = "# Changelog\n\n## Unreleased (0.4.0)\n\n## 0.3.0\n### Added\n## 0.2.0\n"
    assert releases.changelog_versions(text) == ["0.3.0", "0.2.0"]


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of the history without tags, with this tree's map and CHANGELOG on top."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")
    destination = tmp_path / "template"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-local", str(REPO_ROOT), str(destination)],
        check=True,
        capture_output=True,
    )
    for tag in releases.git("tag", "--list", root=destination).split():
        releases.git("tag", "--delete", tag, root=destination)
    for name in (releases.MAP, releases.CHANGELOG):
        shutil.copyfile(REPO_ROOT / name, destination / name)
    releases.git("commit", "--quiet", "--allow-empty", "--all", "-m", "HEAD", root=destination)
    return destination


def test_tags_are_made_from_the_map_once_and_never_moved(clone: Path) -> None:
    created = releases.tag(clone)

    expected = {f"v{version}": commit for version, commit in releases.mapped().items()}
    assert sorted(created) == sorted(expected)
    for name, commit in expected.items():
        assert releases.git("rev-parse", f"{name}^{{commit}}", root=clone) == commit
    assert releases.tag(clone) == []  # a second run creates nothing
    releases.git("tag", "--force", "v0.1.0", "HEAD", root=clone)
    with pytest.raises(SystemExit, match="a tag is never moved"):
        releases.tag(clone)


def test_record_appends_a_new_release_from_its_heading_commit(clone: Path) -> None:
    changelog = clone / "CHANGELOG.md"
    text = changelog.read_text()
    changelog.write_text(text.replace("\n## ", "\n## 99.0.0\n\n### Added\n- Tests.\n\n## ", 1))
    releases.git("commit", "--quiet", "--all", "-m", "Release 99.0.0", root=clone)
    released = releases.git("rev-parse", "HEAD", root=clone)
    assert releases.problems(clone) == ["99.0.0: in CHANGELOG.md, not in releases.toml"]

    assert releases.record(clone) == [f'"99.0.0" = "{released}"']

    assert releases.problems(clone) == []
    assert releases.mapped(clone)["99.0.0"] == released
