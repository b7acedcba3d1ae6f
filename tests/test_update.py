"""Update tier: `copier update` brings template changes into existing projects, losing nothing.

Every test builds its own template repository (a copy of the working tree,
committed and tagged by the test), renders a project from the first tag, makes
it a git repository as a user would, then changes the template or the answers
and runs the real `copier update` command, as the generated README documents.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Callable
from pathlib import Path

import copier
import pytest
import yaml

from extensions import decisions
from tests.support import (
    ANSWERS_FILE,
    COPY_IGNORE,
    POSTGRES_URL,
    PROJECT_NAME,
    REPO_ROOT,
    TEMPLATE_TAG,
    Outcome,
    clean_env,
    interpreter,
    make_template_repo,
    run,
    tool,
)

pytestmark = pytest.mark.update

NEXT_TAG = "v0.0.1"
CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7})( |$)", re.MULTILINE)
SETTINGS = Path("app/settings.py")
README = Path("README.md")

# A template release that touches two files the user will also edit, on other lines.
TEMPLATE_CHANGES = {
    "template/README.md.jinja": (
        "make fmt     # fix what ruff can fix, then format\n",
        "make fmt     # fix what ruff can fix, then format\nmake help    # list every target\n",
    ),
    "template/{{ project.on.fastapi }}/{{ project.path.settings }}.jinja": (
        "http_timeout_seconds: float = Field(default=5.0, gt=0)",
        "http_timeout_seconds: float = Field(default=10.0, gt=0)",
    ),
}


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def release(template: Path, changes: dict[str, tuple[str, str]], tag: str) -> None:
    """Commit ``changes`` (old text -> new text) to the template and tag them."""
    for relative, (old, new) in changes.items():
        path = template / relative
        text = path.read_text()
        assert old in text, f"{relative} no longer holds {old!r}: update this test"
        path.write_text(text.replace(old, new, 1))
    git("commit", "--quiet", "--all", "--message", f"Release {tag}", cwd=template)
    git("tag", tag, cwd=template)


def new_project(template: Path, destination: Path, **answers: object) -> Path:
    """Render from the first release and commit the result, as a user would."""
    run_copy_answers = {"project_name": PROJECT_NAME, **answers}
    project = render_at(template, destination, run_copy_answers, TEMPLATE_TAG)
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Generated", cwd=project)
    return project


def render_at(template: Path, destination: Path, answers: dict[str, object], ref: str) -> Path:
    copier.run_copy(
        str(template),
        destination,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref=ref,
        quiet=True,
    )
    return destination


def copier_update(project: Path, *data: str, conflict: str = "inline") -> Outcome:
    """The README's command, ``copier update --trust --defaults [-d key=value]``, asserted to
    succeed; ``conflict`` picks how collisions are left (``inline`` markers, Copier's default,
    or ``rej`` files)."""
    cmd = [str(tool("copier")), "update", "--trust", "--defaults", "--conflict", conflict]
    for item in data:
        cmd += ["-d", item]
    outcome = run(cmd, cwd=project, env={**os.environ, "NO_COLOR": "1"}, timeout=300)
    assert outcome.ok, outcome.report()
    return outcome


def check_update(project: Path) -> dict[str, object]:
    """The README's ``copier check-update``, asked for its machine-readable answer."""
    cmd = [str(tool("copier")), "check-update", "--output-format", "json"]
    outcome = run(cmd, cwd=project, env={**os.environ, "NO_COLOR": "1"}, timeout=120)
    assert outcome.ok, outcome.report()
    answer: dict[str, object] = json.loads(outcome.stdout)
    return answer


