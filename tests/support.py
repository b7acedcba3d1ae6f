"""Helpers the test tiers share: the template repository under test, rendering, tools.

Nothing here reads the checkout's own git state: :func:`make_template_repo`
copies the working tree (uncommitted and untracked files included) into a
fresh repository with one commit and one tag, and every render reads that.
"""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import copier
import yaml

from extensions import decisions, project

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
TEMPLATE_TAG = "v0.0.0"
ANSWERS_FILE = ".copier-answers.yml"
PROJECT_NAME = "Acme Orders"
PACKAGE_NAME = "acme_orders"

# Never copied into the temporary template repository.
_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "*.py[cod]",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
)
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


# --------------------------------------------------------------------------- processes


@dataclass(frozen=True)
class Outcome:
    """A finished (or timed-out) command, with everything needed to explain a failure."""

    cmd: tuple[str, ...]
    cwd: Path
    returncode: int | None  # None: killed on timeout
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def report(self, limit: int = 12_000) -> str:
        """The command, where it ran, its exit code and (the tail of) its output."""

        def tail(text: str) -> str:
            text = text.rstrip()
            if len(text) > limit:
                return f"[... {len(text) - limit} characters cut ...]\n{text[-limit:]}"
            return text or "<empty>"

        status = "timed out" if self.returncode is None else f"exit code {self.returncode}"
        return (
            f"$ {shlex.join(self.cmd)}\n"
            f"  (cwd: {self.cwd}, {status})\n"
            f"--- stdout ---\n{tail(self.stdout)}\n"
            f"--- stderr ---\n{tail(self.stderr)}"
        )


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for tools run on a generated project.

    The template's own virtual environment must not leak into the project's
    commands (``uv run`` would warn about, and pytest would import from, it).
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT"}
        and not key.startswith(("PYTEST_", "COV_CORE_"))
    }
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p) != VENV_BIN]
    env["PATH"] = os.pathsep.join(path)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_NO_PROGRESS"] = "1"
    env["NO_COLOR"] = "1"
    if extra:
        env.update(extra)
    return env


def run(
    cmd: Sequence[str | os.PathLike[str]],
    cwd: Path,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> Outcome:
    """Run a command to completion; never raises on failure, the caller judges.

    The command gets its own process group: on timeout the whole group is
    killed, so grandchildren (``uv run`` -> pytest) cannot keep the pipes open.
    """
    argv = tuple(str(part) for part in cmd)
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            return Outcome(argv, cwd, None, stdout, stderr + f"\n[killed after {timeout}s]")
    return Outcome(argv, cwd, process.returncode, stdout, stderr)


def tool(name: str) -> Path:
    """An executable of the template's dev environment (ruff, hadolint, uv, ...)."""
    beside = VENV_BIN / name
    if beside.exists():
        return beside
    found = shutil.which(name)
    if found is None:
        msg = f"{name} is not installed: run `uv sync` in {REPO_ROOT}"
        raise RuntimeError(msg)
    return Path(found)


def interpreter(version: str) -> Path:
    """The full path of a CPython ``version`` interpreter (never a shim or a virtualenv)."""
    candidates: list[str] = []
    for folder in map(Path, filter(None, os.environ.get("PATH", "").split(os.pathsep))):
        # Skip pyenv shims and virtual environments (the template's own .venv).
        if "shims" not in folder.parts and not (folder.parent / "pyvenv.cfg").exists():
            candidates.append(str(folder / f"python{version}"))
    pyenv = Path("/root/.pyenv/versions")
    candidates += sorted(map(str, pyenv.glob(f"{version}.*/bin/python{version}")), reverse=True)
    for candidate in candidates:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    msg = f"no python{version} interpreter found on PATH or under /root/.pyenv/versions"
    raise RuntimeError(msg)


# --------------------------------------------------------------------------- template


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        cwd=cwd,
        env={**os.environ, **_GIT_ENV},
        check=True,
        capture_output=True,
    )


def make_template_repo(destination: Path) -> Path:
    """Copy the working tree into a fresh git repository with one commit, tagged."""
    shutil.copytree(REPO_ROOT, destination, ignore=_COPY_IGNORE, symlinks=True)
    _git("init", "--quiet", "--initial-branch=main", cwd=destination)
    _git("add", "--all", cwd=destination)
    _git("commit", "--quiet", "--no-verify", "--message", "Template under test", cwd=destination)
    _git("tag", TEMPLATE_TAG, cwd=destination)
    return destination


