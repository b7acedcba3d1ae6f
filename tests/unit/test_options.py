"""Options as modules: what each answer adds to the slots the host files loop over."""

from __future__ import annotations

import pkgutil
import re
from typing import Any

import pytest

from extensions import options, project, versions
from tests import combinations
from tests.support import REPO_ROOT, default_answers


def facts(**answers: Any) -> project.Project:
    full = default_answers(**answers)
    full["background_work"] = combinations.background_work_for(full)
    return project.for_answers(full)


def test_every_option_module_is_registered() -> None:
    """A module under extensions/options/ that OPTIONS leaves out would add nothing."""
    modules = {info.name for info in pkgutil.iter_modules(options.__path__)} - {"slots"}
    assert {option.__name__.rpartition(".")[2] for option in options.OPTIONS} == modules


def test_the_services_are_the_servers_the_answers_need() -> None:
    for answers in combinations.valid_combinations():
        expected = ["db"] if answers["database"] == "postgresql" else []
        if answers["task_queue"] in {"celery", "arq", "rq", "dramatiq"}:
            expected.append("redis")
            if answers.get("broker") == "rabbitmq":
                expected.append("rabbitmq")
        services = project.for_answers(default_answers(**answers)).services
        assert [service.name for service in services] == expected, answers


@pytest.mark.parametrize(
    ("process", "names"),
    [("web", ["db", "redis", "rabbitmq"]), ("migrate", ["db"]), ("worker", ["redis", "rabbitmq"])],
)
def test_each_process_waits_for_the_servers_it_uses(process: str, names: list[str]) -> None:
    full = facts(database="postgresql", task_queue="celery", broker="rabbitmq", concurrency="sync")
    assert [service.name for service in full.services_for(process)] == names


def test_the_urls_name_the_host_the_server_answers_at() -> None:
    full = facts(database="postgresql", task_queue="celery", broker="rabbitmq", concurrency="sync")
    for service in full.services:
        # Compose reaches a server by its service name; the tests by the host they are given.
        assert f"@{service.name}:" in service.app_url or f"//{service.name}:" in service.app_url
        assert f"{service.ci_alias}:{service.port}" in service.test_url_at(service.ci_alias)
        assert "{host}" not in service.test_url_at("localhost")
        assert service.app_setting == service.test_setting.removeprefix("TEST_")
    assert [(service.name, service.server) for service in full.services] == [
        ("db", "PostgreSQL"),
        ("redis", "Redis"),
        ("rabbitmq", "RabbitMQ"),
    ]


def test_the_servers_are_named_as_a_sentence_names_them() -> None:
    """AGENTS.md and the README's dev container section read ``server_names``."""
    assert facts(database="postgresql", task_queue="rq").server_names == "PostgreSQL and Redis"
    full = facts(database="postgresql", task_queue="celery", broker="rabbitmq", concurrency="sync")
    assert full.server_names == "PostgreSQL, Redis and RabbitMQ"
    assert facts(database="postgresql").server_names == "PostgreSQL"
    assert facts(database="sqlite").server_names == ""


@pytest.mark.parametrize(
    ("database", "volumes"),
    [("sqlite", (("data", "/app/data"),)), ("postgresql", ()), ("none", ())],
)
def test_only_sqlite_keeps_the_apps_own_data(database: str, volumes: tuple[Any, ...]) -> None:
    assert facts(database=database).app_volumes == volumes


def test_a_module_adds_only_to_the_slots_it_defines(monkeypatch: pytest.MonkeyPatch) -> None:
    class Probe:
        __name__ = "extensions.options.probe"

        @staticmethod
        def app_volumes(_project: Any) -> tuple[tuple[str, str], ...]:
            return (("probe", "/probe"),)

    monkeypatch.setattr(options, "OPTIONS", (*options.OPTIONS, Probe))
    full = facts(database="none")
    assert options.app_volumes(full) == (("probe", "/probe"),)
    assert options.services(full) == ()


def test_an_option_names_the_template_folders_it_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """``project.on`` holds the options' folders beside the framework's; a name two options
    (or an option and the framework) give is refused, never silently overwritten."""
    on = facts(database="postgresql", task_queue="dramatiq", broker="rabbitmq").on
    rendered = {name for name, value in on.items() if value == project.ON}
    assert {"database", "postgresql", "sqlalchemy", "alembic", "jobs", "dramatiq"} <= rendered
    assert {"sqlite", "celery", "arq", "rq", "background_tasks"}.isdisjoint(rendered)
    assert "rabbitmq" in rendered
    django = facts(framework="django", database="sqlite").on
    assert (django["sqlite"], django["sqlalchemy"], django["alembic"]) == (
        project.ON,
        project.OFF,
        project.OFF,
    )

    class Twice:
        __name__ = "extensions.options.twice"

        @staticmethod
        def folders(_project: Any) -> dict[str, bool]:
            return {"jobs": True}

    monkeypatch.setattr(options, "OPTIONS", (*options.OPTIONS, Twice))
    project._build.cache_clear()  # an earlier test may have built these facts already
    with pytest.raises(ValueError, match="jobs"):
        facts(database="sqlite", background_work="none")