def tree(root: Path) -> dict[str, str]:
    """Every file below ``root`` (but .git), with the answers file's ``_commit`` dropped."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_dir() or relative.parts[0] == ".git":
            continue
        text = path.read_text()
        if relative.as_posix() == ANSWERS_FILE:
            text = re.sub(r"^_commit: .*$", "", text, flags=re.MULTILINE)
        files[relative.as_posix()] = text
    return files


def leftovers(root: Path) -> list[str]:
    """Conflict markers and rejected hunks: what a botched update leaves behind."""
    found = [p.relative_to(root).as_posix() for p in root.rglob("*.rej")]
    for path, text in tree(root).items():
        if CONFLICT_MARKER.search(text):
            found.append(f"{path}: conflict markers")
    return found


def assert_same_tree(updated: Path, fresh: Path) -> None:
    ours, theirs = tree(updated), tree(fresh)
    assert sorted(ours) == sorted(theirs), "the updated project has other files than a fresh render"
    differing = [path for path in ours if ours[path] != theirs[path]]
    assert differing == [], f"files that differ from a fresh render: {differing}"


# Every framework's defaults: the answers of a user who only says what they build.
KINDS = {"fastapi": "api", "django": "fullstack", "flask": "simple"}


@pytest.mark.parametrize("framework", KINDS)
def test_untouched_project_converges_with_a_fresh_render(tmp_path: Path, framework: str) -> None:
    template = make_template_repo(tmp_path / "template")
    answers = {"project_kind": KINDS[framework]}
    project = new_project(template, tmp_path / "project", **answers)
    assert yaml.safe_load((project / ANSWERS_FILE).read_text())["framework"] == framework
    assert check_update(project)["update_available"] is False
    release(template, TEMPLATE_CHANGES, NEXT_TAG)
    assert check_update(project)["update_available"] is True

    copier_update(project)

    assert check_update(project)["update_available"] is False
    assert leftovers(project) == []
    fresh = render_at(
        template, tmp_path / "fresh", {"project_name": PROJECT_NAME, **answers}, NEXT_TAG
    )
    assert_same_tree(project, fresh)
    assert "make help    # list every target" in (project / README).read_text()


@pytest.mark.parametrize(
    ("kind", "flip", "answers"),
    [
        ("api", "docker=false", {"docker": False}),
        ("api", "ci=gitlab", {"ci": "gitlab"}),
        ("api", "ci=none", {"ci": "none"}),
        (
            "api",
            "background_work=fire_and_forget,task_queue=background_tasks",
            {"background_work": "fire_and_forget", "task_queue": "background_tasks"},
        ),
        ("api", "workload=cpu_bound", {"workload": "cpu_bound"}),
        ("api", "metrics=true", {"metrics": True}),
        ("api", "database=none", {"database": "none"}),
        ("api", "database=postgresql", {"database": "postgresql"}),
        (
            "api",
            "background_work=durable,task_queue=celery",
            {"background_work": "durable", "task_queue": "celery"},
        ),
        (
            "api",
            "database=postgresql,background_work=durable,task_queue=arq",
            {"database": "postgresql", "task_queue": "arq"},
        ),
        (
            "worker",
            "project_kind=api,background_work=none",
            {"project_kind": "api", "background_work": "none"},
        ),
        ("worker", "broker=rabbitmq", {"broker": "rabbitmq"}),
        ("fullstack", "docker=false", {"docker": False}),
        ("fullstack", "ci=gitlab", {"ci": "gitlab"}),
        ("fullstack", "metrics=true", {"metrics": True}),
        (
            "fullstack",
            "project_kind=api,database=none",
            {"project_kind": "api", "database": "none"},
        ),
        ("simple", "docker=false", {"docker": False}),
        ("simple", "ci=gitlab", {"ci": "gitlab"}),
        ("simple", "workload=cpu_bound", {"workload": "cpu_bound"}),
        ("simple", "metrics=true", {"metrics": True}),
        (
            "simple",
            "background_work=durable,task_queue=rq",
            {"background_work": "durable", "task_queue": "rq"},
        ),
    ],
)
def test_changing_an_answer_adds_and_removes_exactly_the_right_files(
    tmp_path: Path,
    mypy_cache: Callable[[str], dict[str, str]],
    kind: str,
    flip: str,
    answers: dict[str, object],
) -> None:
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project", project_kind=kind)

    copier_update(project, *flip.split(","))

    assert leftovers(project) == []
    recorded = yaml.safe_load((project / ANSWERS_FILE).read_text())
    assert {key: recorded[key] for key in answers} == answers
    # Earlier answers stay as recorded (changing the workload does not re-decide the
    # concurrency), so the reference is a fresh render with the recorded answers.
    given = {key: value for key, value in recorded.items() if not key.startswith("_")}
    fresh = render_at(template, tmp_path / "fresh", given, TEMPLATE_TAG)
    assert_same_tree(project, fresh)
    if flip in CHECKED_AFTER_FLIP:
        assert_checks_pass(project, mypy_cache)


# Flips that change the application code, not only its packaging: the updated project
# runs its whole `make check` (against the real PostgreSQL for database=postgresql, and
# the real Redis, with a real worker process, for a task queue).
CHECKED_AFTER_FLIP = {
    "database=postgresql",
    "workload=cpu_bound",
    "metrics=true",
    "background_work=durable,task_queue=celery",
    "database=postgresql,background_work=durable,task_queue=arq",
    "background_work=durable,task_queue=rq",
}


def assert_checks_pass(project: Path, mypy_cache: Callable[[str], dict[str, str]]) -> None:
    uv = tool("uv")
    env = {**clean_env(), **mypy_cache("3.13")}
    env["PATH"] = f"{uv.parent}{os.pathsep}{env['PATH']}"
    env["TEST_DATABASE_URL"] = POSTGRES_TEST_URL.get(
        yaml.safe_load((project / ANSWERS_FILE).read_text()).get("concurrency", "sync"), ""
    )
    synced = run([uv, "sync", "--python", interpreter("3.13")], cwd=project, env=env, timeout=600)
    assert synced.ok, synced.report()
    checked = run(["make", "check"], cwd=project, env=env, timeout=900)
    assert checked.ok, checked.report()


POSTGRES_TEST_URL = {
    "async": POSTGRES_URL.replace("postgresql://", "postgresql+asyncpg://", 1),
    "sync": POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
}


def test_user_edits_survive_an_update(
    tmp_path: Path, mypy_cache: Callable[[str], dict[str, str]]
) -> None:
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project")
    # The user adds a feature, changes a setting and the README, and deletes a file.
    (project / "app/routes/ping.py").write_text(
        '"""A route the user added."""\n\n'
        "from fastapi import APIRouter\n\n"
        'router = APIRouter(prefix="/api/v1/ping", tags=["ping"])\n\n\n'
        '@router.get("")\n'
        "async def ping() -> dict[str, str]:\n"
        '    return {"ping": "pong"}\n'
    )
    main = project / "app/main.py"
    main.write_text(
        main.read_text()
        .replace(
            "from app.routes.items import router as items_router\n",
            "from app.routes.items import router as items_router\n"
            "from app.routes.ping import router as ping_router\n",
        )
        .replace(
            "    app.include_router(items_router)\n",
            "    app.include_router(items_router)\n    app.include_router(ping_router)\n",
        )
    )
    settings = project / SETTINGS
    settings.write_text(settings.read_text().replace('] = "INFO"', '] = "WARNING"'))
    readme = project / README
    readme.write_text(readme.read_text().replace("## Run\n", "## Run\n\nAsk #orders-team first.\n"))
    (project / "docs/decisions.md").unlink()
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Our changes", cwd=project)
    release(template, TEMPLATE_CHANGES, NEXT_TAG)

    copier_update(project)

    assert leftovers(project) == []
    assert "ping_router" in main.read_text()
    assert (project / "app/routes/ping.py").is_file()
    settings_text = settings.read_text()
    assert '] = "WARNING"' in settings_text  # the user's edit
    assert "Field(default=10.0, gt=0)" in settings_text  # the template's change
    readme_text = readme.read_text()
    assert "Ask #orders-team first." in readme_text
    assert "make help    # list every target" in readme_text
    assert not (project / "docs/decisions.md").exists(), "a deleted file came back"
    assert_checks_pass(project, mypy_cache)
    # A second update with no new release changes nothing.
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Update", cwd=project)
    copier_update(project)
    assert git("status", "--porcelain", cwd=project) == ""


def project_with_a_colliding_edit(tmp_path: Path) -> tuple[Path, Path]:
    """A project whose user changed the line the next release changes too, and that release.

    Returns the project and the edited settings module.
    """
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project")
    settings = project / SETTINGS
    settings.write_text(settings.read_text().replace("default=5.0, gt=0", "default=7.5, gt=0"))
    git("commit", "--quiet", "--all", "--message", "A longer timeout", cwd=project)
    release(template, TEMPLATE_CHANGES, NEXT_TAG)
    return project, settings


def test_a_conflicting_edit_is_marked_and_cannot_be_committed(tmp_path: Path) -> None:
    project, settings = project_with_a_colliding_edit(tmp_path)

    copier_update(project)

    text = settings.read_text()
    assert CONFLICT_MARKER.search(text), "the collision is not marked"
    assert "default=7.5" in text, "the user's side of the conflict was dropped"
    assert "default=10.0" in text, "the template's side of the conflict was dropped"

    # `make check` (what CI runs) fails first thing, naming the file.
    leftover = make_conflicts(project)
    assert not leftover.ok, "make conflicts passed with conflict markers in a file"
    assert SETTINGS.as_posix() in leftover.stdout, leftover.report()
    # The hooks `make install` sets up refuse the commit.
    installed = make(project, "install")
    assert installed.ok, installed.report()
    assert (project / ".git/hooks/pre-commit").is_file(), "make install set up no git hook"
    commit = run(
        ["git", "commit", "--all", "--message", "Update"], cwd=project, env=tool_env(), timeout=600
    )
    assert not commit.ok, "the hooks let a file with conflict markers through"
    assert "Merge conflict string" in commit.stdout + commit.stderr, commit.report()


def tool_env() -> dict[str, str]:
    """The environment of a developer: uv on PATH, a git identity."""
    env = clean_env()
    env["PATH"] = f"{tool('uv').parent}{os.pathsep}{env['PATH']}"
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"], env[f"GIT_{role}_EMAIL"] = "Test", "test@example.com"
    return env


def make(project: Path, *targets: str) -> Outcome:
    return run(["make", *targets], cwd=project, env=tool_env(), timeout=600)


def make_conflicts(project: Path) -> Outcome:
    return make(project, "--no-print-directory", "conflicts")


@pytest.mark.parametrize("path", ["README.md", "compose.yaml", ".github/workflows/ci.yml"])
def test_conflict_markers_in_any_file_fail_make_check(tmp_path: Path, path: str) -> None:
    """Not only Python: a marker left in Markdown or YAML fails the project's checks."""
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project")
    assert make_conflicts(project).ok, make_conflicts(project).report()
    target = project / path
    text = target.read_text()
    target.write_text(f"<<<<<<< before updating\n{text}=======\n{text}>>>>>>> after updating\n")

    leftover = make_conflicts(project)

    assert not leftover.ok
    assert path in leftover.stdout, leftover.report()


