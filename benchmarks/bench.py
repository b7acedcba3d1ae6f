"""Benchmarks of the template: render time and time-to-green of the default project.

Run from the repository root:

    uv run python benchmarks/bench.py            # both figures
    uv run python benchmarks/bench.py --runs 11  # more render samples

(a) Render time: the median of several renders of the default project (only
    ``project_name`` answered), both in-process (``copier.run_copy``, as the
    render tier does) and through the ``copier copy`` command line (as a user
    does, interpreter start-up included).
(b) Time-to-green with a warm uv cache: render + ``uv sync`` + ``ruff check`` +
    ``ruff format --check`` + ``mypy`` + ``pytest`` for the default project. One
    unmeasured round warms the cache first; the measured round starts from a
    fresh directory (no .venv, no lockfile, no tool caches).

Like the tests, it renders from a temporary git copy of the working tree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import (
    PROJECT_NAME,
    Outcome,
    clean_env,
    copier_cli,
    interpreter,
    make_template_repo,
    render,
    run,
    tool,
)

DEFAULT_ANSWERS = {"project_name": PROJECT_NAME}
PYTHON_VERSION = "3.13"  # the questionnaire's default


def render_times(template: Path, workdir: Path, runs: int) -> tuple[list[float], list[float]]:
    in_process, cli = [], []
    for index in range(runs):
        destination = workdir / f"render-{index}"
        started = time.perf_counter()
        render(template, destination, DEFAULT_ANSWERS)
        in_process.append(time.perf_counter() - started)
        shutil.rmtree(destination)

        started = time.perf_counter()
        outcome = copier_cli(template, destination, DEFAULT_ANSWERS)
        cli.append(time.perf_counter() - started)
        if not outcome.ok:
            raise SystemExit(outcome.report())
        shutil.rmtree(destination)
    return in_process, cli


Command = tuple[str, list[str | Path]]


def to_green(template: Path, destination: Path, commands: list[Command]) -> list[tuple[str, float]]:
    """Render the default project, then run ``commands`` in it; the time of each step."""
    uv = tool("uv")
    env = clean_env()
    env["PATH"] = f"{uv.parent}{os.pathsep}{env['PATH']}"  # for make's recipes
    started = time.perf_counter()
    render(template, destination, DEFAULT_ANSWERS)
    steps: list[tuple[str, float]] = [("render (in-process)", time.perf_counter() - started)]
    for name, cmd in commands:
        started = time.perf_counter()
        outcome: Outcome = run(cmd, cwd=destination, env=env, timeout=900)
        steps.append((name, time.perf_counter() - started))
        if not outcome.ok:
            raise SystemExit(f"{name} is not green:\n{outcome.report()}")
    return steps


def one_check_at_a_time() -> list[Command]:
    uv = tool("uv")
    return [
        ("uv sync", [uv, "sync", "--python", interpreter(PYTHON_VERSION)]),
        ("ruff check", [uv, "run", "ruff", "check", "."]),
        ("ruff format --check", [uv, "run", "ruff", "format", "--check", "."]),
        ("mypy", [uv, "run", "mypy"]),
        ("pytest", [uv, "run", "pytest"]),
    ]


def through_make() -> list[Command]:
    """The way a user gets there: ``uv sync``, then the project's ``make check``."""
    return [
        ("uv sync", [tool("uv"), "sync", "--python", interpreter(PYTHON_VERSION)]),
        ("make check", ["make", "check"]),
    ]


def print_steps(title: str, steps: list[tuple[str, float]]) -> None:
    print(title)
    for name, seconds in steps:
        print(f"    {name:<22} {seconds:6.2f} s")
    print(f"    {'total':<22} {sum(seconds for _, seconds in steps):6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="render samples (default 7)")
    parser.add_argument("--green-runs", type=int, default=3, help="make-check samples (default 3)")
    parser.add_argument("--no-green", action="store_true", help="skip the time-to-green figure")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cpp-bench-") as tmp:
        workdir = Path(tmp)
        template = make_template_repo(workdir / "template")

        render(template, workdir / "warm-up", DEFAULT_ANSWERS)  # imports, first clone
        in_process, cli = render_times(template, workdir, args.runs)
        print(f"(a) render time of the default project, median of {args.runs} runs:")
        print(
            f"    in-process copier.run_copy : {statistics.median(in_process):.2f} s"
            f"  (min {min(in_process):.2f}, max {max(in_process):.2f})"
        )
        print(
            f"    subprocess `copier copy`   : {statistics.median(cli):.2f} s"
            f"  (min {min(cli):.2f}, max {max(cli):.2f})"
        )

        if args.no_green:
            return
        to_green(template, workdir / "cache-warm-up", through_make())  # fills the uv cache
        print_steps(
            "(b) time-to-green of the default project, warm uv cache, one check at a time:",
            to_green(template, workdir / "green", one_check_at_a_time()),
        )
        runs = [
            to_green(template, workdir / f"green-make-{attempt}", through_make())
            for attempt in range(args.green_runs)
        ]
        runs.sort(key=lambda steps: sum(seconds for _, seconds in steps))
        print_steps(
            f"(c) time-to-green through `make check` (lint, types and tests side by side),"
            f" median of {args.green_runs} runs:",
            runs[len(runs) // 2],
        )


if __name__ == "__main__":
    main()