def render(template: Path, destination: Path, answers: Mapping[str, Any]) -> Path:
    """Render the template in-process (as ``copier copy --trust --defaults``)."""
    copier.run_copy(
        str(template),
        destination,
        data=dict(answers),
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination


def read_facts(project_dir: Path) -> tuple[dict[str, Any], Any]:
    """The recorded answers of a rendered project, and the ``project`` facts it rendered with.

    Questions Copier did not ask (``when`` false) are not recorded; their
    default applied, so it is read from copier.yml.
    """
    recorded = yaml.safe_load((project_dir / ANSWERS_FILE).read_text())
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
    answers = dict(recorded)
    for key in project.ANSWER_KEYS:
        if key not in answers:
            default = questions[key]["default"]
            assert "{" not in str(default), f"{key} was not recorded and has a computed default"
            answers[key] = default
    return recorded, project.for_answers(answers)


def copier_cli(template: Path, destination: Path, answers: Mapping[str, Any]) -> Outcome:
    """Render through the real ``copier copy`` command line."""
    cmd: list[str] = [str(tool("copier")), "copy", "--trust", "--defaults", "--vcs-ref", "HEAD"]
    for key, value in answers.items():
        cmd += ["-d", f"{key}={value}"]
    cmd += [str(template), str(destination)]
    return run(cmd, cwd=destination.parent, env={**os.environ, "NO_COLOR": "1"}, timeout=180)


def template_internals(project: Path) -> list[str]:
    """Files of the template repository itself that leaked into a rendered project."""
    problems = []
    for name in ("copier.yml", "copier.yaml", "extensions", ".ci", "benchmarks", "uv.lock"):
        if (project / name).exists():
            problems.append(f"template internal {name!r} was rendered into the project")
    for path in project.rglob("*"):
        rel = path.relative_to(project)
        if path.name in {".git", "__pycache__", ".venv"} or path.suffix in {".pyc", ".jinja"}:
            problems.append(f"{rel}: must not be rendered")
    for own_test in (REPO_ROOT / "tests").rglob("*.py"):
        rel = own_test.relative_to(REPO_ROOT)
        twin = project / rel
        if twin.is_file() and twin.read_bytes() == own_test.read_bytes():
            problems.append(f"{rel}: the template's own test file was rendered")
    return problems


# --------------------------------------------------------------------------- combinations

# The axes that change the rendered tree, multiplied out in the render tier.
TREE_AXES: tuple[str, ...] = (
    "framework",
    "project_size",
    "code_organization",
    "concurrency",
    "database",
    "task_queue",
    "workload",
)
# Axes that change single files only: cycled through the combinations, not multiplied.
FOLDED_AXES: dict[str, tuple[Any, ...]] = {
    "docker": (True, False),
    "ci": decisions.CHOICES["ci"],
    "python_version": decisions.CHOICES["python_version"],
}


def background_work_for(task_queue: str) -> str:
    """The background_work answer a user choosing ``task_queue`` gives."""
    return {"background_tasks": "fire_and_forget"}.get(task_queue, "none")


def refused(answers: Mapping[str, Any]) -> list[str]:
    """The refusals a combination meets (the axes no combination varies get defaults)."""
    full = {"broker": decisions.CHOICES["broker"][0], **answers}
    return decisions.refusals(full)


def render_combinations() -> list[dict[str, Any]]:
    """Every valid combination of the tree axes, each with one folded-axis triple.

    Small projects have no ``code_organization`` question. The folded triples
    rotate by one per round so that each one meets different tree values.
    """
    core: list[dict[str, Any]] = []
    for values in itertools.product(*(decisions.CHOICES[axis] for axis in TREE_AXES)):
        combo = dict(zip(TREE_AXES, values, strict=True))
        if combo["project_size"] == "small":
            if combo["code_organization"] != decisions.CHOICES["code_organization"][0]:
                continue
            del combo["code_organization"]
        combo["background_work"] = background_work_for(combo["task_queue"])
        if refused(combo):
            continue
        core.append(combo)
    triples = list(itertools.product(*FOLDED_AXES.values()))
    combos = []
    for index, combo in enumerate(core):
        triple = triples[(index + index // len(triples)) % len(triples)]
        combos.append({**combo, **dict(zip(FOLDED_AXES, triple, strict=True))})
    return combos


def default_answers(**overrides: Any) -> dict[str, Any]:
    """A complete answer set (every key ``project.ANSWER_KEYS`` needs)."""
    return {
        "project_name": "Acme Orders",
        "blocking_libraries": False,
        "team_knows_async": True,
        "project_slug": "acme-orders",
        "package_name": "acme_orders",
        "python_version": "3.13",
        "project_kind": "api",
        "framework": "fastapi",
        "workload": "io_bound",
        "concurrency": "async",
        "project_size": "medium",
        "code_organization": "by_layer",
        "database": "sqlite",
        "background_work": "none",
        "task_queue": "none",
        "broker": "redis",
        "docker": True,
        "ci": "github",
        **overrides,
    }


def combo_id(answers: Mapping[str, Any]) -> str:
    """A readable test id: the tree values, then docker/ci/python."""
    parts = [str(answers[axis]) for axis in TREE_AXES if axis in answers]
    parts.append("docker" if answers.get("docker", True) else "nodocker")
    parts.append(f"ci-{answers.get('ci', 'github')}")
    parts.append(f"py{answers.get('python_version', '3.13')}")
    return "-".join(parts)