def test_rejected_hunks_are_visible_and_cannot_be_committed(tmp_path: Path) -> None:
    """``--conflict rej``: the user's lines end up in a .rej file, which git shows,
    ``make check`` refuses and the hooks will not commit."""
    project, settings = project_with_a_colliding_edit(tmp_path)

    copier_update(project, conflict="rej")

    rejected = f"{SETTINGS.as_posix()}.rej"
    # Copier applies the template's change and keeps the user's lines only in the .rej file.
    assert "default=10.0" in settings.read_text(), "the template's side is lost"
    assert "default=7.5" in (project / rejected).read_text(), "the user's side was dropped"
    assert f"?? {rejected}" in git("status", "--porcelain", cwd=project).splitlines()
    leftover = make_conflicts(project)
    assert not leftover.ok, "make conflicts passed with a .rej file"
    assert rejected in leftover.stdout, leftover.report()
    installed = make(project, "install")
    assert installed.ok, installed.report()
    git("add", "--all", cwd=project)
    commit = run(["git", "commit", "--message", "Update"], cwd=project, env=tool_env(), timeout=600)
    assert not commit.ok, "the hooks let a .rej file through"
    assert "forbid *.rej files" in commit.stdout + commit.stderr, commit.report()


# Answer changes that remove a part, and a file of that part the user edited.
REMOVING_FLIPS = [
    ("api", "database=none", "app/repositories/items.py"),
    ("api", "docker=false", "Dockerfile"),
    ("api", "ci=gitlab", ".github/workflows/ci.yml"),
    ("worker", "project_kind=api,background_work=none", "app/tasks/jobs.py"),
    ("fullstack", "project_kind=api", "app/templates/items/item_list.html"),
]


