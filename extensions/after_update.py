"""After ``copier update``: keep the user's edited files an answer change removed, and say
what else needs the user's hand.

An answer change that removes a part (``database: none``, ``docker: false``, another
CI, no task queue, an API-only kind) makes Copier delete every file of that part,
edited or not. copier.yml runs this script after each update (a ``_migrations``
entry for the ``after`` stage) in the project's directory. It

* puts back each deleted file whose content the user had changed (compared with
  what the previous release rendered from the previous answers), between conflict
  markers, and marks it unmerged as git marks a file one side modified and the
  other deleted: ``git status`` lists it as "deleted by them"; ``git commit``, the
  pre-commit hook and ``make check`` refuse it until the user resolves it (``git
  rm`` to let it go; or drop the markers and ``git add`` it to keep it);
* names the dependencies the update removed from pyproject.toml, which code the
  user wrote may still import (e.g. pytest-asyncio after ``concurrency: sync``);
* names each ``*_URL`` setting of the user's ``.env`` whose scheme (the database
  driver) differs from the new ``.env.example``, and the settings it lacks. It
  never prints a value: URLs carry passwords.

It runs with Copier's interpreter (``copier`` and ``yaml`` importable; nothing of
the template). Copier refuses to update a repository with uncommitted changes, so
the tracked files missing from the working tree are exactly the update's deletions.

Usage: python after_update.py <answers file> <template path>
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*)$")


def git(*args: str, cwd: Path, stdin: bytes | None = None) -> bytes:
    # git from PATH, as Copier itself runs it; the arguments are this script's own.
    command = ["git", *args]
    return subprocess.run(command, cwd=cwd, input=stdin, check=True, capture_output=True).stdout  # noqa: S603


# ----------------------------------------------------------------- edited files removed


def tracked(project: Path) -> set[str]:
    return set(git("ls-files", "-z", cwd=project).decode().split("\0")) - {""}


def deleted_by_update(project: Path) -> list[str]:
    """Tracked files missing from the working tree, relative to ``project``."""
    listed = git("ls-files", "--deleted", "-z", cwd=project).decode()
    return sorted(path for path in listed.split("\0") if path)


def render_previous(project: Path, template: str, answers_file: str, into: Path) -> Path:
    """What the previous release rendered from the previous answers (both from HEAD)."""
    import copier
    import yaml

    recorded = yaml.safe_load(git("show", f"HEAD:./{answers_file}", cwd=project))
    data = {key: value for key, value in recorded.items() if not key.startswith("_")}
    copier.run_copy(
        template,
        into,
        data=data,
        vcs_ref=recorded["_commit"],
        defaults=True,
        overwrite=True,
        quiet=True,
        unsafe=True,
        skip_tasks=True,
    )
    return into


def edited(project: Path, paths: Iterable[str], previous: Path) -> dict[str, bytes | None]:
    """The paths whose committed content differs from the previous render: path -> the
    previous render's content (None where the previous release did not render it)."""
    changed: dict[str, bytes | None] = {}
    for path in paths:
        committed = git("show", f"HEAD:./{path}", cwd=project)
        rendered = previous / path
        pristine = rendered.read_bytes() if rendered.is_file() else None
        if committed != pristine:
            changed[path] = pristine
    return changed


def with_markers(text: bytes) -> bytes:
    """The user's file as one side of a conflict whose other side is empty, in the markers
    Copier writes for its own conflicts (so the hooks and ``make check`` catch it too)."""
    ending = b"" if text.endswith(b"\n") or not text else b"\n"
    return (
        b"<<<<<<< before updating\n"
        + text
        + ending
        + b"=======\n>>>>>>> after updating (the new answers remove this file)\n"
    )


def keep_as_unmerged(project: Path, path: str, pristine: bytes | None) -> None:
    """Restore ``path`` from HEAD and record it as modified here, deleted by the template:
    stage 1 the previous render (the common base), stage 2 the user's file, no stage 3.
    A text file also gets conflict markers: ``git commit --all`` would stage an unmerged
    file silently, the pre-commit hook refuses markers."""
    git("checkout", "HEAD", "--", path, cwd=project)
    kept = project / path
    content = kept.read_bytes()
    if b"\0" not in content:
        kept.write_bytes(with_markers(content))
    top = Path(git("rev-parse", "--show-toplevel", cwd=project).decode().strip())
    prefix = git("rev-parse", "--show-prefix", cwd=project).decode().strip()
    (entry,) = git("ls-files", "--stage", "--", path, cwd=project).decode().splitlines()
    mode, ours, _stage = entry.split("\t", 1)[0].split()
    lines = [f"0 {'0' * 40}\t{prefix}{path}", f"{mode} {ours} 2\t{prefix}{path}"]
    if pristine is not None:
        base = git("hash-object", "-w", "--stdin", cwd=project, stdin=pristine).decode().strip()
        lines.append(f"{mode} {base} 1\t{prefix}{path}")
    git("update-index", "--index-info", cwd=top, stdin="\n".join(lines).encode() + b"\n")


