"""Render tier: every valid combination renders and passes the static checks.

The combinations are tests/combinations.py's: every valid assignment of
the axes that change the rendered tree (the count is asserted below, per
framework). Each one is rendered in-process and checked by one test, which
collects every problem it finds (so one run shows all of them): ruff check
and ruff format --check under the project's own configuration, byte-compiling
with the project's Python, template leftovers, YAML and TOML syntax, CR bytes,
empty files, leaked template internals, the answers file, the layout map (every
part extensions/layout.py places exists), the pyproject quality bar, a few
repository conventions of GUIDE section 3, hadolint, ``docker-compose config``,
the CI schemas and zizmor.

Speed (the whole tier must stay well under ten minutes on two cores): the
template is cloned once per worker (``fast_render``, checked against a plain
render below), modules of the running interpreter's version are compiled
in-process, and every external tool's verdict is remembered by the content of
the files it reads, so identical Dockerfiles, compose files, workflows and
Python trees are checked once per worker. A remembered failure is reported by
every combination that renders the same content, so each failure still names
its combination.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import io
import json
import re
import sys
import tomllib
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from extensions import decisions, project
from tests import combinations
from tests.support import (
    ANSWERS_FILE,
    PROJECT_NAME,
    TEMPLATE_TAG,
    SafeLoader,
    clean_env,
    fast_render,
    interpreter,
    make_template_repo,
    read_facts,
    refused,
    render,
    run,
    template_internals,
    tool,
)
from tests.unit.test_combinations import EXPECTED_BY_FRAMEWORK

pytestmark = pytest.mark.render

COMBINATIONS = combinations.valid_combinations()
# The hand-derived counts (with their arithmetic) live beside the model's unit tests: a new
# axis value that the model or these counts do not know about fails there and here.
EXPECTED_COMBINATIONS = 1800

# Rule codes GUIDE section 3 requires in every generated project.
REQUIRED_RUFF_RULES = {"E", "W", "F", "I", "B", "UP", "S", "SIM", "RUF", "ASYNC", "PT"}
# A file that is empty by specification (PEP 561).
MAY_BE_EMPTY = {"py.typed"}
LEFTOVER = re.compile(r"\{\{|\{%|\{#")
DOCKER_BUILD = re.compile(
    r"docker[ -]compose\b.*\bbuild\b|docker (buildx )?build\b|build-push-action"
)
# A line of the generated docs that runs Copier (bare, or through uvx).
COPIER_COMMAND = re.compile(
    r"^`?((?:uvx \S.*?)?copier (?:copy|update|recopy|check-update)\b.*)$", re.MULTILINE
)
# The default of the jobs' namespace setting: pydantic-settings' field, or Django's setting.
JOBS_QUEUE_DEFAULT = re.compile(
    r"^\s*(?:jobs_queue: str = Field\(default=|"
    r'JOBS_QUEUE = os\.environ\.get\("JOBS_QUEUE"\) or )"([^"]*)"',
    re.MULTILINE,
)
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
# Django and Flask page templates are meant to hold {{ }} and {% %}: in them, a
# leftover is a tag or expression that reads one of Copier's names.
PAGE_TEMPLATE_SUFFIXES = {".html", ".jinja2", ".j2", ".txt"}
COPIER_NAMES = ("project", "_copier_conf", *project.ANSWER_KEYS)
COPIER_LEFTOVER = re.compile(
    r"\{[{%#][^}]*?(?<![.\w])(" + "|".join(map(re.escape, COPIER_NAMES)) + r")\b"
)


class _TolerantLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """A safe loader that accepts application tags such as GitLab's ``!reference``."""


