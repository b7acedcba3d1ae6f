"""Reference renders: `examples/` holds what the template renders for a few answer sets.

A template change is reviewed as the diff of real projects, and a rendered file leads back
to the template file it came from:

    uv run python -m tests.examples                 # render examples/ again
    uv run python -m tests.examples source examples/django-fullstack/app/views/items.py
    uv run python -m tests.examples source src/acme_orders/api/items.py \\
        -d framework=fastapi -d project_size=large  # any answers, any rendered path

tests/test_examples.py fails while `examples/` is not what the working tree renders, and
checks that `source` answers for every file of every example.

Copier records where a project came from in `.copier-answers.yml` (`_commit`,
`_src_path`); those two lines change with every commit and are left out of the examples.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import copier._main

from tests.support import ANSWERS_FILE, PROJECT_NAME, REPO_ROOT, make_template_repo, render

EXAMPLES_DIR = REPO_ROOT / "examples"

# Each kind's defaults, and the two larger projects the options-as-modules issue names.
EXAMPLES: dict[str, dict[str, Any]] = {
    "fastapi-api": {"project_kind": "api"},
    "django-fullstack": {"project_kind": "fullstack"},
    "flask-simple": {"project_kind": "simple"},
    "fastapi-large-postgresql-celery": {
        "project_kind": "api",
        "framework": "fastapi",
        "concurrency": "async",
        "project_size": "large",
        "code_organization": "by_layer",
        "database": "postgresql",
        "background_work": "durable",
        "task_queue": "celery",
        "broker": "redis",
        "metrics": True,
    },
    "django-api-sync-postgresql-dramatiq-rabbitmq": {
        "project_kind": "api",
        "framework": "django",
        "concurrency": "sync",
        "project_size": "large",
        "code_organization": "by_feature",
        "database": "postgresql",
        "background_work": "durable",
        "task_queue": "dramatiq",
        "broker": "rabbitmq",
        "metrics": True,
    },
}

# The lines of the answers file that name the commit and the template's location.
_WHERE_FROM = ("_commit:", "_src_path:")


@contextmanager
def _recording_sources() -> Iterator[dict[str, str]]:
    """While active, every file Copier renders is recorded: rendered path -> template path.

    Copier's ``Worker._render_file(src_relpath, dst_relpath, ...)`` is the one place a
    template file becomes a project file; tests/test_examples.py fails if that changes.
    """
    sources: dict[str, str] = {}
    real = copier._main.Worker._render_file

    def render_file(self: Any, src_relpath: Path, dst_relpath: Path, *args: Any, **kw: Any) -> None:
        sources[dst_relpath.as_posix()] = src_relpath.as_posix()
        real(self, src_relpath, dst_relpath, *args, **kw)

    copier._main.Worker._render_file = render_file  # type: ignore[method-assign]
    try:
        yield sources
    finally:
        copier._main.Worker._render_file = real  # type: ignore[method-assign]


def render_with_sources(
    template: Path, destination: Path, answers: Mapping[str, Any]
) -> dict[str, str]:
    """Render ``answers`` into ``destination`` as an example; the source of every file."""
    with _recording_sources() as sources:
        render(template, destination, {"project_name": PROJECT_NAME, **answers})
    answers_file = destination / ANSWERS_FILE
    kept = [
        line
        for line in answers_file.read_text().splitlines(keepends=True)
        if not line.startswith(_WHERE_FROM)
    ]
    answers_file.write_text("".join(kept))
    return sources


def regenerate(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        template = make_template_repo(Path(scratch) / "template")
        for name in names:
            target = EXAMPLES_DIR / name
            shutil.rmtree(target, ignore_errors=True)
            render_with_sources(template, target, EXAMPLES[name])
            print(f"examples/{name}")


def source_of(rendered: str, answers: Mapping[str, Any]) -> str | None:
    """The template file (relative to the repository) that renders ``rendered``."""
    with tempfile.TemporaryDirectory() as scratch:
        template = make_template_repo(Path(scratch) / "template")
        sources = render_with_sources(template, Path(scratch) / "project", answers)
    return sources.get(rendered)


def _parse_answers(pairs: list[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        answers[key] = {"true": True, "false": False}.get(value.lower(), value)
    return answers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.examples",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command")
    again = commands.add_parser("render", help="render examples/ again (the default)")
    again.add_argument("names", nargs="*", metavar="NAME", help=", ".join(EXAMPLES))
    source = commands.add_parser("source", help="the template file a rendered path comes from")
    source.add_argument("path", help="examples/<name>/<path>, or a path with -d answers")
    source.add_argument("-d", dest="answers", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)

    if args.command != "source":
        names = getattr(args, "names", None) or list(EXAMPLES)
        unknown = sorted(set(names) - set(EXAMPLES))
        if unknown:
            parser.error(f"no example named {', '.join(unknown)}")
        regenerate(names)
        return 0
    path = Path(args.path)
    answers = _parse_answers(args.answers)
    parts = path.resolve().parts if path.exists() else ()
    if EXAMPLES_DIR.parts == parts[: len(EXAMPLES_DIR.parts)] and len(parts) > len(
        EXAMPLES_DIR.parts
    ):
        name = parts[len(EXAMPLES_DIR.parts)]
        if name not in EXAMPLES:
            parser.error(f"{path}: not a file of an example ({', '.join(EXAMPLES)})")
        answers = {**EXAMPLES[name], **answers}
        rendered = Path(*parts[len(EXAMPLES_DIR.parts) + 1 :]).as_posix()
    else:
        rendered = path.as_posix()
    found = source_of(rendered, answers)
    if found is None:
        print(f"{rendered}: not rendered for these answers", file=sys.stderr)
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
