"""Render tier: every valid combination renders and passes the static checks.

Each combination is rendered in-process and checked by one test, which
collects every problem it finds (so one run shows all of them): ruff check
and ruff format --check under the project's own configuration, byte-compiling
with the project's Python, template leftovers, YAML and TOML syntax, CR bytes,
empty files, leaked template internals, the answers file, the layout map (every
part extensions/layout.py places exists), the pyproject quality bar, a few
repository conventions of GUIDE section 3, hadolint, ``docker-compose config``,
the CI schemas and zizmor.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from extensions import decisions
from tests.support import (
    ANSWERS_FILE,
    FOLDED_AXES,
    PROJECT_NAME,
    TEMPLATE_TAG,
    TREE_AXES,
    Outcome,
    clean_env,
    combo_id,
    interpreter,
    read_facts,
    refused,
    render,
    render_combinations,
    run,
    template_internals,
    tool,
)

pytestmark = pytest.mark.render

COMBINATIONS = render_combinations()
# 5 layouts (small; medium and large, each by layer or by feature)
# x 2 concurrency x 2 database x 2 task_queue x 3 workload.
# Update this number when an axis gains a value: it must never shrink silently.
EXPECTED_COMBINATIONS = 120

# Rule codes GUIDE section 3 requires in every generated project.
REQUIRED_RUFF_RULES = {"E", "W", "F", "I", "B", "UP", "S", "SIM", "RUF", "ASYNC", "PT"}
# A file that is empty by specification (PEP 561).
MAY_BE_EMPTY = {"py.typed"}
LEFTOVER = re.compile(r"\{\{|\{%|\{#")
DOCKER_BUILD = re.compile(
    r"docker[ -]compose\b.*\bbuild\b|docker (buildx )?build\b|build-push-action"
)
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)


class _TolerantLoader(yaml.SafeLoader):
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
    print(f"render tier: {len(COMBINATIONS)} combinations")
    assert len(COMBINATIONS) == EXPECTED_COMBINATIONS


def test_combinations_cover_every_value() -> None:
    ids = [combo_id(c) for c in COMBINATIONS]
    assert len(set(ids)) == len(ids)
    for axis in TREE_AXES:
        for value in decisions.CHOICES[axis]:
            assert any(c.get(axis) == value for c in COMBINATIONS), (axis, value)
    # Every folded value meets every project size and both database answers.
    for axis, values in FOLDED_AXES.items():
        for value in values:
            for size in decisions.CHOICES["project_size"]:
                for database in decisions.CHOICES["database"]:
                    assert any(
                        c[axis] == value and c["project_size"] == size and c["database"] == database
                        for c in COMBINATIONS
                    ), (axis, value, size, database)


def test_small_projects_are_not_asked_for_an_organisation() -> None:
    for combo in COMBINATIONS:
        assert ("code_organization" in combo) == (combo["project_size"] != "small")


# ----------------------------------------------------------------- checks


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
        scanned = text
        if rel.startswith(".github/"):  # GitHub's own ${{ ... }} expressions are meant to stay
            scanned = GITHUB_EXPRESSION.sub(lambda m: "\n" * m.group().count("\n"), text)
        leftovers = [n for n, line in enumerate(scanned.splitlines(), 1) if LEFTOVER.search(line)]
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


def check_compiles(project_dir: Path, files: Sequence[Path], python_version: str) -> list[str]:
    """Byte-compile every module with the interpreter the project targets (warnings fatal).

    The bytecode goes to a throw-away prefix, not into the project.
    """
    modules = [_rel(project_dir, p) for p in files if p.suffix == ".py"]
    if not modules:
        return ["no Python module was rendered"]
    python = interpreter(python_version)
    with tempfile.TemporaryDirectory(prefix="pycache-") as prefix:
        outcome = run(
            [python, "-W", "error", "-m", "compileall", "-q", "-f", *modules],
            cwd=project_dir,
            env={**os.environ, "PYTHONPYCACHEPREFIX": prefix},
        )
    return [] if outcome.ok else [f"byte-compiling failed:\n{outcome.report()}"]


def check_answers(
    recorded: Mapping[str, Any], given: Mapping[str, Any], template: Path
) -> list[str]:
    problems = []
    if recorded.get("_commit") != TEMPLATE_TAG:
        problems.append(f"{ANSWERS_FILE}: _commit is {recorded.get('_commit')!r}")
    if recorded.get("_src_path") != str(template):
        problems.append(f"{ANSWERS_FILE}: _src_path is {recorded.get('_src_path')!r}")
    for key, value in given.items():
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
    return problems


def check_ruff(project_dir: Path) -> list[str]:
    """Lint and format check under the project's own pyproject.toml (cwd = project)."""
    ruff = tool("ruff")
    problems = []
    for cmd in (
        [ruff, "check", "--no-cache", "--output-format=concise", "."],
        [ruff, "format", "--check", "--no-cache", "."],
    ):
        outcome = run(cmd, cwd=project_dir)
        if not outcome.ok:
            problems.append(outcome.report())
    return problems


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
        outcome = run([tool("hadolint"), "--no-color", "Dockerfile"], cwd=project_dir, timeout=120)
        if not outcome.ok:
            problems.append(outcome.report())
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
    if (project_dir / "compose.yaml").is_file():
        try:
            services = yaml.safe_load((project_dir / "compose.yaml").read_text())["services"]
        except (yaml.YAMLError, KeyError, TypeError):
            services = {}
            problems.append("compose.yaml: no services")
        for name, service in services.items():
            depends = service.get("depends_on", {})
            if isinstance(depends, list) or any(
                "condition" not in (spec or {}) for spec in depends.values()
            ):
                problems.append(f"compose.yaml: {name}'s depends_on must name a condition")
        outcome = run(
            [tool("docker-compose"), "config", "-q"], cwd=project_dir, env=clean_env(), timeout=120
        )
        if not outcome.ok:
            problems.append(outcome.report())
    return problems