def test_the_options_add_the_example_features_in_each_frameworks_layers() -> None:
    """Items (the database), compute (the workload), the jobs or notifications (the task
    queue): the layout places each feature the options add after health."""
    fastapi = facts(database="sqlite", workload="cpu_bound", task_queue="rq")
    assert fastapi.features == ("health", "items", "compute", "jobs")
    jobs = options.features(fastapi.answers)[-1]
    assert jobs.layers == ("routes", "service", "repository", "schemas", "tasks", "queue")
    django = default_answers(framework="django", project_kind="fullstack", workload="mixed")
    items, compute = options.features(django)
    assert items.layers == ("routes", "service", "selectors", "models", "serializers", "views")
    assert compute.layers == ("routes", "service", "forms")
    notifications = facts(task_queue="background_tasks", background_work="light")
    assert notifications.features[-1] == "notifications"
    assert options.features(default_answers(database="none")) == ()


def test_the_processes_beside_the_web_server() -> None:
    for answers in combinations.valid_combinations():
        full = project.for_answers(default_answers(**answers))
        expected = [("migrate", True)] if answers["database"] != "none" else []
        if full.jobs is not None:
            expected.append(("worker", False))
            if full.jobs.scheduler:
                expected.append(("scheduler", False))
        assert [(p.name, p.one_shot) for p in full.processes] == expected, answers
        for process in full.processes:
            # A one-shot process has no healthcheck; a long-running one has one.
            assert bool(process.check) is not process.one_shot, process


def test_the_worker_kill_test_is_the_queues_extra_check() -> None:
    with_queue = facts(task_queue="celery", concurrency="sync")
    without = facts()
    assert [target.target for target in with_queue.ci_targets] == ["test-slow"]
    assert without.ci_targets == ()
    assert [target for target, _, _ in with_queue.make_targets][-1] == "test-slow"
    assert "test-slow" not in [target for target, _, _ in without.make_targets]


# Host files that loop over the slots, and what they must not name: the facts of the
# options that fill those slots (the database, the task queue, the broker).
HOST_FILES = (
    "template/{{ project.on.docker }}/compose.yaml.jinja",
    "template/{{ project.on.docker }}/.devcontainer/compose.yaml.jinja",
    "template/{{ project.on.docker }}/.devcontainer/devcontainer.json.jinja",
    "template/{{ project.on.github }}/.github/workflows/ci.yml.jinja",
    "template/{{ project.on.gitlab }}/.gitlab-ci.yml.jinja",
)
OPTION_FACTS = re.compile(
    r"project\.(jobs|has_db|uses_\w+|checks_broker|postgres_\w+)\b"
    r"|tools\[\"(postgres|redis|rabbitmq)"
    r"|\b(database|task_queue|broker)\b(?!_)"
)


@pytest.mark.parametrize("host", HOST_FILES)
def test_a_host_file_names_no_option_that_fills_its_slots(host: str) -> None:
    source = (REPO_ROOT / host).read_text()
    jinja = " ".join(re.findall(r"{[{%].*?[}%]}", source, re.DOTALL))
    assert OPTION_FACTS.findall(jinja) == []


def test_names_volumes_ports_and_settings_are_unique() -> None:
    """Two options adding the same name would render a YAML key twice (the last one wins)."""
    for answers in combinations.valid_combinations():
        full = project.for_answers(default_answers(**answers))
        for values in (
            [s.name for s in full.services] + [p.name for p in full.processes] + ["web"],
            [s.volume for s in full.services] + [volume for volume, _ in full.app_volumes],
            [s.port for s in full.services],
            [s.app_setting for s in full.services],
            [s.name for group in full.option_settings for s in group],
            [t.target for t in full.ci_targets],
        ):
            assert len(values) == len(set(values)), (answers, values)
        # A server waits for the processes that exist, or the web app.
        known = {"web", *(p.name for p in full.processes)}
        for service in full.services:
            assert set(service.used_by) & known, service


def test_an_option_documents_the_settings_it_adds() -> None:
    """What an option adds to the settings module is in .env.example and the README's table
    (the render tier compares each rendered settings module with both)."""
    for answers in combinations.valid_combinations():
        full = project.for_answers(default_answers(**answers))
        documented = {var.name for var in full.env_vars}
        added = {s.name for group in full.option_settings for s in group}
        assert added <= documented, (answers, sorted(added - documented))
        assert all(full.option_settings), "an option without settings adds no group"
    queue = facts(task_queue="dramatiq", broker="rabbitmq").option_settings
    assert [[s.name for s in group] for group in queue] == [
        [
            "REDIS_URL",
            "BROKER_URL",
            "JOBS_QUEUE",
            "JOBS_MAX_ATTEMPTS",
            "JOBS_BACKOFF_SECONDS",
            "JOBS_STALE_AFTER_SECONDS",
        ]
    ]
    assert facts().option_settings == ()


