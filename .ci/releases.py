"""The template's releases: CHANGELOG.md headings, releases.toml, and the vX.Y.Z tags.

A release X.Y.Z is the commit whose CHANGELOG.md gains the heading ``## X.Y.Z``.
releases.toml maps each version to that commit (tags need not travel with a clone; the
map does), and the tags are made from the map:

    python .ci/releases.py check    # every CHANGELOG version is mapped to the commit
                                    # that added its heading, and nothing else is mapped
    python .ci/releases.py record   # append the missing versions to releases.toml
    python .ci/releases.py tag      # create the missing vX.Y.Z tags from the map

``tag`` never moves a tag: one that names another commit is an error.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHANGELOG = "CHANGELOG.md"
MAP = "releases.toml"
HEADING = re.compile(r"^## (?P<version>\d+\.\d+\.\d+)\s*$", re.MULTILINE)


def git(*args: str, root: Path = ROOT) -> str:
    # git from PATH with this script's own arguments.
    command = ["git", *args]
    result = subprocess.run(command, cwd=root, check=True, capture_output=True, text=True)  # noqa: S603
    return result.stdout.strip()


def changelog_versions(text: str) -> list[str]:
    """Released versions, newest first ("Unreleased" is not one)."""
    return [match["version"] for match in HEADING.finditer(text)]


def mapped(root: Path = ROOT) -> dict[str, str]:
    versions: dict[str, str] = tomllib.loads((root / MAP).read_text())
    return versions


def heading_commit(version: str, root: Path = ROOT) -> str:
    """The first commit whose CHANGELOG.md has the heading of ``version``."""
    added = git(
        "log", "--reverse", "--format=%H", "-S", f"## {version}", "--", CHANGELOG, root=root
    )
    for commit in added.splitlines():
        if version in changelog_versions(git("show", f"{commit}:{CHANGELOG}", root=root)):
            return commit
    msg = f"no commit adds '## {version}' to {CHANGELOG}"
    raise LookupError(msg)


def problems(root: Path = ROOT) -> list[str]:
    """What is wrong between CHANGELOG.md, releases.toml and the history (nothing: [])."""
    versions = changelog_versions((root / CHANGELOG).read_text())
    releases = mapped(root)
    found = [f"{v}: in {CHANGELOG}, not in {MAP}" for v in versions if v not in releases]
    found += [f"{v}: in {MAP}, not in {CHANGELOG}" for v in releases if v not in versions]
    for version, commit in releases.items():
        if version in versions and commit != (expected := heading_commit(version, root)):
            found.append(f"{version}: {MAP} names {commit}, the heading came with {expected}")
    return found


def record(root: Path = ROOT) -> list[str]:
    """Append each CHANGELOG version missing from the map; returns the lines added."""
    releases = mapped(root)
    missing = [v for v in changelog_versions((root / CHANGELOG).read_text()) if v not in releases]
    lines = [f'"{version}" = "{heading_commit(version, root)}"' for version in reversed(missing)]
    if lines:
        with (root / MAP).open("a") as file:
            file.write("".join(f"{line}\n" for line in lines))
    return lines


def tag(root: Path = ROOT) -> list[str]:
    """Create the missing ``vX.Y.Z`` tags at the mapped commits; returns the tags created."""
    created = []
    for version, commit in mapped(root).items():
        name = f"v{version}"
        existing = git("tag", "--list", name, root=root)
        if existing:
            tagged = git("rev-parse", f"{name}^{{commit}}", root=root)
            if tagged != commit:
                msg = f"{name} names {tagged}, {MAP} says {commit}: a tag is never moved"
                raise SystemExit(msg)
            continue
        git("tag", name, commit, root=root)
        created.append(name)
    return created


def main(command: str) -> int:
    if command == "check":
        found = problems()
        print("\n".join(found) or f"{MAP} maps every {CHANGELOG} version to its heading commit")
        return 1 if found else 0
    if command == "record":
        print("\n".join(record()) or "nothing to record")
        return 0
    if command == "tag":
        print("\n".join(tag()) or "every release is tagged")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2] or [""]))