def keep_edited_files(project: Path, template: str, answers_file: str) -> list[str]:
    """Keep every file the update deleted that the user had edited; returns them."""
    deleted = deleted_by_update(project)
    if not deleted:
        return []
    with tempfile.TemporaryDirectory(prefix="copier-previous-") as scratch:
        previous = render_previous(project, template, answers_file, Path(scratch, "project"))
        kept = edited(project, deleted, previous)
        for path, pristine in kept.items():
            keep_as_unmerged(project, path, pristine)
    return sorted(kept)


# ----------------------------------------------------------------- removed dependencies


def requirement_names(pyproject: Mapping[str, Any]) -> dict[str, str]:
    """Normalised distribution name -> the group it is declared in ("" for runtime)."""
    groups = {"": pyproject.get("project", {}).get("dependencies", [])}
    groups.update(pyproject.get("dependency-groups", {}))
    names: dict[str, str] = {}
    for group, requirements in groups.items():
        for requirement in requirements:
            if isinstance(requirement, str) and (match := _REQUIREMENT_NAME.match(requirement)):
                names.setdefault(re.sub(r"[-_.]+", "-", match[1]).lower(), group)
    return names


def removed_dependencies(before: str, after: str) -> dict[str, str]:
    """Dependencies of ``before`` (pyproject.toml text) that ``after`` no longer declares."""
    old = requirement_names(tomllib.loads(before))
    new = requirement_names(tomllib.loads(after))
    return {name: group for name, group in sorted(old.items()) if name not in new}


# ----------------------------------------------------------------- .env against .env.example


def env_values(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        if match := _ENV_LINE.match(line):
            values[match["key"]] = match["value"].strip().strip("'\"")
    return values


def scheme(url: str) -> str:
    return url.split("://", 1)[0] if "://" in url else ""


def env_drift(
    env: str, example: str, previous_example: str
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """``*_URL`` keys whose scheme differs (key -> (yours, example's)), and the keys the
    update added to the example that the ``.env`` lacks."""
    yours, expected = env_values(env), env_values(example)
    previous = env_values(previous_example)
    schemes = {
        key: (scheme(yours[key]), scheme(value))
        for key, value in expected.items()
        if key.endswith("_URL") and key in yours and scheme(yours[key]) != scheme(value)
    }
    missing = [key for key in expected if key not in yours and key not in previous]
    return schemes, missing


# ----------------------------------------------------------------- report


def report(
    kept: list[str],
    removed: Mapping[str, str],
    schemes: Mapping[str, tuple[str, str]],
    missing: list[str],
) -> str:
    lines: list[str] = []
    if kept:
        lines += [
            "Kept the files below: the new answers no longer generate them, but you had",
            "edited them. Each is unmerged (git status: deleted by them) until you choose:",
            "git rm <file> to let it go, or drop its conflict markers and git add it.",
            *(f"  {path}" for path in kept),
        ]
    if removed:
        lines += [
            "The update removed these dependencies; add back any your code still imports",
            "(uv add <name>, or uv add --group <group> <name>):",
            *(f"  {name}" + (f" ({group})" if group else "") for name, group in removed.items()),
        ]
    if schemes:
        lines += ["Your .env names a scheme .env.example no longer uses; change it there:"]
        for key, (ours, theirs) in schemes.items():
            lines.append(f"  {key}: {ours or '(none)'} -> {theirs}")
    if missing:
        lines += ["New settings in .env.example that your .env lacks (their defaults apply):"]
        lines += [f"  {key}" for key in missing]
    return "\n".join(lines)


def main(answers_file: str, template: str) -> int:
    project = Path.cwd()
    try:
        kept = keep_edited_files(project, template, answers_file)
    except Exception as error:
        # The update itself is done; say what could not be checked instead of failing it.
        print(
            f"Could not compare the files this update deleted with the previous release "
            f"({type(error).__name__}: {error}). Before you commit, check each deleted (D) "
            "file in git status for edits of yours: git show HEAD:<file>.",
            file=sys.stderr,
        )
        kept = []
    pyproject = project / "pyproject.toml"
    removed: dict[str, str] = {}
    if pyproject.is_file() and "pyproject.toml" in tracked(project):
        before = git("show", "HEAD:./pyproject.toml", cwd=project).decode()
        removed = removed_dependencies(before, pyproject.read_text())
    schemes: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    env, example = project / ".env", project / ".env.example"
    if env.is_file() and example.is_file():
        previous = ""
        if ".env.example" in tracked(project):
            previous = git("show", "HEAD:./.env.example", cwd=project).decode()
        schemes, missing = env_drift(env.read_text(), example.read_text(), previous)
    if text := report(kept, removed, schemes, missing):
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
