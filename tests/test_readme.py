"""The README's commands work as written."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from extensions import versions
from tests.support import DEFAULT_SERVICE_URLS, clean_env, run, tool

README = Path(__file__).resolve().parent.parent / "README.md"


def bash_commands() -> list[str]:
    """Every command in the README's bash blocks, with continuation lines joined."""
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), re.DOTALL)
    lines = (block.replace("\\\n", " ").splitlines() for block in blocks)
    return [command.strip() for block_lines in lines for command in block_lines]


def test_readme_names_the_two_commands() -> None:
    commands = bash_commands()

    assert "uv run pytest" in commands
    render = "uvx --with copier-template-extensions copier copy --trust"
    assert any(command.startswith(f'{render} "$PWD"') for command in commands)


def test_scripted_render_command_works_as_written(template_repo: Path, tmp_path: Path) -> None:
    command = next(c for c in bash_commands() if "--defaults" in c and c.startswith("uvx"))
    argv = shlex.split(command)
    workdir = tmp_path / "clone"
    shutil.copytree(template_repo, workdir)
    uvx = shutil.which("uvx")
    assert uvx is not None, "uvx (installed with uv) must be on PATH"

    env = {**clean_env(), "PATH": f"{Path(uvx).parent}:{clean_env()['PATH']}"}
    # Through a shell, as a person pastes it ("$PWD" expands to the clone).
    outcome = run(["bash", "-c", command], cwd=workdir, env=env)

    assert outcome.ok, outcome.report()
    destination = (workdir / argv[-1]).resolve()
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Acme Orders"
    assert (destination / "src" / "acme_orders" / "main.py").is_file()
    # The recorded template path is one `copier update` finds from inside the project.
    assert Path(answers["_src_path"]) == workdir
    for git in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "Generated"]):
        assert run(["git", *git], cwd=destination, env=env).ok
    update = [uvx, "--with", "copier-template-extensions", "copier", "update", "--trust"]
    updated = run([*update, "--defaults"], cwd=destination, env=env)
    assert updated.ok, updated.report()


def test_the_template_repository_itself_is_lint_clean() -> None:
    root = README.parent
    ruff = tool("ruff")

    for argv in ([ruff, "check", "."], [ruff, "format", "--check", "."]):
        outcome = run(argv, cwd=root)
        assert outcome.ok, outcome.report()


def test_adoption_commands_work_as_written(template_repo: Path, tmp_path: Path) -> None:
    """The README's adoption path on a repository that already holds a project."""
    existing = tmp_path / "ours"
    existing.mkdir()
    (existing / "README.md").write_text("# Our service\n")
    for argv in (
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "ours"],
    ):
        assert run(argv, cwd=existing).ok
    block = README.read_text().split("**Adopting an existing repository.**", 1)[1]
    commands = re.findall(r"```bash\n(.*?)```", block, re.DOTALL)[0].splitlines()
    uvx = shutil.which("uvx")
    assert uvx is not None, "uvx (installed with uv) must be on PATH"

    for line in commands:
        command = line.split("  #", 1)[0].strip()
        argv = shlex.split(command.replace("path/to/copier-python-patterns", str(template_repo)))
        if argv[0] == "uvx":
            # Answer the questions on stdin's behalf; everything else runs as written.
            argv = [uvx, *argv[1:], "--defaults", "-d", "project_name=Our Service"]
        outcome = run(argv, cwd=existing, env=clean_env())
        assert outcome.ok, outcome.report()

    assert (existing / "pyproject.toml").is_file()
    assert run(["git", "restore", "README.md"], cwd=existing).ok
    assert (existing / "README.md").read_text() == "# Our service\n"


def test_the_services_compose_file_serves_the_suites_default_addresses() -> None:
    """`docker compose up` at the root starts what the tiers reach by default."""
    root = README.parent
    outcome = run([tool("docker-compose"), "config", "--format", "json"], cwd=root, env=clean_env())
    assert outcome.ok, outcome.report()
    services = json.loads(outcome.stdout)["services"]
    published = {
        (port["host_ip"], int(port["published"])): name
        for name, service in services.items()
        for port in service.get("ports", [])
    }
    for variable, url in DEFAULT_SERVICE_URLS.items():
        address = urlsplit(url)
        name = published.get((address.hostname, address.port))
        assert name, f"{variable}'s default {url} is not published by compose.yaml"
        assert "healthcheck" in services[name], name
    postgres = urlsplit(DEFAULT_SERVICE_URLS["TEMPLATE_POSTGRES_URL"])
    (postgres_service,) = (s for s in services.values() if s["image"].startswith("postgres:"))
    # The suite connects as `postgres` without a password.
    assert postgres.password is None
    assert postgres_service["environment"]["POSTGRES_HOST_AUTH_METHOD"] == "trust"
    # The same images the generated projects' compose files and CI run.
    images = {service["image"] for service in services.values()}
    assert images == {
        versions.TOOLS[key] for key in ("postgres-image", "redis-image", "rabbitmq-image")
    }
