"""examples/ is what the working tree renders, and each of its files leads back to its source."""

import re
from pathlib import Path

import pytest

from tests.examples import EXAMPLES, EXAMPLES_DIR, main, render_with_sources
from tests.support import REPO_ROOT, run, tool

REGENERATE = "uv run python -m tests.examples"


# What running a project's tools inside an example leaves: never rendered, never committed.
TOOL_LEFTOVERS = {".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not TOOL_LEFTOVERS & set(path.relative_to(root).parts)
    }


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_an_example_is_what_the_template_renders(
    template_repo: Path, tmp_path: Path, name: str
) -> None:
    project = tmp_path / name
    sources = render_with_sources(template_repo, project, EXAMPLES[name])
    rendered, committed = files_of(project), files_of(EXAMPLES_DIR / name)

    stale = sorted(
        path
        for path in rendered.keys() | committed.keys()
        if rendered.get(path) != committed.get(path)
    )
    assert not stale, f"examples/{name} differs from the template in {stale}: run {REGENERATE}"
    # Every rendered file names the template file it came from, one that exists.
    assert sorted(sources) == sorted(rendered)
    missing = [source for source in sources.values() if not (REPO_ROOT / source).is_file()]
    assert missing == []
    assert all(source.startswith("template/") for source in sources.values())
    # The example is a project its developers would accept: lint- and format-clean.
    for argv in (
        [tool("ruff"), "check", "--no-cache", "."],
        [tool("ruff"), "format", "--check", "--no-cache", "."],
    ):
        checked = run(argv, cwd=EXAMPLES_DIR / name)
        assert checked.ok, checked.report()


def test_the_source_command_names_the_template_file(capsys: pytest.CaptureFixture[str]) -> None:
    example = EXAMPLES_DIR / "fastapi-large-postgresql-celery"
    rendered = next(example.glob("src/*/api/items.py"))

    assert main(["source", str(rendered)]) == 0
    assert capsys.readouterr().out == (
        "template/{{ project.on.fastapi }}/{{ project.path.items_routes }}.jinja\n"
    )

    # Any answers, any path: a small Flask project's app factory.
    assert main(["source", "main.py", "-d", "project_kind=simple"]) == 0
    assert capsys.readouterr().out.startswith("template/{{ project.on.flask }}/")

    assert main(["source", "no/such/file.py", "-d", "project_kind=simple"]) == 1
    assert "not rendered for these answers" in capsys.readouterr().err


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_readme_states_the_items_bounds_the_code_enforces(name: str) -> None:
    """The README's items table quotes the limits the model module defines."""
    example = EXAMPLES_DIR / name
    readme = (example / "README.md").read_text()
    models = [path for path in example.rglob("*.py") if "NAME_MAX_LENGTH = " in path.read_text()]
    assert ("## The items API" in readme) == bool(models)
    for module in models:
        text = module.read_text()
        limits = dict(re.findall(r"^(\w+_MAX_LENGTH) = (\d+)$", text, re.MULTILINE))
        assert f"1 to {limits['NAME_MAX_LENGTH']} characters" in readme
        assert f"at most {limits['DESCRIPTION_MAX_LENGTH']} characters" in readme
