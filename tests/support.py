"""Helpers the test tiers share: the template repository under test, rendering, tools.

Nothing here reads the checkout's own git state: :func:`make_template_repo`
copies the working tree (uncommitted and untracked files included) into a
fresh repository with one commit and one tag, and every render reads that.
"""

from __future__ import annotations

import atexit
import copy
import functools
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import copier
import copier._main
import copier._template
import jinja2
import yaml
from packaging.requirements import Requirement

from extensions import decisions, project
from tests import combinations

# libyaml's loader where PyYAML has it: the render tier parses thousands of files.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
TEMPLATE_TAG = "v0.0.0"
ANSWERS_FILE = ".copier-answers.yml"
PROJECT_NAME = "Acme Orders"
PACKAGE_NAME = "acme_orders"

# Never copied into the temporary template repository.
COPY_IGNORE = shutil.ignore_patterns(
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


# Set to "1" by the template's weekly CI run: generated projects then resolve the
# newest versions their constraints allow, past any lock and any cached index page.
UPGRADE_DEPENDENCIES = os.environ.get("TEMPLATE_UPGRADE_DEPENDENCIES") == "1"

# Where the project, fuzz and update tiers find their servers unless told otherwise
# (compose.yaml at the repository's root starts these on a laptop with Docker).
DEFAULT_SERVICE_URLS = {
    "TEMPLATE_POSTGRES_URL": "postgresql://postgres@127.0.0.1:5432/postgres",
    "TEMPLATE_REDIS_URL": "redis://127.0.0.1:6379/0",
    "TEMPLATE_RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/%2F",
}


def _service_url(variable: str) -> str:
    return os.environ.get(variable, DEFAULT_SERVICE_URLS[variable])


# The PostgreSQL server (trust auth) on which rows create databases of their own.
POSTGRES_URL = _service_url("TEMPLATE_POSTGRES_URL")
# The brokers of the task-queue rows; each row uses queues (and Redis keys) of its own.
REDIS_URL = _service_url("TEMPLATE_REDIS_URL")
RABBITMQ_URL = _service_url("TEMPLATE_RABBITMQ_URL")


def uv_sync_command(uv: Path, python: str | os.PathLike[str]) -> list[str]:
    """``uv sync`` for a generated project (``--upgrade --refresh`` on the weekly run)."""
    cmd = [str(uv), "sync", "--python", str(python)]
    if UPGRADE_DEPENDENCIES:
        cmd += ["--upgrade", "--refresh"]
    return cmd


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


def make_template_repo(destination: Path, edit: Callable[[Path], None] | None = None) -> Path:
    """Copy the working tree into a fresh git repository with one commit, tagged.

    ``edit``, when given, changes the copy before it is committed.
    """
    shutil.copytree(REPO_ROOT, destination, ignore=COPY_IGNORE, symlinks=True)
    if edit is not None:
        edit(destination)
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


# What fast_render keeps between renders of one process (see there).
_CLONES: dict[tuple[str, str], str] = {}
_COMPILED: dict[tuple[Any, ...], Any] = {}
_CONFIGS: dict[tuple[Any, ...], Any] = {}


def _environment_key(env: jinja2.Environment) -> tuple[Any, ...]:
    """Everything about a Jinja environment that shapes the code it compiles a template to."""
    return (
        type(env),
        tuple(sorted(env.extensions)),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.autoescape,
        env.is_async,
        env.undefined,
        frozenset(env.filters),
        frozenset(env.tests),
    )


@contextmanager
def _render_shortcuts() -> Iterator[None]:
    """Skip the work Copier repeats identically for every render of the same template.

    Copier clones the template for every render, builds a new Jinja environment
    (so every file and every path part is compiled again: two thirds of a
    render) and, for every file it writes, runs ``git config core.fileMode`` in
    the destination to learn whether the git index needs the executable bit (it
    never does here: the destination is no git repository). While this is
    active, the first clone of a (url, ref) is handed out again (the template
    repository must not change meanwhile), copier.yml is parsed once, Jinja's
    compiled code is reused for the same source in an identically configured
    environment (the extensions' ``preprocess`` still runs, as Copier's
    ``yield`` tag relies on it), and the probe is skipped. Outside it Copier
    and Jinja run unpatched.
    """
    real_clone = copier._template.clone
    real_probe = copier._main.Worker._sync_git_index_executable_bit
    real_compile = jinja2.Environment.compile
    real_config = copier._template.load_template_config

    def clone(url: str, ref: str = "HEAD", location: str | None = None) -> str:
        del location  # Copier's own temporary directory stays empty, and is removed
        key = (url, ref)
        if key not in _CLONES:
            keep = Path(tempfile.mkdtemp(prefix="template-clone-"))
            atexit.register(shutil.rmtree, keep, ignore_errors=True)
            _CLONES[key] = real_clone(url, ref, str(keep))
        return _CLONES[key]

    def no_probe(self: Any, dst_relpath: Path, src_mode: int) -> None:
        del self, dst_relpath, src_mode

    def compile_once(
        self: jinja2.Environment,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if not isinstance(source, str):  # an already parsed template
            return real_compile(self, source, name, filename, raw, defer_init)
        key = (_environment_key(self), source, name, filename, raw, defer_init)
        if key not in _COMPILED:
            _COMPILED[key] = real_compile(self, source, name, filename, raw, defer_init)
        else:
            self.preprocess(source, name, filename)
        return _COMPILED[key]

    def load_config_once(conf_path: Path, quiet: bool = False) -> Any:
        stat = conf_path.stat()
        key = (str(conf_path), stat.st_mtime_ns, stat.st_size, quiet)
        if key not in _CONFIGS:
            _CONFIGS[key] = real_config(conf_path, quiet)
        return copy.deepcopy(_CONFIGS[key])

    copier._template.clone = clone  # type: ignore[assignment]
    copier._template.load_template_config = load_config_once
    copier._main.Worker._sync_git_index_executable_bit = no_probe  # type: ignore[method-assign]
    jinja2.Environment.compile = compile_once  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        copier._template.clone = real_clone
        copier._template.load_template_config = real_config
        copier._main.Worker._sync_git_index_executable_bit = real_probe  # type: ignore[method-assign]
        jinja2.Environment.compile = real_compile  # type: ignore[method-assign]


def fast_render(template: Path, destination: Path, answers: Mapping[str, Any]) -> Path:
    """:func:`render` without Copier's repeated work (the render tier's way; see above).

    ``template`` must not gain commits while the process runs.
    tests/test_render.py checks that the output is byte-for-byte :func:`render`'s
    on every row of the covering array. Falls back to :func:`render` if
    Copier's internals moved.
    """
    if not (
        hasattr(copier._template, "clone")
        and hasattr(copier._template, "load_template_config")
        and hasattr(copier._main.Worker, "_sync_git_index_executable_bit")
    ):
        return render(template, destination, answers)
    with _render_shortcuts():
        return render(template, destination, answers)


@functools.cache
def _copier_yml() -> dict[str, Any]:
    return yaml.load((REPO_ROOT / "copier.yml").read_text(), Loader=SafeLoader)  # noqa: S506


def read_facts(project_dir: Path) -> tuple[dict[str, Any], Any]:
    """The recorded answers of a rendered project, and the ``project`` facts it rendered with.

    Questions Copier did not ask (``when`` false) are not recorded; their
    default applied, so it is read from copier.yml.
    """
    recorded = yaml.load((project_dir / ANSWERS_FILE).read_text(), Loader=SafeLoader)  # noqa: S506
    questions = _copier_yml()
    answers = dict(recorded)
    for key in questions:
        if key in project.ANSWER_KEYS and key not in answers:
            default = questions[key]["default"]
            computed = "{" in str(default)
            answers[key] = decisions.computed_default(key, answers) if computed else default
    return recorded, project.for_answers(answers)


def offered_values(question: Mapping[str, Any]) -> list[Any]:
    """The values a copier.yml question offers (plain or ``{value, validator}`` choices)."""
    choices = question["choices"]
    items = choices.values() if isinstance(choices, dict) else choices
    return [item["value"] if isinstance(item, dict) else item for item in items]


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

# The enumeration itself lives in tests/combinations.py; these names keep
# the tiers' imports short.
combo_id = combinations.row_id


def refused(answers: Mapping[str, Any]) -> list[str]:
    """The refusals a combination meets (derived and unasked answers get their defaults)."""
    return combinations.refusals(answers)


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
        "metrics": False,
        "docker": True,
        "ci": "github",
        **overrides,
    }


# --------------------------------------------------------------------------- template files

TEMPLATE_ROOT = REPO_ROOT / "template"
_PART_FILE = re.compile(r"^\{\{ project\.path\.(\w+) \}\}(\.jinja)?$")


def template_parts(*folders: Path) -> set[str]:
    """The layout parts that files named ``{{ project.path.<part> }}`` below ``folders`` render."""
    return {
        match[1]
        for folder in folders
        for path in folder.rglob("*")
        if (match := _PART_FILE.search(path.name))
    }


def requirement_names(names: Iterable[str], table: Mapping[str, str]) -> set[str]:
    """The distribution names behind ``versions`` keys."""
    return {Requirement(table[name]).name for name in names}


def bound(requirement: str, operator: str) -> str:
    """A requirement's one lower (``">="``) or upper (``"<"``) bound, as written."""
    (version,) = (s.version for s in Requirement(requirement).specifier if s.operator == operator)
    return version