def test_a_setting_is_named_as_the_environment_names_it() -> None:
    setting = options.Setting("CACHE_URL", "str", '"x"', '"x"')
    assert setting.field == "cache_url"
    with pytest.raises(ValueError, match="capitals"):
        options.Setting("cache_url", "str", '"x"', '"x"')


def test_a_process_and_a_ci_target_refuse_what_compose_and_gitlab_cannot_run() -> None:
    with pytest.raises(ValueError, match="healthcheck"):
        options.Process(name="sidecar", comment="", command=("run",))
    with pytest.raises(ValueError, match="healthcheck"):
        options.Process(name="seed", comment="", command=("run",), one_shot=True, check=("x",))
    with pytest.raises(ValueError, match="report"):
        options.CiTarget(target="t", help="", command="", why="", report="junit.xml")


def test_the_queues_requirements_come_from_its_module() -> None:
    full = facts(task_queue="dramatiq", broker="rabbitmq")
    added = options.dependencies(full)
    assert set(added) == {"dramatiq-rabbitmq", "redis", "apscheduler"}
    assert {versions.RUNTIME[name] for name in added} <= set(full.dependencies)
    assert options.dependencies(facts()) == ()


def test_the_database_and_queue_settings_come_from_their_modules() -> None:
    full = facts(database="postgresql", task_queue="celery", broker="rabbitmq", concurrency="sync")
    names = [var.name for var in full.env_vars]
    added = [var.name for var in options.env_vars(full)]
    assert added[0] == "DATABASE_URL"
    assert {"TEST_DATABASE_URL", "REDIS_URL", "BROKER_URL", "JOBS_QUEUE"} <= set(added)
    # They sit together, after the request limits and before the logging settings.
    start = names.index("DATABASE_URL")
    assert names[start : start + len(added)] == added
    assert names[start - 1] == "MAX_REQUEST_BODY_BYTES"
    assert options.env_vars(facts(database="none")) == ()


METRICS_HOSTS = (
    "template/{{ project.on.fastapi }}/{{ project.path.main }}.jinja",
    "template/{{ project.on.fastapi }}/{{ project.path.logging }}.jinja",
    "template/{{ project.on.flask }}/{{ project.path.main }}.jinja",
    "template/{{ project.on.flask }}/{{ project.path.logging }}.jinja",
    "template/{{ project.on.django }}/{{ project.path.main }}.jinja",
    "template/{{ project.on.django }}/{{ project.path.logging }}.jinja",
    "template/{{ project.on.django }}/{{ project.path.settings }}.jinja",
    "template/{{ project.on.django }}/{{ project.path.settings_prod }}.jinja",
)


@pytest.mark.parametrize("host", METRICS_HOSTS)
def test_the_files_metrics_reach_into_loop_over_slots(host: str) -> None:
    """The app factories, URL configuration, settings and logging modules metrics add to
    name no metrics: they loop over the middleware, installers, URL modules and quiet
    routes the option fills."""
    source = (REPO_ROOT / host).read_text()
    jinja = " ".join(re.findall(r"{[{%].*?[}%]}", source, re.DOTALL))
    assert "metrics" not in jinja


# framework: (project kind, middleware, installers, URL modules, routers)
METRICS_SLOTS = {
    "fastapi": ("api", (("metrics", "MetricsMiddleware"),), (), (), ("metrics",)),
    "django": ("api", (("metrics", "MetricsMiddleware"),), (), ("metrics",), ()),
    "flask": ("simple", (), (("metrics", "install_metrics"),), (), ()),
}


@pytest.mark.parametrize("framework", sorted(METRICS_SLOTS))
@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_metrics_fill_each_frameworks_slots(framework: str, size: str) -> None:
    kind, middleware, installers, url_modules, routers = METRICS_SLOTS[framework]
    answers = {"framework": framework, "project_kind": kind, "project_size": size}
    answers["concurrency"] = "sync"
    on, off = facts(**answers, metrics=True), facts(**answers, metrics=False)

    assert (off.path["metrics"], off.path["test_metrics"]) == ("", "")
    assert (off.middleware, off.installers, off.url_modules) == ((), (), ())
    assert off.option_quiet_routes == ()
    assert off.redirect_exempt == '[r"^health/"]'
    assert not any(req.startswith("prometheus-client") for req in off.dependencies)

    core = "core/" if framework == "django" or size == "large" else ""
    assert on.path["metrics"].endswith(f"{core}metrics.py")
    assert on.path["test_metrics"].endswith(
        "tests/integration/test_metrics.py" if size == "large" else "tests/test_metrics.py"
    )
    assert (on.middleware, on.installers, on.url_modules) == (middleware, installers, url_modules)
    assert tuple(part for part, _ in on.routers if part == "metrics") == routers
    assert on.option_quiet_routes == ("/metrics",)
    assert on.redirect_exempt == '[r"^health/", r"^metrics$"]'
    assert versions.RUNTIME["prometheus-client"] in on.dependencies
    assert [s.name for group in on.option_settings for s in group][-1] == "METRICS_TOKEN"
    assert [var.name for var in on.env_vars if var.name == "METRICS_TOKEN"] == ["METRICS_TOKEN"]
    assert "/metrics" in [path for _, path in on.browse]