@pytest.mark.parametrize(("kind", "flip", "path"), REMOVING_FLIPS)
def test_an_edited_file_an_answer_change_removes_is_kept_unmerged(
    tmp_path: Path, kind: str, flip: str, path: str
) -> None:
    """Copier deletes every file the new answers do not render, edited or not; the
    after-update step puts an edited one back, marked as git marks a modify/delete
    conflict, so neither the commit nor ``make check`` goes through until the user
    chooses. Unedited files of the removed part are gone."""
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project", project_kind=kind)
    edited = project / path
    edit = "# the user's own line\n" if edited.suffix != ".html" else "<!-- the user's -->\n"
    edited.write_text(edited.read_text() + edit)
    git("commit", "--quiet", "--all", "--message", "An edit", cwd=project)

    outcome = copier_update(project, *flip.split(","))

    kept = edited.read_text()
    assert edit in kept, "the user's edited file is gone"
    assert CONFLICT_MARKER.search(kept), "the kept file is not marked"
    assert f"UD {path}" in git("status", "--porcelain", cwd=project).splitlines()
    assert path in outcome.stdout, outcome.report()
    # Everything else is what a fresh render with the new answers has.
    recorded = yaml.safe_load((project / ANSWERS_FILE).read_text())
    given = {key: value for key, value in recorded.items() if not key.startswith("_")}
    fresh = render_at(template, tmp_path / "fresh", given, TEMPLATE_TAG)
    assert set(tree(project)) - set(tree(fresh)) == {path}
    # Neither make check nor git lets it pass unresolved.
    leftover = make_conflicts(project)
    assert not leftover.ok, "make conflicts passed with an unmerged file"
    assert path in leftover.stdout, leftover.report()
    commit = run(["git", "commit", "-m", "Update"], cwd=project, env=tool_env())
    assert not commit.ok, "git committed an unmerged file"
    assert "unmerged" in commit.stdout + commit.stderr, commit.report()
    # Letting it go resolves it.
    git("rm", "--quiet", path, cwd=project)
    assert make_conflicts(project).ok, make_conflicts(project).report()


