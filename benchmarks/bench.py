"""Benchmarks of the template: render time and time-to-green of the default project.

Run from the repository root:

    uv run python benchmarks/bench.py            # both figures
    uv run python benchmarks/bench.py --runs 11  # more render samples

(a) Render time: the median of several renders of the default project (only
    ``project_name`` answered) through the ``copier copy`` command line, as a
    user runs it (the whole process), beside the same command for a one-file
    template, in turn in one run; their ratio is the figure to watch (goal:
    at most 1.5). Both commands run with Python's bytecode cache warm, as on a
    user's machine after the first run (in a cache folder of the benchmark's
    own, also where PYTHONDONTWRITEBYTECODE is set). The in-process render
    (``copier.run_copy``, the render tier's way) is reported too.
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
    TEMPLATE_TAG,
    Outcome,
    clean_env,
    interpreter,
    make_template_repo,
    render,
    run,
    tool,
)

DEFAULT_ANSWERS = {"project_name": PROJECT_NAME}
PYTHON_VERSION = "3.13"  # the questionnaire's default


ONE_FILE_TEMPLATE = {
    "copier.yml": "project_name:\n  type: str\n  help: What is the project called?\n",
    "README.md.jinja": "# {{ project_name }}\n",
}


def one_file_template(destination: Path) -> Path:
    """The yardstick: a template repository with one question and one file."""
    destination.mkdir()
    for name, text in ONE_FILE_TEMPLATE.items():
        (destination / name).write_text(text)
    for args in (
        ["init", "--quiet", "--initial-branch=main"],
        ["add", "--all"],
        ["commit", "--quiet", "--no-verify", "--message", "One file"],
        ["tag", TEMPLATE_TAG],  # as the template under test is: Copier checks out the tag
    ):
        run(
            ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", *args],
            cwd=destination,
        )
    return destination


def cli_env(workdir: Path) -> dict[str, str]:
    """``copier copy``'s environment: a warm bytecode cache, as a user's second run has."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    env["NO_COLOR"] = "1"
    return env


def timed_cli(template: Path, destination: Path, env: dict[str, str]) -> float:
    cmd: list[str | Path] = [tool("copier"), "copy", "--quiet", "--trust", "--defaults"]
    cmd += ["--data", f"project_name={PROJECT_NAME}", template, destination]
    started = time.perf_counter()
    outcome = run(cmd, cwd=destination.parent, env=env, timeout=180)
    seconds = time.perf_counter() - started
    if not outcome.ok:
        raise SystemExit(outcome.report())
    shutil.rmtree(destination)
    return seconds


def render_times(template: Path, workdir: Path, runs: int) -> dict[str, list[float]]:
    """Each run renders the one-file template and the default project, in turn (which goes
    first alternates from run to run)."""
    yardstick = one_file_template(workdir / "one-file-template")
    env = cli_env(workdir)
    for warm_up in ("warm-one-file", "warm-default"):  # bytecode cache, first clone
        timed_cli(yardstick if warm_up == "warm-one-file" else template, workdir / warm_up, env)
    times: dict[str, list[float]] = {"one-file": [], "default": [], "in-process": []}
    for index in range(runs):
        order = [("one-file", yardstick), ("default", template)]
        for name, source in order if index % 2 == 0 else reversed(order):
            times[name].append(timed_cli(source, workdir / f"{name}-{index}", env))
        destination = workdir / f"render-{index}"
        started = time.perf_counter()
        render(template, destination, DEFAULT_ANSWERS)
        times["in-process"].append(time.perf_counter() - started)
        shutil.rmtree(destination)
    return times


def summary(samples: list[float]) -> str:
    median = statistics.median(samples)
    return f"{median:.2f} s  (min {min(samples):.2f}, max {max(samples):.2f})"


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
        times = render_times(template, workdir, args.runs)
        ratio = statistics.median(times["default"]) / statistics.median(times["one-file"])
        print(f"(a) render time, median of {args.runs} runs side by side:")
        print(f"    `copier copy`, one-file template  : {summary(times['one-file'])}")
        print(f"    `copier copy`, default project    : {summary(times['default'])}")
        print(f"    ratio default / one-file          : {ratio:.2f}  (goal: at most 1.50)")
        print(f"    in-process copier.run_copy        : {summary(times['in-process'])}")

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