def _construct_tagged(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("!", _construct_tagged)


# ----------------------------------------------------------------- the matrix itself


def test_combination_count() -> None:
    by_framework: dict[str, int] = {}
    for combo in COMBINATIONS:
        by_framework[combo["framework"]] = by_framework.get(combo["framework"], 0) + 1
    print(f"render tier: {len(COMBINATIONS)} valid combinations {by_framework}")
    assert by_framework == EXPECTED_BY_FRAMEWORK
    assert len(COMBINATIONS) == EXPECTED_COMBINATIONS == sum(EXPECTED_BY_FRAMEWORK.values())


def test_every_framework_and_value_is_rendered() -> None:
    ids = [combinations.row_id(c) for c in COMBINATIONS]
    assert len(set(ids)) == len(ids)
    assert set(EXPECTED_BY_FRAMEWORK) == set(decisions.CHOICES["framework"])
    for axis in (*combinations.TREE_AXES, *combinations.CYCLED_AXES):
        offered = set(combinations.axis_values(axis))
        if axis == "project_kind":
            # A kind that only changes defaults renders its framework's tree (the worker
            # kind is an API with Celery): its defaults are a project row instead.
            offered = {
                kind
                for kind in offered
                if kind in combinations.kinds_for({"framework": "django", "database": "sqlite"})
                or kind == combinations.project_kind_for(decisions.recommend_framework(kind))
            }
        assert {c[axis] for c in COMBINATIONS if axis in c} == offered, axis


def test_unasked_questions_are_left_out() -> None:
    for combo in COMBINATIONS:
        for axis in ("code_organization", "broker", "concurrency"):
            assert (axis in combo) == combinations.is_asked(axis, combo), (axis, combo)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("answers", combinations.covering_array(), ids=combinations.row_id)
def test_fast_render_is_render(
    template_repo: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    """The render tier's shortcuts write exactly what a plain Copier render writes.

    Checked on every row of the covering array: together they hold every pair
    of values, so every template file and path part is rendered both ways.
    """
    given = {"project_name": PROJECT_NAME, **answers}
    plain = _tree(render(template_repo, tmp_path / "plain", given))
    fast_render(template_repo, tmp_path / "warm", given)  # the second fast render reuses the clone
    fast = _tree(fast_render(template_repo, tmp_path / "fast", given))
    assert sorted(fast) == sorted(plain)
    assert [name for name in plain if fast[name] != plain[name]] == []


# ----------------------------------------------------------------- checks

# Verdicts of external tools, by the content of the files they read (per worker).
_VERDICTS: dict[tuple[str, ...], list[str]] = {}


def _digest(project_dir: Path, files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(_rel(project_dir, path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def remembered(
    key: tuple[str, ...], project_dir: Path, check: Callable[[], list[str]]
) -> list[str]:
    """``check()``'s problems, computed once per key; a repeat says where it first ran."""
    if key not in _VERDICTS:
        _VERDICTS[key] = [f"{problem}\n(first seen in {project_dir})" for problem in check()]
    return _VERDICTS[key]


def _rel(project_dir: Path, path: Path) -> str:
    return str(path.relative_to(project_dir))


def check_files(project_dir: Path, files: Sequence[Path]) -> list[str]:
    """CR bytes, empty files, encoding, leftovers, YAML, TOML, package docstrings."""
    problems = []
    for path in files:
        rel = _rel(project_dir, path)
        if LEFTOVER.search(rel):
            problems.append(f"{rel}: Jinja syntax left in the file name")
        data = path.read_bytes()
        if b"\r" in data:
            lines = [n for n, line in enumerate(data.split(b"\n"), 1) if b"\r" in line]
            problems.append(f"{rel}: CR bytes on line(s) {lines[:10]}")
        if not data.strip() and path.name not in MAY_BE_EMPTY:
            problems.append(f"{rel}: empty file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(f"{rel}: not UTF-8 ({error})")
            continue
        scanned, leftover = text, LEFTOVER
        if rel.startswith(".github/"):  # GitHub's own ${{ ... }} expressions are meant to stay
            scanned = GITHUB_EXPRESSION.sub(lambda m: "\n" * m.group().count("\n"), text)
        if "templates" in path.relative_to(project_dir).parts[:-1] and (
            path.suffix in PAGE_TEMPLATE_SUFFIXES
        ):
            leftover = COPIER_LEFTOVER
        leftovers = [n for n, line in enumerate(scanned.splitlines(), 1) if leftover.search(line)]
        if leftovers:
            problems.append(f"{rel}: Jinja syntax left on line(s) {leftovers[:10]}")
        if path.suffix in {".yml", ".yaml"}:
            try:
                list(yaml.load_all(text, Loader=_TolerantLoader))
            except yaml.YAMLError as error:
                problems.append(f"{rel}: invalid YAML: {error}")
        if path.suffix == ".toml":
            try:
                tomllib.loads(text)
            except tomllib.TOMLDecodeError as error:
                problems.append(f"{rel}: invalid TOML: {error}")
        if path.name == "__init__.py":
            try:
                docstring = ast.get_docstring(ast.parse(text))
            except SyntaxError:
                docstring = "(syntax error, reported by the compile check)"
            if not docstring:
                problems.append(f"{rel}: a package __init__.py needs a docstring")
    return problems


_COMPILE_SCRIPT = """
import json, sys, warnings
warnings.simplefilter("error")
errors = {}
for name in sys.argv[1:]:
    try:
        with open(name, "rb") as source:
            compile(source.read(), name, "exec", dont_inherit=True)
    except Exception as error:
        errors[name] = f"{type(error).__name__}: {error}"
print(json.dumps(errors))
"""
# (python version, sha256 of a module) -> "" when it compiles, else the error.
_COMPILED: dict[tuple[str, str], str] = {}


def _compile_here(path: Path) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except Exception as error:  # any failure is the finding
        return f"{type(error).__name__}: {error}"
    return ""


def check_compiles(project_dir: Path, files: Sequence[Path], python_version: str) -> list[str]:
    """Compile every module with the interpreter the project targets (warnings fatal).

    Modules are compiled once per content and version: in-process when the
    target is the running interpreter, else by that interpreter in one batch.
    Nothing is written (no bytecode lands in the project).
    """
    modules = [p for p in files if p.suffix == ".py"]
    if not modules:
        return ["no Python module was rendered"]
    keys = {p: (python_version, hashlib.sha256(p.read_bytes()).hexdigest()) for p in modules}
    todo = [p for p in modules if keys[p] not in _COMPILED]
    here = f"{sys.version_info.major}.{sys.version_info.minor}" == python_version
    if todo and here:
        for path in todo:
            _COMPILED[keys[path]] = _compile_here(path)
    elif todo:
        python = interpreter(python_version)
        outcome = run([python, "-c", _COMPILE_SCRIPT, *map(str, todo)], cwd=project_dir)
        if not outcome.ok:
            return [f"compiling with Python {python_version} failed:\n{outcome.report()}"]
        errors = json.loads(outcome.stdout)
        for path in todo:
            _COMPILED[keys[path]] = errors.get(str(path), "")
    return [
        f"{_rel(project_dir, p)}: Python {python_version} cannot compile it: {_COMPILED[keys[p]]}"
        for p in modules
        if _COMPILED[keys[p]]
    ]


def check_answers(
    recorded: Mapping[str, Any], given: Mapping[str, Any], template: Path
) -> list[str]:
    problems = []
    if recorded.get("_commit") != TEMPLATE_TAG:
        problems.append(f"{ANSWERS_FILE}: _commit is {recorded.get('_commit')!r}")
    if recorded.get("_src_path") != str(template):
        problems.append(f"{ANSWERS_FILE}: _src_path is {recorded.get('_src_path')!r}")
    for key, value in given.items():
        # The model's rows always hold a queue; without background work the question is
        # skipped, and Copier records no answer for it (its default, none, applies).
        if key == "task_queue" and value == "none" and key not in recorded:
            continue
        if recorded.get(key) != value:
            problems.append(f"{ANSWERS_FILE}: {key} is {recorded.get(key)!r}, answered {value!r}")
    return problems


def check_layout(project_dir: Path, facts: Any) -> list[str]:
    """Every part the layout map places, and every package ``__init__``, exists."""
    problems = []
    for part, path in sorted(facts.path.items()):
        if path and not (project_dir / path).is_file():
            problems.append(f"layout part {part!r} should be at {path}, which was not rendered")
    for init in facts.layout.packages:
        if not (project_dir / init["path"]).is_file():
            problems.append(f"package file {init['path']} was not rendered")
    return problems


def check_pyproject(project_dir: Path, answers: Mapping[str, Any], facts: Any) -> list[str]:
    """The quality bar a generated pyproject.toml promises (GUIDE section 3)."""
    path = project_dir / "pyproject.toml"
    if not path.is_file():
        return ["pyproject.toml was not rendered"]
    try:
        config = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError:
        return []  # reported by check_files
    problems = []
    version = answers["python_version"]

    def expect(what: str, actual: Any, wanted: Any) -> None:
        if actual != wanted:
            problems.append(f"pyproject.toml: {what} is {actual!r}, expected {wanted!r}")

    project_table = config.get("project", {})
    tool_table = config.get("tool", {})
    expect("project.requires-python", project_table.get("requires-python"), f">={version}")
    expect(
        "tool.ruff.target-version",
        tool_table.get("ruff", {}).get("target-version"),
        f"py{version.replace('.', '')}",
    )
    expect(
        "project.dependencies",
        sorted(project_table.get("dependencies", [])),
        sorted(facts.dependencies),
    )
    expect(
        "dependency-groups.dev",
        sorted(config.get("dependency-groups", {}).get("dev", [])),
        sorted(facts.dev_dependencies),
    )
    selected = set(tool_table.get("ruff", {}).get("lint", {}).get("select", []))
    if missing := REQUIRED_RUFF_RULES - selected:
        problems.append(f"pyproject.toml: ruff rules {sorted(missing)} are not selected")
    expect("tool.mypy.strict", tool_table.get("mypy", {}).get("strict"), True)
    fail_under = tool_table.get("coverage", {}).get("report", {}).get("fail_under", 0)
    if fail_under < 90:
        problems.append(f"pyproject.toml: coverage fail_under is {fail_under}, below 90")
    return problems


# Files GUIDE section 3 requires in every generated project.
REQUIRED_FILES = (
    ".python-version",
    "README.md",
    "docs/decisions.md",
    "pyproject.toml",
    "Makefile",
    ".env.example",
    ".gitignore",
    ".gitattributes",
    ".editorconfig",
    ".pre-commit-config.yaml",
)


def check_contract(project_dir: Path, answers: Mapping[str, Any], facts: Any) -> list[str]:
    """The repository conventions GUIDE section 3 promises (cheap text checks)."""
    problems = [
        f"{name} was not rendered" for name in REQUIRED_FILES if not (project_dir / name).is_file()
    ]

    def text(name: str) -> str:
        path = project_dir / name
        return path.read_text(errors="replace") if path.is_file() else ""

    if "* text=auto eol=lf" not in text(".gitattributes").splitlines():
        problems.append(".gitattributes: no `* text=auto eol=lf` line")
    targets = set(re.findall(r"^([a-z][a-z-]*):", text("Makefile"), re.MULTILINE))
    wanted = {"check", "run", "test", "fmt"} | ({"migrate"} if facts.has_db else set())
    if missing := wanted - targets:
        problems.append(f"Makefile: no target(s) {sorted(missing)}")
    if "migrate" in targets and not facts.has_db:
        problems.append("Makefile: a migrate target without a database")
    pre_commit = text(".pre-commit-config.yaml")
    for needle in ("check-merge-conflict", "--assume-in-merge", ".rej", "ruff"):
        if needle not in pre_commit:
            problems.append(f".pre-commit-config.yaml: nothing mentions {needle!r}")
    # uv sync, make check, CI and the Docker image use the interpreter the answers chose.
    if text(".python-version") != f"{answers['python_version']}\n":
        problems.append(f".python-version is {text('.python-version')!r}")
    # Copier needs the template's extensions beside it: every command printed says so.
    for name in ("README.md", "docs/decisions.md"):
        for line in COPIER_COMMAND.findall(text(name)):
            if not line.startswith(project.COPIER_COMMAND):
                problems.append(f"{name}: `{line}` runs Copier without copier-template-extensions")
    problems += check_jobs_namespace(project_dir, answers, facts)
    return problems


def check_jobs_namespace(project_dir: Path, answers: Mapping[str, Any], facts: Any) -> list[str]:
    """The jobs' namespace (queue name, Redis key prefix) defaults to the project slug."""
    if facts.jobs is None:
        return []
    settings = project_dir / facts.path["settings"]
    text = settings.read_text() if settings.is_file() else ""
    defaults = JOBS_QUEUE_DEFAULT.findall(text)
    if defaults != [answers["project_slug"]]:
        return [f"{facts.path['settings']}: the jobs queue defaults to {defaults}, not the slug"]
    return []


# An environment variable's name as the settings and the tests read it.
ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
# Django's own: which settings module to load (ENVIRONMENT picks it unless this is set).
UNDOCUMENTED = {"DJANGO_SETTINGS_MODULE"}
Call = tuple[str, str]


@functools.cache
def environment_reads(source: str) -> tuple[frozenset[str], frozenset[str], frozenset[Call]]:
    """What one module says about the environment (cached by its text: most modules are
    the same in many combinations):

    - the functions it defines that read the variable named by their first parameter,
      ``name`` (Django settings' ``env_int``, ``env_bool`` ...);
    - the variables it reads itself: the fields of a pydantic ``BaseSettings`` class, and
      the names passed to ``os.environ.get``/``os.getenv``/``os.environ[...]``;
    - (function, name) of its other calls with a variable's name first, which read the
      environment if the function is one of the above (it may be imported).
    """
    tree = ast.parse(source)
    readers = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and [arg.arg for arg in node.args.args[:1]] == ["name"]
    }
    found: set[str] = set()
    calls: set[Call] = set()
    environ = {"os.environ.get", "os.getenv", "os.environ.setdefault"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and "BaseSettings" in map(ast.unparse, node.bases):
            found |= {
                stmt.target.id.upper()
                for stmt in node.body
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            }
        called, key = "", None
        if isinstance(node, ast.Call) and node.args:
            called, key = ast.unparse(node.func), node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            called, key = "os.environ.get", node.slice
        if isinstance(key, ast.Constant) and ENV_NAME.fullmatch(str(key.value)):
            if called in environ:
                found.add(str(key.value))
            else:
                calls.add((called, str(key.value)))
    return frozenset(readers), frozenset(found), frozenset(calls)


def check_settings(project_dir: Path, files: Sequence[Path]) -> list[str]:
    """The settings the code reads from the environment are the ones .env.example and the
    README's table document, no more, no fewer."""
    modules = [environment_reads(path.read_text()) for path in files if path.suffix == ".py"]
    readers = set().union(*(defined for defined, _, _ in modules))
    read = set().union(*(names for _, names, _ in modules))
    read |= {name for _, _, calls in modules for called, name in calls if called in readers}
    read -= UNDOCUMENTED | {"MODEL_CONFIG"}  # pydantic's configuration, not a field
    example = set(
        re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", _text(project_dir / ".env.example"), re.M)
    )
    readme = _text(project_dir / "README.md")
    table = readme.partition("| Variable | Default | Meaning |")[2].partition("\n\n")[0]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, re.MULTILINE))
    problems = []
    if example != documented:
        problems.append(
            f".env.example and the README's settings table differ: only in .env.example "
            f"{sorted(example - documented)}, only in the README {sorted(documented - example)}"
        )
    if read - example:
        problems.append(f"settings read but not in .env.example: {sorted(read - example)}")
    if example - read:
        problems.append(f".env.example names settings nothing reads: {sorted(example - read)}")
    return problems


def _text(path: Path) -> str:
    return path.read_text() if path.is_file() else ""


def check_ruff(project_dir: Path, files: Sequence[Path]) -> list[str]:
    """Lint and format check under the project's own pyproject.toml (cwd = project)."""
    inputs = [p for p in files if p.suffix in {".py", ".pyi", ".toml"}]

    def ruff() -> list[str]:
        problems = []
        for cmd in (
            [tool("ruff"), "check", "--no-cache", "--output-format=concise", "."],
            [tool("ruff"), "format", "--check", "--no-cache", "."],
        ):
            outcome = run(cmd, cwd=project_dir)
            if not outcome.ok:
                problems.append(outcome.report())
        return problems

    return remembered(("ruff", _digest(project_dir, inputs)), project_dir, ruff)


def check_docker(project_dir: Path, answers: Mapping[str, Any]) -> list[str]:
    files = ("Dockerfile", "compose.yaml", ".dockerignore")
    if not answers["docker"]:
        return [
            f"{name} rendered with docker=false" for name in files if (project_dir / name).exists()
        ]
    problems = [
        f"{name} missing with docker=true" for name in files if not (project_dir / name).is_file()
    ]
    dockerfile = project_dir / "Dockerfile"
    if dockerfile.is_file():

        def hadolint() -> list[str]:
            cmd = [tool("hadolint"), "--no-color", "Dockerfile"]
            outcome = run(cmd, cwd=project_dir, timeout=120)
            return [] if outcome.ok else [outcome.report()]

        inputs = [dockerfile, project_dir / ".hadolint.yaml"]
        problems += remembered(("hadolint", _digest(project_dir, inputs)), project_dir, hadolint)
        words = [line.split() for line in dockerfile.read_text().splitlines()]
        users = [w[1] for w in words if w[:1] == ["USER"] and len(w) > 1]
        if not users or users[-1].split(":")[0] in {"root", "0"}:
            problems.append(f"Dockerfile: the last USER is {users[-1:]}, not a non-root user")
        if not any(w[:1] == ["HEALTHCHECK"] for w in words):
            problems.append("Dockerfile: no HEALTHCHECK")
        base = f"python:{answers['python_version']}-"
        if not any(
            line.split()[:1] == ["FROM"] and base in line
            for line in dockerfile.read_text().splitlines()
        ):
            problems.append(f"Dockerfile: no FROM line uses the {base}* base image")
        if not re.search(r"^COPY .*\.python-version", dockerfile.read_text(), re.MULTILINE):
            problems.append("Dockerfile: .python-version is not copied before `uv sync`")
    if (project_dir / "compose.yaml").is_file():
        try:
            compose = (project_dir / "compose.yaml").read_text()
            services = yaml.load(compose, Loader=SafeLoader)["services"]  # noqa: S506
        except (yaml.YAMLError, KeyError, TypeError):
            services = {}
            problems.append("compose.yaml: no services")
        for name, service in services.items():
            depends = service.get("depends_on", {})
            if isinstance(depends, list) or any(
                "condition" not in (spec or {}) for spec in depends.values()
            ):
                problems.append(f"compose.yaml: {name}'s depends_on must name a condition")
        # Workers and schedulers use Redis and the broker, never the database.
        for name in ("worker", "scheduler"):
            needless = set(services.get(name, {}).get("depends_on", {})) - {"redis", "rabbitmq"}
            if needless:
                problems.append(f"compose.yaml: the {name} waits for {sorted(needless)}")

        def compose_config() -> list[str]:
            cmd = [tool("docker-compose"), "config", "-q"]
            outcome = run(cmd, cwd=project_dir, env=clean_env(), timeout=120)
            return [] if outcome.ok else [outcome.report()]

        # compose reads compose.yaml, the env files it names and checks build contexts.
        inputs = [
            project_dir / "compose.yaml",
            *sorted(project_dir.glob(".env*")),
            *sorted(p for p in project_dir.iterdir() if p.is_dir()),
        ]
        key = ("compose", _digest(project_dir, inputs))
        problems += remembered(key, project_dir, compose_config)
    return problems


# The dev container specification's schema of devcontainer.json (see tests/schemas/README.md).
DEVCONTAINER_SCHEMA = Path(__file__).parent / "schemas" / "devContainer.base.schema.json"


def check_devcontainer(project_dir: Path, answers: Mapping[str, Any]) -> list[str]:
    """The dev container, rendered with Docker only: devcontainer.json valid against the
    specification's schema; it starts its own service and the servers of compose.yaml, never
    a service that builds the application's image; it mounts the project where it opens it;
    and compose accepts its files merged. Both tools' verdicts are remembered (see the keys),
    so they run once per variant of the dev container, not once per combination."""
    folder = project_dir / ".devcontainer"
    if not answers["docker"]:
        return [".devcontainer rendered with docker=false"] if folder.exists() else []
    config_file = folder / "devcontainer.json"
    if not config_file.is_file():
        return [".devcontainer/devcontainer.json missing with docker=true"]

    def check_schema() -> list[str]:
        return check_jsonschema("--schemafile", DEVCONTAINER_SCHEMA, config_file)

    key = ("devcontainer-schema", _digest(project_dir, [config_file]))
    problems = list(remembered(key, project_dir, check_schema))  # a copy: appended to
    try:
        config = json.loads(config_file.read_text())
        named = config["dockerComposeFile"]
        compose_files = [folder / name for name in ([named] if isinstance(named, str) else named)]
        services: dict[str, Any] = {}
        for path in compose_files:  # a later file's service merges over an earlier one's
            for name, service in (_yaml(path) or {}).get("services", {}).items():
                services[name] = {**services.get(name, {}), **service}
    except (OSError, KeyError, TypeError, json.JSONDecodeError, yaml.YAMLError) as error:
        return [*problems, f".devcontainer: the configuration or its compose files: {error!r}"]
    primary = config.get("service")
    servers = {name for name, service in services.items() if "build" not in service}
    run_services = config.get("runServices", [])
    if primary not in run_services or set(run_services) != servers:
        problems.append(
            f".devcontainer/devcontainer.json: runServices is {run_services}, expected "
            f"{primary!r} and every server that builds no image: {sorted(servers)}"
        )
    mounts = [str(v).split(":")[:2] for v in services.get(primary, {}).get("volumes", [])]
    if [".", config.get("workspaceFolder")] not in mounts:
        problems.append(
            f".devcontainer: the {primary!r} service does not mount the project at the "
            f"workspaceFolder {config.get('workspaceFolder')!r}: {mounts}"
        )

    def compose_config() -> list[str]:
        files = [arg for path in compose_files for arg in ("-f", str(path.resolve()))]
        cmd = [tool("docker-compose"), *files, "config", "-q"]
        outcome = run(cmd, cwd=project_dir, env=clean_env(), timeout=120)
        return [] if outcome.ok else [outcome.report()]

    # check_docker runs `config` on the project's compose.yaml alone; merged, only the dev
    # container's own compose file can break it, through its content, the ${...} values in .env
    # and the services it names. So the verdict is remembered by those (a few variants), not
    # by compose.yaml's commands, which differ in almost every combination.
    own = [path for path in compose_files if path.resolve().parent == folder.resolve()]
    key = (
        "devcontainer-compose",
        _digest(project_dir, [*own, project_dir / ".env"]),
        *sorted(services),
    )
    return problems + remembered(key, project_dir, compose_config)


def check_jsonschema(*args: str | Path) -> list[str]:
    """check-jsonschema's command line, run in this process: the same validation, without a
    second's interpreter start and imports for each of the hundreds of files it checks."""
    from check_jsonschema.cli.main_command import main  # on first use: a second to import

    argv = [str(arg) for arg in args]
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            status = main.main(args=argv, prog_name="check-jsonschema", standalone_mode=False)
    except Exception as error:  # a usage error: the finding, as the command would print it
        return [f"$ check-jsonschema {' '.join(argv)}\n{error!r}\n{said.getvalue()}"]
    if status != 0:
        return [f"$ check-jsonschema {' '.join(argv)}\nexit {status}\n{said.getvalue()}"]
    return []


def check_schema(project_dir: Path, schema: str, files: Sequence[Path]) -> list[str]:
    def check() -> list[str]:
        return check_jsonschema("--builtin-schema", schema, *files)

    key = ("schema", schema, _digest(project_dir, files))
    return remembered(key, project_dir, check)


def check_zizmor(project_dir: Path, workflows: Sequence[Path]) -> list[str]:
    """zizmor's offline audits: no finding of high severity (remembered by content)."""
    key = ("zizmor", _digest(project_dir, workflows))
    return remembered(key, project_dir, lambda: zizmor_findings(project_dir))


def zizmor_findings(project_dir: Path) -> list[str]:
    """Run zizmor offline on ``.github/workflows`` under ``project_dir``."""
    cmd = [
        tool("zizmor"),
        "--offline",
        "--format",
        "json",
        "--strict-collection",
        ".github/workflows",
    ]
    outcome = run(cmd, cwd=project_dir, timeout=120)
    # 0: no findings; 10-14: findings (their highest severity); anything else: an error.
    if outcome.returncode not in {0, 10, 11, 12, 13, 14}:
        return [f"zizmor failed:\n{outcome.report()}"]
    try:
        findings = json.loads(outcome.stdout or "[]")
    except json.JSONDecodeError:
        return [f"zizmor printed no JSON:\n{outcome.report()}"]
    high = [
        f"  {finding['ident']}: {finding['desc']} at "
        + ", ".join(
            f"{loc['symbolic']['key']['Local']['verbatim_path']}:"
            f"{loc['concrete']['location']['start_point']['row'] + 1}"
            for loc in finding["locations"]
            if loc["symbolic"].get("kind") == "Primary"
        )
        for finding in findings
        if finding["determinations"]["severity"] == "High" and not finding.get("ignored")
    ]
    return [f"zizmor: {len(high)} high-severity finding(s)\n" + "\n".join(high)] if high else []


def check_ci(project_dir: Path, answers: Mapping[str, Any]) -> list[str]:
    ci = answers["ci"]
    workflows_dir = project_dir / ".github" / "workflows"
    workflows = sorted([*workflows_dir.glob("*.yml"), *workflows_dir.glob("*.yaml")])
    gitlab = project_dir / ".gitlab-ci.yml"
    problems = []
    if ci != "github" and workflows_dir.exists():
        problems.append(f".github/workflows rendered with ci={ci}")
    if ci != "gitlab" and gitlab.exists():
        problems.append(f".gitlab-ci.yml rendered with ci={ci}")
    version = answers["python_version"]
    configs = workflows if ci == "github" else [gitlab] if gitlab.is_file() else []
    if configs and not any(version in path.read_text() for path in configs):
        problems.append(f"CI configuration never mentions Python {version}")
    # GUIDE section 3: CI builds the image, when there is one.
    builds = any(DOCKER_BUILD.search(path.read_text()) for path in configs)
    if configs and builds != bool(answers["docker"]):
        problems.append(
            f"CI configuration {'builds' if builds else 'does not build'} an image "
            f"with docker={answers['docker']}"
        )
    # Renovate keeps the dependencies current on either CI host.
    renovate = project_dir / "renovate.json"
    if ci == "none" and renovate.exists():
        problems.append("renovate.json rendered with ci=none")
    if ci != "none":
        if renovate.is_file():
            problems += check_schema(project_dir, "vendor.renovate", [renovate])
        else:
            problems.append(f"renovate.json missing with ci={ci}")
    if ci == "github":
        if not workflows:
            return [*problems, "no workflow under .github/workflows with ci=github"]
        problems += check_schema(project_dir, "vendor.github-workflows", workflows)
        problems += check_zizmor(project_dir, workflows)
    if ci == "gitlab":
        if not gitlab.is_file():
            return [*problems, ".gitlab-ci.yml missing with ci=gitlab"]
        problems += check_schema(project_dir, "vendor.gitlab-ci", [gitlab])
    return problems


def check_project(project_dir: Path, given: Mapping[str, Any], template: Path) -> list[str]:
    """Every static check of the render tier, on one rendered project."""
    files = sorted(p for p in project_dir.rglob("*") if p.is_file())
    recorded, facts = read_facts(project_dir)
    answers = {**recorded, **given}
    return [
        *check_files(project_dir, files),
        *template_internals(project_dir),
        *check_answers(recorded, given, template),
        *check_layout(project_dir, facts),
        *check_pyproject(project_dir, answers, facts),
        *check_contract(project_dir, answers, facts),
        *check_compiles(project_dir, files, answers["python_version"]),
        *check_ruff(project_dir, files),
        *check_settings(project_dir, files),
        *check_docker(project_dir, answers),
        *check_devcontainer(project_dir, answers),
        *check_ci(project_dir, answers),
    ]


def assert_clean(name: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(
            f"{name}: {len(problems)} problem(s)\n\n" + "\n\n".join(problems), pytrace=False
        )


# ----------------------------------------------------------------- the tests


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combinations.row_id)
def test_combination(template_repo: Path, tmp_path: Path, answers: dict[str, Any]) -> None:
    given = {"project_name": PROJECT_NAME, **answers}
    project_dir = fast_render(template_repo, tmp_path / "project", given)
    assert_clean(combinations.row_id(answers), check_project(project_dir, given, template_repo))


def test_the_schema_check_finds_an_invalid_workflow(tmp_path: Path) -> None:
    valid = tmp_path / "valid.yml"
    valid.write_text(
        "on: push\njobs:\n  check:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make\n"
    )
    invalid = tmp_path / "invalid.yml"
    invalid.write_text("on: push\njobs:\n  check:\n    runs-on: 3\n")
    assert check_jsonschema("--builtin-schema", "vendor.github-workflows", valid) == []
    [found] = check_jsonschema("--builtin-schema", "vendor.github-workflows", invalid)
    assert "exit 1" in found
    assert "invalid.yml::$.jobs.check" in found
    [unknown] = check_jsonschema("--builtin-schema", "vendor.no-such-schema", valid)
    assert "no-such-schema" in unknown


FREE_TEXT = {
    "project_name": 'Zoë\'s "Order" Desk #1',
    "description": 'Takes "orders" for O\'Brien & Co. \\ 100% safe: costs $5 {per} order.',
    "author_name": "Zoë O'Brien",
    "author_email": "zoe.obrien+orders@example.co.uk",
}


def test_free_text_is_escaped(template_repo: Path, tmp_path: Path) -> None:
    """Quotes, backslashes and non-ASCII in free-text answers keep every file valid."""
    richest = {
        "framework": "fastapi",
        "project_size": "large",
        "code_organization": "by_feature",
        "concurrency": "async",
        "database": "sqlite",
        "task_queue": "background_tasks",
        "background_work": "fire_and_forget",
        "workload": "mixed",
        "docker": True,
        "ci": "github",
        "python_version": "3.13",
    }
    assert not refused(richest)
    given = {**richest, **FREE_TEXT}
    project_dir = render(template_repo, tmp_path / "project", given)
    problems = check_project(project_dir, given, template_repo)
    try:
        meta = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        problems.append(f"pyproject.toml unreadable: {error}")
    else:
        if meta.get("description") != FREE_TEXT["description"]:
            problems.append(f"pyproject.toml: description is {meta.get('description')!r}")
        if meta.get("authors") != [
            {"name": FREE_TEXT["author_name"], "email": FREE_TEXT["author_email"]}
        ]:
            problems.append(f"pyproject.toml: authors is {meta.get('authors')!r}")
    assert_clean("free text", problems)


PROBE_OPTION = '''"""A probe option for the render tier: a cache server beside the database."""

from typing import Any

from ..docs import EnvVar
from .slots import CiTarget, Feature, Health, Process, Service, Setting


def features(answers: Any) -> tuple[Feature, ...]:
    return (Feature("cache", ("routes",)),)


def folders(project: Any) -> dict[str, bool]:
    return {"cache": True}


def settings(project: Any) -> tuple[Setting, ...]:
    return (
        Setting(
            "CACHE_URL",
            "str",
            '"memcached://localhost:11211"',
            'os.environ.get("CACHE_URL") or "memcached://localhost:11211"',
            ("The probe's cache.",),
        ),
    )


def env_vars(project: Any) -> tuple[EnvVar, ...]:
    return (
        EnvVar(
            "CACHE_URL",
            "`memcached://localhost:11211`",
            "the probe's cache",
            "memcached://localhost:11211",
            False,
            ("The probe's cache.",),
        ),
    )


def dependencies(project: Any) -> tuple[str, ...]:
    return ("pymemcache",)


def ci_targets(project: Any) -> tuple[CiTarget, ...]:
    return (
        CiTarget(
            target="test-cache",
            help="Run the cache's tests",
            command="uv run pytest -m cache --no-cov",
            why="The probe's own check.",
            report="report-cache.xml",
        ),
    )


def processes(project: Any) -> tuple[Process, ...]:
    return (
        Process(
            name="warmer",
            comment="Fills the probe's cache.",
            command=("python", "-m", "warmer"),
            check=("python", "-m", "warmer", "--ping"),
        ),
    )


def services(project: Any) -> tuple[Service, ...]:
    return (
        Service(
            name="cache",
            server="Memcached",
            image="memcached:1.6-alpine",
            port=11211,
            volume="cachedata",
            data_dir="/var/cache/memcached",
            health=Health(
                command=("nc", "-z", "127.0.0.1", "11211"),
                ci_command="nc -z 127.0.0.1 11211",
                interval_seconds=5,
                timeout_seconds=5,
            ),
            ci_alias="memcached",
            app_setting="CACHE_URL",
            app_url="memcached://cache:11211",
            test_setting="TEST_CACHE_URL",
            test_url="memcached://{host}:11211",
            used_by=("web", "warmer"),
            comment="The probe's cache.",
        ),
    )
'''


# The probe's router, in a folder of its own (FastAPI, the default framework).
PROBE_ROUTES = '''"""The probe's cache: what it holds."""

from fastapi import APIRouter

router = APIRouter(prefix="/cache", tags=["cache"])


@router.get("/stats")
async def stats() -> dict[str, int]:
    """How many entries the cache holds."""
    return {"entries": 0}
'''


def _yaml(path: Path) -> Any:
    return yaml.load(path.read_text(), Loader=SafeLoader)  # noqa: S506


def add_probe_option(template: Path) -> None:
    """Add the probe's module, register it and pin its library: the only files a new
    option touches here."""
    versions = template / "extensions" / "versions.py"
    source = versions.read_text()
    anchor = "RUNTIME: dict[str, str] = {\n"
    assert anchor in source, "extensions/versions.py no longer opens RUNTIME this way"
    versions.write_text(source.replace(anchor, anchor + '    "pymemcache": "pymemcache>=4,<5",\n'))
    package = template / "extensions" / "options"
    (package / "probe.py").write_text(PROBE_OPTION)
    routes = template / "template" / "{{ project.on.cache }}" / "{{ project.path.cache_routes }}"
    routes.parent.mkdir()
    routes.write_text(PROBE_ROUTES)
    registry = package / "__init__.py"
    source = registry.read_text()
    for old, new in (
        (
            "from . import broker, database, metrics, task_queue, workload",
            "from . import broker, database, metrics, probe, task_queue, workload",
        ),
        (
            "(database, workload, task_queue, broker, metrics)",
            "(database, workload, task_queue, broker, metrics, probe)",
        ),
    ):
        assert old in source, f"extensions/options/__init__.py no longer has {old!r}"
        source = source.replace(old, new)
    registry.write_text(source)


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_a_probe_option_fills_the_slots_without_a_host_file_edit(tmp_path: Path, ci: str) -> None:
    """An option module alone adds a server to compose (with its volume, its healthcheck,
    the app's setting and the web's depends_on) and to CI (a service container and the
    tests' setting), a process beside the web server, a Makefile target CI runs, a
    dependency, a setting in the settings module, .env.example and the README's table, and
    a feature whose router the app includes (from a template folder of its own); every file
    still passes the render tier's checks."""
    template = make_template_repo(tmp_path / "template", edit=add_probe_option)
    given = {
        "project_name": PROJECT_NAME,
        "database": "postgresql",
        "ci": ci,
        "docker": True,
    }
    project_dir = render(template, tmp_path / "project", given)
    # The checks compare with the facts of this checkout, which has no probe: its
    # dependency is the one difference they may report, and it is checked here.
    problems = [
        problem
        for problem in check_project(project_dir, given, template)
        if not problem.startswith("pyproject.toml: project.dependencies is")
    ]
    _, facts = read_facts(project_dir)
    dependencies = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    if sorted(dependencies) != sorted([*facts.dependencies, "pymemcache>=4,<5"]):
        problems.append(f"pyproject.toml: the dependencies are {dependencies}")
    compose = _yaml(project_dir / "compose.yaml")
    cache = compose["services"].get("cache", {})
    if cache.get("healthcheck", {}).get("test") != ["CMD", "nc", "-z", "127.0.0.1", "11211"]:
        problems.append(f"compose.yaml: the probe's service is {cache}")
    if (
        cache.get("volumes") != ["cachedata:/var/cache/memcached"]
        or "cachedata" not in compose["volumes"]
    ):
        problems.append(f"compose.yaml: the probe's volume is missing: {compose['volumes']}")
    web = compose["services"]["web"]
    if web["environment"].get("CACHE_URL") != "memcached://cache:11211":
        problems.append(f"compose.yaml: the web's environment is {web['environment']}")
    if list(web["depends_on"]) != ["db", "cache", "migrate"]:
        problems.append(f"compose.yaml: the web waits for {list(web['depends_on'])}")
    if "cache" in compose["services"]["migrate"].get("depends_on", {}):
        problems.append("compose.yaml: the migrations wait for the probe's cache")
    warmer = compose["services"].get("warmer", {})
    if (warmer.get("command"), list(warmer.get("depends_on", {}))) != (
        ["python", "-m", "warmer"],
        ["cache"],
    ):
        problems.append(f"compose.yaml: the probe's process is {warmer}")
    env_example = (project_dir / ".env.example").read_text()
    readme = (project_dir / "README.md").read_text()
    if (
        "\nCACHE_URL=memcached://localhost:11211\n" not in env_example
        or "| `CACHE_URL` |" not in readme
    ):
        problems.append(".env.example or the README's settings table lacks CACHE_URL")
    makefile = (project_dir / "Makefile").read_text()
    if "\ntest-cache:" not in makefile or "uv run pytest -m cache --no-cov" not in makefile:
        problems.append("Makefile: no test-cache target")
    if ci == "github":
        job = _yaml(project_dir / ".github" / "workflows" / "ci.yml")["jobs"]["check"]
        found = (
            job["services"].get("memcached", {}).get("image"),
            job["env"].get("TEST_CACHE_URL"),
        )
        wanted = ("memcached:1.6-alpine", "memcached://localhost:11211")
        runs = [step.get("run") for step in job["steps"]]
        if runs[-1:] != ["make test-cache"]:
            problems.append(f"GitHub CI: the check job's last steps run {runs[-2:]}")
    else:
        job = _yaml(project_dir / ".gitlab-ci.yml")["check"]
        aliases = {service["alias"]: service["name"] for service in job["services"]}
        found = (aliases.get("memcached"), job["variables"].get("TEST_CACHE_URL"))
        wanted = ("memcached:1.6-alpine", "memcached://memcached:11211")
        if "PYTEST_ADDOPTS=--junitxml=report-cache.xml make test-cache" not in job["script"]:
            problems.append(f"GitLab CI: the check job's script is {job['script']}")
    if found != wanted:
        problems.append(f"{ci} CI: the probe's service and setting are {found}")
    main = (project_dir / facts.layout.path["main"]).read_text()
    module = facts.layout.module["main"].rpartition(".")[0]
    routes = project_dir / facts.layout.path["main"].rpartition("/")[0] / "routes" / "cache.py"
    if (
        not routes.is_file()
        or f"from {module}.routes.cache import router as cache_router" not in main
    ):
        problems.append(f"the probe's router is not in {routes} or not imported by main:\n{main}")
    if "app.include_router(cache_router)" not in main:
        problems.append("the app does not include the probe's router")
    assert_clean(f"probe option, ci={ci}", problems)