def test_a_deleted_file_stays_deleted_across_an_answer_change_that_rewrites_it(
    tmp_path: Path,
) -> None:
    """compose.yaml gains the db service with PostgreSQL; the user who deleted it does not
    get it back. (No answer an update accepts moves a file: those that would, the framework
    and the layout, are fixed at copy.)"""
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project")
    git("rm", "--quiet", "compose.yaml", "docs/decisions.md", cwd=project)
    git("commit", "--quiet", "--message", "We deploy without compose", cwd=project)

    copier_update(project, "database=postgresql")

    assert not (project / "compose.yaml").exists(), "a deleted file came back"
    assert not (project / "docs/decisions.md").exists(), "a deleted file came back"
    assert "postgresql" in (project / ".env.example").read_text()
    assert make_conflicts(project).ok


def test_a_driver_flip_names_removed_dependencies_and_stale_env_urls(tmp_path: Path) -> None:
    """``concurrency: sync`` drops aiosqlite and pytest-asyncio, which the user's own code and
    tests may still use, and changes the driver the user's .env still names."""
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project")
    url = "sqlite+aiosqlite:///./data/app.db?password=hunter2"
    (project / ".env").write_text(f"DATABASE_URL={url}\n")  # git-ignored

    outcome = copier_update(project, "concurrency=sync")

    lines = [line.strip() for line in outcome.stdout.splitlines()]
    assert "aiosqlite" in lines, outcome.report()
    assert "pytest-asyncio (dev)" in lines, outcome.report()
    assert "DATABASE_URL: sqlite+aiosqlite -> sqlite" in lines, outcome.report()
    assert "hunter2" not in outcome.stdout + outcome.stderr
    assert "SECRET_KEY" not in lines, "a setting .env.example had before is named as new"
    # Nothing was deleted, so nothing is unmerged.
    assert "deleted by them" not in outcome.stdout
    assert make_conflicts(project).ok


def test_copying_onto_an_existing_repository_keeps_its_files(tmp_path: Path) -> None:
    """Adoption: without --overwrite, the user's own files are never replaced."""
    template = make_template_repo(tmp_path / "template")
    existing = tmp_path / "existing"
    (existing / "app").mkdir(parents=True)
    own = {
        "README.md": "# Our service\n",
        "pyproject.toml": '[project]\nname = "ours"\nversion = "1.2.3"\n',
        "app/main.py": 'print("ours")\n',
    }
    for relative, text in own.items():
        (existing / relative).write_text(text)
    git("init", "--quiet", "--initial-branch=main", cwd=existing)
    git("add", "--all", cwd=existing)
    git("commit", "--quiet", "--message", "Our project", cwd=existing)

    cmd = [str(tool("copier")), "copy", "--trust", "--defaults", "--vcs-ref", TEMPLATE_TAG]
    outcome = run(
        [*cmd, "-d", f"project_name={PROJECT_NAME}", str(template), str(existing)],
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=180,
    )

    assert not outcome.ok, "copier overwrote or skipped a conflict without being asked"
    assert "--overwrite" in outcome.stdout + outcome.stderr
    for relative, text in own.items():
        assert (existing / relative).read_text() == text, f"{relative} was clobbered"


