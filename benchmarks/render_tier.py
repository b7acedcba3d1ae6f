"""Benchmark of the render tier: every valid combination rendered and checked.

Run from the repository root:

    uv run python benchmarks/render_tier.py             # the whole tier, as the suite runs it
    uv run python benchmarks/render_tier.py --sample 24 # per combination, in one process

(a) The whole tier: ``pytest -m render`` under the suite's own options
    (``-n auto``), its wall time, the CPU time of pytest and everything it
    started, and the load average before and after (other work on the machine
    slows the tier down; CPU time / cores is the figure on an idle machine).
(b) ``--sample N``: N combinations spread over the enumeration, rendered in
    this process by plain ``render`` and by the tier's ``fast_render``, then
    checked; the median seconds of each step.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import combinations, test_render
from tests.support import PROJECT_NAME, REPO_ROOT, fast_render, make_template_repo, render


def whole_tier() -> None:
    before = os.getloadavg()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "render", "-q", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    after = os.getloadavg()
    summary = [line for line in result.stdout.splitlines() if "combinations" in line]
    print(result.stdout.splitlines()[-1] if result.stdout else result.stderr[-2000:])
    print(*summary, sep="\n")
    cores = os.cpu_count() or 1
    idle = f"{cpu / cores:.0f} s on {cores} idle cores"
    print(f"(a) render tier: {wall:.0f} s wall, {cpu:.0f} s CPU ({idle})")
    print(f"    load average before {before[0]:.2f}, after {after[0]:.2f}")


def sample(count: int) -> None:
    every = combinations.valid_combinations()
    picked = [every[index * len(every) // count] for index in range(count)]
    steps: dict[str, list[float]] = {"render": [], "fast_render": [], "checks": []}
    with tempfile.TemporaryDirectory(prefix="cpp-render-tier-") as tmp:
        workdir = Path(tmp)
        template = make_template_repo(workdir / "template")
        fast_render(template, workdir / "warm-up", {"project_name": PROJECT_NAME, **picked[0]})
        for index, answers in enumerate(picked):
            given = {"project_name": PROJECT_NAME, **answers}
            started = time.perf_counter()
            render(template, workdir / f"plain-{index}", given)
            steps["render"].append(time.perf_counter() - started)
            started = time.perf_counter()
            project_dir = fast_render(template, workdir / f"fast-{index}", given)
            steps["fast_render"].append(time.perf_counter() - started)
            started = time.perf_counter()
            test_render.check_project(project_dir, given, template)
            steps["checks"].append(time.perf_counter() - started)
            shutil.rmtree(workdir / f"plain-{index}")
            shutil.rmtree(project_dir)
    print(f"(b) per combination, median of {count} (one process):")
    for name, seconds in steps.items():
        print(f"    {name:<12} {statistics.median(seconds):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=0, help="time N combinations in-process")
    args = parser.parse_args()
    if args.sample:
        sample(args.sample)
    else:
        whole_tier()


if __name__ == "__main__":
    main()
