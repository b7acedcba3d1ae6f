"""Render every valid combination at two commits and report what differs.

The safety net of a refactor that should change no rendered byte (or only the ones it
lists): run it before merging and read the report.

    uv run python -m tests.compare_renders BASE            # BASE against the working tree
    uv run python -m tests.compare_renders BASE HEAD       # two commits
    uv run python -m tests.compare_renders BASE --sample 40

Each side is rendered from a repository of its own (``git archive`` of the commit, or a
copy of the working tree), in a process of its own, so the two sides' ``extensions``
never meet. The combinations are the working tree's (:mod:`tests.combinations`); one
that renders on one side only is reported as such. The answers file's ``_commit`` and
``_src_path`` lines are left out of the comparison. Differences are grouped: each distinct
change of a file is printed once, with the number of combinations it shows in and one of them.

Exit status: 0 when both sides render the same bytes, 1 when anything differs.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests import combinations
from tests.support import PROJECT_NAME, REPO_ROOT, fast_render, make_template_repo

ANSWERS_FILE = ".copier-answers.yml"
WORKING_TREE = "WORKTREE"
# How many lines of one changed file's diff the report shows.
DIFF_LINES = 40


def template_at(revision: str, destination: Path, repo: Path) -> Path:
    """A one-commit template repository holding ``revision`` of ``repo`` (or its working tree)."""
    if revision == WORKING_TREE:
        return make_template_repo(destination)
    destination.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
    for args in (
        ["init", "--quiet", "--initial-branch=main"],
        ["add", "--all"],
        [
            "-c",
            "user.name=compare",
            "-c",
            "user.email=compare@localhost",
            "commit",
            "--quiet",
            "--no-verify",
            "--message",
            f"{revision}",
        ],
    ):
        subprocess.run(["git", *args], cwd=destination, check=True)
    return destination


def render_all(template: str, output: str) -> None:
    """Render each row of ``output/rows.json`` into ``output/<index>``; a failure in a file."""
    rows = json.loads((Path(output) / "rows.json").read_text())
    for index, answers in enumerate(rows):
        destination = Path(output) / str(index)
        try:
            fast_render(Path(template), destination, {"project_name": PROJECT_NAME, **answers})
        # A refusal or a crash on one side is a finding, reported beside the differences.
        except Exception as error:
            shutil.rmtree(destination, ignore_errors=True)
            destination.mkdir(parents=True)
            (destination / ".render-failed").write_text(f"{type(error).__name__}: {error}\n")


def _render_side(template: Path, output: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    output.mkdir(parents=True)
    (output / "rows.json").write_text(json.dumps(list(rows)))
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tests.compare_renders import render_all; render_all(*sys.argv[1:])",
            str(template),
            str(output),
        ],
        cwd=REPO_ROOT,
        check=True,
    )


def files_of(project: Path) -> dict[str, bytes]:
    """Every file of a rendered project by relative path; the answers file without the
    lines that name the template's commit and path, which always differ."""
    found = {}
    for path in sorted(project.rglob("*")):
        if path.is_file() and path.name != "rows.json":
            content = path.read_bytes()
            if path.name == ANSWERS_FILE:
                content = b"".join(
                    line
                    for line in content.splitlines(keepends=True)
                    if not line.startswith((b"_commit:", b"_src_path:"))
                )
            found[path.relative_to(project).as_posix()] = content
    return found


def differences(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> Iterator[tuple[str, str]]:
    """(path, a unified diff or what happened to the file) for each file that differs."""
    for path in sorted(set(old) | set(new)):
        if path not in new:
            yield path, "removed"
        elif path not in old:
            yield path, "added"
        elif old[path] != new[path]:
            lines = difflib.unified_diff(
                old[path].decode(errors="replace").splitlines(),
                new[path].decode(errors="replace").splitlines(),
                lineterm="",
                n=1,
            )
            yield path, "\n".join(list(lines)[2:])


def compare(
    base: str, head: str, *, repo: Path = REPO_ROOT, sample: int = 0, workers: int = 2
) -> tuple[int, str]:
    """(number of combinations that differ, the report) for ``base`` against ``head``."""
    rows = combinations.valid_combinations()
    if sample and sample < len(rows):
        rows = [rows[i * len(rows) // sample] for i in range(sample)]
    chunks = [rows[i::workers] for i in range(workers)]
    with tempfile.TemporaryDirectory(prefix="compare-renders-") as scratch:
        root = Path(scratch)
        sides = {
            side: template_at(revision, root / side / "template", repo)
            for side, revision in (("base", base), ("head", head))
        }
        # Threads only wait: each side renders in a process of its own.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            jobs = [
                pool.submit(_render_side, template, root / side / f"out{n}", chunk)
                for side, template in sides.items()
                for n, chunk in enumerate(chunks)
            ]
            for job in jobs:
                job.result()
        # The same change of a file, wherever its lines fall: hunk positions left out.
        grouped: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
        shown: dict[tuple[str, str], str] = {}
        changed = 0
        for n, chunk in enumerate(chunks):
            for index, answers in enumerate(chunk):
                old = files_of(root / "base" / f"out{n}" / str(index))
                new = files_of(root / "head" / f"out{n}" / str(index))
                found = list(differences(old, new))
                changed += bool(found)
                for path, diff in found:
                    key = (path, "\n".join(x for x in diff.splitlines() if not x.startswith("@@")))
                    grouped[key].append(combinations.row_id(answers))
                    shown.setdefault(key, diff)
    lines = [f"{base} -> {head}: {changed} of {len(rows)} combinations render differently"]
    for key, row_ids in sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0])):
        path, change = key
        digest = hashlib.sha256(change.encode()).hexdigest()[:8]
        lines.append(f"\n== {path} [{digest}] in {len(row_ids)} combination(s), e.g. {row_ids[0]}")
        diff_lines = shown[key].splitlines()
        lines += diff_lines[:DIFF_LINES]
        if len(diff_lines) > DIFF_LINES:
            lines.append(f"... {len(diff_lines) - DIFF_LINES} more lines")
    return changed, "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.compare_renders", description=__doc__)
    parser.add_argument("base", help="a commit, branch or tag")
    parser.add_argument(
        "head",
        nargs="?",
        default=WORKING_TREE,
        help=f"a commit (default: the working tree, {WORKING_TREE})",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        help="render only this many combinations, spread over all of them",
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    changed, report = compare(args.base, args.head, sample=args.sample, workers=args.workers)
    print(report)
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