def add_migration(template: Path, migration: dict[str, str]) -> None:
    """Append a new-style ``_migrations`` entry to the template's copier.yml."""
    copier_yml = template / "copier.yml"
    config = yaml.safe_load(copier_yml.read_text())
    config.setdefault("_migrations", []).append(migration)
    copier_yml.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))


def test_a_renamed_file_takes_the_users_edits_along(tmp_path: Path) -> None:
    """The pattern for renaming a rendered file: ``git mv`` before the update."""
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project")
    decisions = project / "docs/decisions.md"
    decisions.write_text(decisions.read_text() + "\nOur team note.\n")
    git("commit", "--quiet", "--all", "--message", "A note", cwd=project)
    git(
        "mv",
        "template/docs/decisions.md.jinja",
        "template/docs/architecture.md.jinja",
        cwd=template,
    )
    add_migration(
        template,
        {
            "version": NEXT_TAG,
            "when": "{{ _stage == 'before' }}",
            "command": "git mv docs/decisions.md docs/architecture.md",
        },
    )
    release(
        template,
        {"template/docs/architecture.md.jinja": ("# Decisions", "# Architecture")},
        NEXT_TAG,
    )

    copier_update(project)

    # Copier diffs the user's project against the old render after the migration ran,
    # so it sees the moved file as added on both sides: every region where the user's
    # and the template's versions differ comes back as a marked conflict. Nothing is
    # lost, and the pre-commit hook makes sure the user reviews it.
    assert not list(project.rglob("*.rej"))
    assert not decisions.exists()
    renamed = (project / "docs/architecture.md").read_text()
    assert "# Architecture\n" in renamed, "the template's change is missing"
    assert "\nOur team note.\n" in renamed, "the user's edit did not follow the file"
    assert "## Framework: `fastapi`" in renamed


def test_a_renamed_question_keeps_its_answer(tmp_path: Path) -> None:
    """The pattern for renaming an answer key: rewrite the answers file before the update."""
    template = make_template_repo(tmp_path / "template")
    project = new_project(template, tmp_path / "project", author_name="Ada Lovelace")
    copier_yml = template / "copier.yml"
    copier_yml.write_text(
        copier_yml.read_text().replace("\nauthor_name:\n", "\nmaintainer_name:\n")
    )
    rename_key = (
        "{{ _copier_python }} -c \"import pathlib; p = pathlib.Path('.copier-answers.yml'); "
        "p.write_text(p.read_text().replace('\\nauthor_name:', '\\nmaintainer_name:'))\""
    )
    add_migration(
        template, {"version": NEXT_TAG, "when": "{{ _stage == 'before' }}", "command": rename_key}
    )
    release(
        template,
        {
            "template/pyproject.toml.jinja": (
                "author_name | toml_string",
                "maintainer_name | toml_string",
            )
        },
        NEXT_TAG,
    )

    copier_update(project)

    assert leftovers(project) == []
    answers = yaml.safe_load((project / ANSWERS_FILE).read_text())
    assert answers["maintainer_name"] == "Ada Lovelace"
    assert "author_name" not in answers
    assert 'name = "Ada Lovelace"' in (project / "pyproject.toml").read_text()


# Published releases (releases.toml, which the release script also tags from). Projects
# generated from the first and the last must update to this tree with no conflict, converge
# with a fresh render and pass their checks. The tests tag the releases in their own clone of
# the history with the release script (tags in the checkout are never relied on).
def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


RELEASES: dict[str, str] = tomllib.loads((REPO_ROOT / "releases.toml").read_text())
FIRST_RELEASE, LAST_RELEASE = min(RELEASES, key=version_key), max(RELEASES, key=version_key)