# Identical files give identical results: schema checks are remembered by content.
_SCHEMA_RESULTS: dict[tuple[str, str], Outcome] = {}


def check_schema(project_dir: Path, schema: str, files: Sequence[Path]) -> list[str]:
    digest = hashlib.sha256()
    for path in files:
        digest.update(_rel(project_dir, path).encode() + b"\0" + path.read_bytes() + b"\0")
    key = (schema, digest.hexdigest())
    if key not in _SCHEMA_RESULTS:
        cmd = [tool("check-jsonschema"), "--builtin-schema", schema]
        cmd += [_rel(project_dir, path) for path in files]
        _SCHEMA_RESULTS[key] = run(cmd, cwd=project_dir, timeout=180)
    outcome = _SCHEMA_RESULTS[key]
    return [] if outcome.ok else [outcome.report()]


def check_zizmor(project_dir: Path) -> list[str]:
    """zizmor's offline audits: no finding of high severity."""
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
    if ci == "github":
        if not workflows:
            return [*problems, "no workflow under .github/workflows with ci=github"]
        problems += check_schema(project_dir, "vendor.github-workflows", workflows)
        problems += check_zizmor(project_dir)
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
        *check_ruff(project_dir),
        *check_docker(project_dir, answers),
        *check_ci(project_dir, answers),
    ]


def assert_clean(name: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(
            f"{name}: {len(problems)} problem(s)\n\n" + "\n\n".join(problems), pytrace=False
        )


# ----------------------------------------------------------------- the tests


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_combination(template_repo: Path, tmp_path: Path, answers: dict[str, Any]) -> None:
    given = {"project_name": PROJECT_NAME, **answers}
    project_dir = render(template_repo, tmp_path / "project", given)
    assert_clean(combo_id(answers), check_project(project_dir, given, template_repo))


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
