"""The refactor safety net: tests/compare_renders.py finds every rendered byte a commit changes."""

import subprocess
from pathlib import Path

from tests.compare_renders import compare
from tests.support import make_template_repo

ADDED = "A line only the second commit renders."


def test_a_template_change_shows_in_every_combination_it_reaches(tmp_path: Path) -> None:
    repo = make_template_repo(tmp_path / "repo")
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + f"\n{ADDED}\n")
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@localhost",
            "commit",
            "--quiet",
            "--all",
            "--message",
            "README: one more line",
        ],
        cwd=repo,
        check=True,
    )

    changed, report = compare("HEAD~1", "HEAD", repo=repo, sample=3, workers=1)

    assert changed == 3, report
    assert report.splitlines()[0] == "HEAD~1 -> HEAD: 3 of 3 combinations render differently"
    # One change of one file, the same in all three: printed once, with its count.
    assert report.count("\n== ") == 1, report
    assert "\n== README.md [" in report
    assert "] in 3 combination(s), e.g. " in report
    assert f"+{ADDED}" in report


def test_the_same_commit_renders_the_same_bytes(tmp_path: Path) -> None:
    repo = make_template_repo(tmp_path / "repo")

    changed, report = compare("HEAD", "HEAD", repo=repo, sample=2, workers=2)

    assert (changed, report) == (0, "HEAD -> HEAD: 0 of 2 combinations render differently")