def template_with_history(destination: Path) -> Path:
    """A clone of this repository's history, the working tree on top, tagged as a release
    is: every version by the release script from releases.toml, the tree as v99.0.0."""
    git("clone", "--quiet", "--no-local", str(REPO_ROOT), str(destination), cwd=REPO_ROOT)
    git("rm", "-r", "--quiet", ".", cwd=destination)
    shutil.copytree(REPO_ROOT, destination, ignore=COPY_IGNORE, dirs_exist_ok=True)
    git("add", "--all", cwd=destination)
    git("commit", "--quiet", "--no-verify", "--allow-empty", "--message", "HEAD", cwd=destination)
    tagged = run([sys.executable, ".ci/releases.py", "tag"], cwd=destination)
    assert tagged.ok, tagged.report()
    assert {f"v{version}" for version in RELEASES} <= set(git("tag", cwd=destination).split())
    git("tag", "v99.0.0", cwd=destination)
    return destination


@pytest.mark.parametrize(
    ("version", "answers"),
    [
        (FIRST_RELEASE, {}),
        (
            LAST_RELEASE,
            {"project_size": "large", "concurrency": "sync", "code_organization": "by_feature"},
        ),
    ],
    ids=["first-defaults", "last-large-sync-by_feature"],
)
def test_a_project_of_a_previous_release_updates_cleanly(
    tmp_path: Path,
    mypy_cache: Callable[[str], dict[str, str]],
    version: str,
    answers: dict[str, object],
) -> None:
    template = template_with_history(tmp_path / "template")
    project = render_at(
        template, tmp_path / "project", {"project_name": PROJECT_NAME, **answers}, f"v{version}"
    )
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Generated", cwd=project)
    # The answers file records the release by its tag, a PEP 440 version, not a bare hash.
    assert yaml.safe_load((project / ANSWERS_FILE).read_text())["_commit"] == f"v{version}"
    assert check_update(project)["update_available"] is True

    copier_update(project)

    assert yaml.safe_load((project / ANSWERS_FILE).read_text())["_commit"] == "v99.0.0"
    assert leftovers(project) == []
    fresh = render_at(
        template, tmp_path / "fresh", {"project_name": PROJECT_NAME, **answers}, "v99.0.0"
    )
    assert_same_tree(project, fresh)
    assert_checks_pass(project, mypy_cache)


# --------------------------------------------------------------- answers this release refuses

# The release before the questionnaire's per-choice refusals (CHANGELOG 0.4.0): it recorded
# answers this release refuses.
BEFORE_REFUSALS = "0.3.0"


def release_repo(destination: Path, version: str) -> Path:
    """A template repository holding ``version`` (from releases.toml), tagged ``v<version>``."""
    destination.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", RELEASES[version]],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    git("init", "--quiet", "--initial-branch=main", cwd=destination)
    git("add", "--all", cwd=destination)
    git("commit", "--quiet", "--no-verify", "--message", f"Release {version}", cwd=destination)
    git("tag", f"v{version}", cwd=destination)
    return destination


def release_working_tree(template: Path, tag: str) -> None:
    """Commit the working tree on top of ``template``'s history, tagged ``tag``."""
    for path in template.iterdir():
        if path.name != ".git":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copytree(REPO_ROOT, template, ignore=COPY_IGNORE, symlinks=True, dirs_exist_ok=True)
    git("add", "--all", cwd=template)
    git("commit", "--quiet", "--no-verify", "--message", f"Release {tag}", cwd=template)
    git("tag", tag, cwd=template)


@pytest.mark.parametrize(
    ("recorded", "rewritten"),
    [
        (
            {"background_work": "workflows", "task_queue": "celery"},
            {"background_work": "durable", "task_queue": "celery"},
        ),
        (
            {"background_work": "none", "task_queue": "dramatiq"},
            {"background_work": "durable", "task_queue": "dramatiq"},
        ),
        (
            {"background_work": "durable", "task_queue": "background_tasks"},
            {"background_work": "fire_and_forget", "task_queue": "background_tasks"},
        ),
        ({"background_work": "fire_and_forget", "task_queue": "none"}, {"background_work": "none"}),
        (
            {"project_kind": "fullstack", "framework": "django", "database": "none"},
            {"project_kind": "api", "framework": "django", "database": "none"},
        ),
        (
            {"project_kind": "worker", "background_work": "none", "task_queue": "none"},
            {"project_kind": "api", "background_work": "none"},
        ),
    ],
    ids=lambda answers: ",".join(f"{k}={v}" for k, v in answers.items()),
)
def test_answers_the_previous_release_recorded_are_rewritten_not_dropped(
    tmp_path: Path, recorded: dict[str, str], rewritten: dict[str, str]
) -> None:
    """Copier drops a recorded answer the new questionnaire refuses and takes the default,
    deleting what it rendered; the release's migration rewrites it first."""
    template = release_repo(tmp_path / "template", BEFORE_REFUSALS)
    answers = {"project_name": PROJECT_NAME, **recorded}
    project = render_at(template, tmp_path / "project", answers, f"v{BEFORE_REFUSALS}")
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Generated", cwd=project)
    before = set(tree(project))
    release_working_tree(template, "v99.0.0")

    copier_update(project)

    after = yaml.safe_load((project / ANSWERS_FILE).read_text())
    assert {key: after.get(key) for key in rewritten} == rewritten
    if rewritten.get("background_work") == "none":
        assert "task_queue" not in after  # the question is skipped, its default is none
    assert leftovers(project) == []
    assert sorted(before - set(tree(project))) == []
    # A second update changes nothing: the rewrite is done once.
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Updated", cwd=project)
    copier_update(project)
    assert git("status", "--porcelain", cwd=project) == ""


# --------------------------------------------------------------- answers kept for life


def copier_update_outcome(project: Path, *data: str) -> Outcome:
    cmd = [str(tool("copier")), "update", "--trust", "--defaults"]
    for item in data:
        cmd += ["-d", item]
    return run(cmd, cwd=project, env={**os.environ, "NO_COLOR": "1"}, timeout=300)


@pytest.mark.parametrize(
    ("given", "flip"),
    [
        ("project_kind=api", "framework=django"),
        ("project_kind=api", "framework=flask"),
        ("project_kind=fullstack", "framework=fastapi"),
        # Every pair of project_size values, and of code_organization values.
        ("project_size=medium", "project_size=large"),
        ("project_size=medium", "project_size=small"),
        ("project_size=small", "project_size=medium"),
        ("project_size=small", "project_size=large"),
        ("project_size=large", "project_size=small"),
        ("project_size=large", "project_size=medium"),
        ("code_organization=by_layer", "code_organization=by_feature"),
        ("code_organization=by_feature", "code_organization=by_layer"),
    ],
)
def test_a_rewrite_level_answer_is_refused_on_update(tmp_path: Path, given: str, flip: str) -> None:
    """A new framework would delete the user's code, a new layout move it: refused, with
    the reason, and the project untouched; the same answer stays free on copier copy."""
    template = make_template_repo(tmp_path / "template")
    answers = dict(pair.split("=", 1) for pair in given.split(","))
    project = new_project(template, tmp_path / "project", **answers)
    edited = project / "pyproject.toml"
    edited.write_text(edited.read_text() + "\n# the user's own line\n")
    git("commit", "--quiet", "--all", "--message", "An edit", cwd=project)
    head = git("rev-parse", "HEAD", cwd=project)

    outcome = copier_update_outcome(project, flip)

    question = flip.split("=", 1)[0]
    assert not outcome.ok, outcome.report()
    output = " ".join((outcome.stdout + outcome.stderr).split())
    assert f"Invalid choice for '{question}'" in output, outcome.report()
    assert decisions.SET_AT_COPY[question] in output, outcome.report()
    assert git("status", "--porcelain", cwd=project) == ""
    assert git("rev-parse", "HEAD", cwd=project) == head
    assert "# the user's own line" in edited.read_text()
    # A new project with that answer renders.
    given = yaml.safe_load((project / ANSWERS_FILE).read_text())
    answers = {k: v for k, v in given.items() if not k.startswith("_")}
    answers[question] = flip.split("=", 1)[1]
    if question == "framework":
        answers = {"project_name": PROJECT_NAME, "framework": answers["framework"]}
    fresh = render_at(template, tmp_path / "fresh", answers, TEMPLATE_TAG)
    recorded = yaml.safe_load((fresh / ANSWERS_FILE).read_text())
    assert recorded[question] == flip.split("=", 1)[1]
