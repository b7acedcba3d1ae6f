"""The Jinja extension Copier loads: globals for the questionnaire, ``project`` for files."""

from __future__ import annotations

import ast
import tomllib
import types
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
import pytest

from extensions import context, decisions, project
from tests.support import REPO_ROOT, run, tool
from tests.support import default_answers as answers


@pytest.fixture
def env() -> jinja2.Environment:
    return jinja2.Environment(
        extensions=[context.ProjectContext],
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - code, not HTML
    )


def render(env: jinja2.Environment, source: str, **variables: Any) -> str:
    return env.from_string(source).render(**variables)


def test_globals_are_the_decision_functions(env: jinja2.Environment) -> None:
    for name in context.GLOBALS:
        function = env.globals[name]
        assert isinstance(function, types.FunctionType), name
        assert getattr(decisions, name).__qualname__ == function.__qualname__
    assert "refused" in env.globals
    assert "asked" in env.globals


def test_questionnaire_expressions(env: jinja2.Environment) -> None:
    assert render(env, "{{ slugify(project_name) }}", project_name="Acme Orders") == "acme-orders"
    assert render(env, "{{ package_from_slug('acme-orders') }}") == "acme_orders"
    assert render(env, "{{ validate_package_name('class') }}") != ""
    assert render(env, "{{ validate_package_name('acme_orders') }}") == ""
    assert render(env, "{{ validate_slug('Bad Slug') }}") != ""
    assert render(env, "{{ validate_email('nope') }}") != ""
    assert render(env, "{{ recommend_framework('api') }}") == "fastapi"


@pytest.mark.parametrize(
    ("question", "value", "variables", "refused"),
    [
        ("concurrency", "async", {"framework": "flask"}, True),
        ("concurrency", "sync", {"framework": "flask"}, False),
        ("concurrency", "async", {"framework": "fastapi"}, False),
        # Later answers are not known yet while concurrency is asked.
        ("concurrency", "async", {"framework": "flask", "task_queue": "rq"}, True),
        (
            "task_queue",
            "arq",
            {"framework": "fastapi", "concurrency": "sync", "background_work": "durable"},
            True,
        ),
        (
            "task_queue",
            "background_tasks",
            {"framework": "fastapi", "concurrency": "async", "background_work": "fire_and_forget"},
            False,
        ),
        (
            "task_queue",
            "rq",
            {"framework": "flask", "concurrency": "sync", "background_work": "durable"},
            False,
        ),
        ("broker", "rabbitmq", {"task_queue": "arq"}, True),
        ("broker", "rabbitmq", {"task_queue": "celery"}, False),
        ("broker", "rabbitmq", {"task_queue": "dramatiq"}, False),
    ],
)
def test_a_choice_validator_reads_the_answers_in_context(
    env: jinja2.Environment, question: str, value: str, variables: dict[str, str], refused: bool
) -> None:
    shown = render(env, f"{{{{ refused({question!r}, {value!r}) }}}}", **variables)
    assert shown == decisions.refusal_of_choice(question, value, variables)
    assert (shown != "") is refused


@pytest.mark.parametrize(
    ("question", "variables", "asked"),
    [
        ("concurrency", {"framework": "flask"}, "False"),
        ("concurrency", {"framework": "django"}, "True"),
        ("broker", {"task_queue": "rq"}, "False"),
        ("task_queue", {"background_work": "durable"}, "True"),
    ],
)
def test_a_questions_condition_reads_the_answers_in_context(
    env: jinja2.Environment, question: str, variables: dict[str, str], asked: str
) -> None:
    assert render(env, f"{{{{ asked({question!r}) }}}}", **variables) == asked


def test_project_appears_once_every_answer_is_known(env: jinja2.Environment) -> None:
    complete = {**answers(project_size="large"), "_copier_conf": {}}
    assert render(env, "{{ project.mod.main }}", **complete) == "acme_orders.main"
    assert (
        render(env, "{{ project.path.settings }}", **complete)
        == (project.for_answers(complete).path["settings"])
    )
    incomplete = {key: value for key, value in complete.items() if key != "ci"}
    with pytest.raises(jinja2.UndefinedError):
        render(env, "{{ project.mod.main }}", **incomplete)


def test_templates_read_the_queue_facts(env: jinja2.Environment) -> None:
    celery = {
        **answers(task_queue="celery", background_work="durable", broker="rabbitmq"),
        "_copier_conf": {},
    }
    assert render(env, "{{ project.on.jobs }}{{ project.on.rabbitmq }}", **celery) == ".."
    assert render(env, "{{ project.on.arq }}", **celery) == ""
    assert (
        render(env, "{{ project.jobs.worker | join(' ') }}", **celery)
        == "celery --app app.worker worker --loglevel INFO"
    )
    assert render(env, "{{ project.setting('broker_url') }}", **celery) == "settings.broker_url"
    # Without a durable queue there are no queue facts: a template must not ask for them.
    plain = {**answers(), "_copier_conf": {}}
    assert render(env, "{{ project.on.jobs }}", **plain) == ""
    assert render(env, "{{ project.jobs is none }}", **plain) == "True"


# ----------------------------------------------------------------- literal filters

FREE_TEXTS = [
    "Acme Orders",
    "O'Brien",
    'The "best" shop',
    'Zoë\'s "Order" Desk #1',
    "It's O'Brien's \"shop\"",
    'Two "" and one \'',
    "back\\slash \\n not a newline",
    "tab\there",
    "Ünïcödé — dash, 日本語, emoji 🚀",
    "{{ not jinja }} {% neither %}",
    "$HOME and %(percent)s",
    "",
]


@pytest.mark.parametrize("value", FREE_TEXTS)
def test_python_string_round_trips(value: str) -> None:
    literal = context.python_string(value)
    assert ast.literal_eval(literal) == value


def test_python_string_is_what_ruff_format_writes(tmp_path: Path) -> None:
    """A rendered literal must survive `ruff format --check` (GUIDE section 4)."""
    module = tmp_path / "literals.py"
    lines = [f"VALUE_{i} = {context.python_string(v)}\n" for i, v in enumerate(FREE_TEXTS)]
    module.write_text('"""Literals."""\n\n' + "".join(lines))
    outcome = run(
        [tool("ruff"), "format", "--diff", "--no-cache", "--isolated", module.name], cwd=tmp_path
    )
    if not outcome.ok:
        pytest.fail(outcome.report(), pytrace=False)


@pytest.mark.parametrize("value", FREE_TEXTS)
def test_toml_string_round_trips(value: str) -> None:
    assert tomllib.loads(f"value = {context.toml_string(value)}")["value"] == value


def test_a_recorded_answer_is_kept_on_update(env: jinja2.Environment, tmp_path: Path) -> None:
    """Rendering into a project that records its answers: its framework cannot change."""
    (tmp_path / ".copier-answers.yml").write_text(
        "project_kind: api\nframework: fastapi\nproject_size: medium\n"
    )
    conf = {"dst_path": tmp_path, "answers_file": Path(".copier-answers.yml")}
    source = "{{ refused('framework', 'django') }}|{{ refused('framework', 'fastapi') }}"
    shown = render(env, source, project_kind="api", _copier_conf=conf)
    assert shown == f"{decisions.SET_AT_COPY['framework']}|"
    # A new folder records nothing: every framework is free.
    conf["dst_path"] = tmp_path / "new"
    assert render(env, source, project_kind="api", _copier_conf=conf) == "|"


@pytest.mark.parametrize(
    "text",
    ["framework: [unclosed\n", "framework: fastapi\n", "- a list\n"],
    ids=["malformed", "another-template", "not-a-mapping"],
)
def test_only_this_questionnaires_answers_are_kept(
    env: jinja2.Environment, tmp_path: Path, text: str
) -> None:
    """A broken answers file, or another template's, refuses nothing."""
    (tmp_path / ".copier-answers.yml").write_text(text)
    conf = {"dst_path": tmp_path, "answers_file": Path(".copier-answers.yml")}
    assert render(env, "{{ refused('framework', 'django') }}", _copier_conf=conf) == ""


def test_make_command_runs_each_word_as_written(tmp_path: Path) -> None:
    """A recipe line from make_command gives the shell back the very same words."""
    words = ["python", "-c", "import json; print(json.dumps({'a': \"$HOME\"}))", "it's", ""]
    (tmp_path / "Makefile").write_text(
        f"show:\n\t@printf '%s\\n' {context.make_command(words[1:])}\n"
    )
    outcome = run(["make", "--no-print-directory", "show"], cwd=tmp_path)
    assert outcome.ok, outcome.report()
    assert outcome.stdout.split("\n")[:-1] == words[1:]


class CountingPreprocess(jinja2.ext.Extension):
    """Records ``preprocess`` calls: Copier's ``yield`` tag resets its state there."""

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.sources: list[str] = []

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        self.sources.append(source)
        return source


def spied_env() -> tuple[jinja2.Environment, list[str], list[str]]:
    """An environment with the extension, and the sources it compiles and preprocesses."""
    env = jinja2.Environment(
        extensions=[CountingPreprocess, context.ProjectContext],
        autoescape=False,  # noqa: S701 - code, not HTML
    )
    counter = next(e for e in env.extensions.values() if isinstance(e, CountingPreprocess))
    compiled: list[str] = []
    real_compile = env.compile

    def compile_spy(source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source)
        return real_compile(source, *args, **kwargs)

    env.compile = compile_spy  # type: ignore[method-assign]
    return env, compiled, counter.sources


def test_a_string_rendered_again_is_compiled_once_and_preprocessed_each_time() -> None:
    env, compiled, preprocessed = spied_env()
    part = "{{ name }}"
    assert [env.from_string(part).render(name=name) for name in ("a", "b", "")] == ["a", "b", ""]
    assert compiled == [part]
    assert preprocessed == [part, part, part]

    # Another source is another template; one with globals of its own is compiled anew.
    assert env.from_string("{{ name }}!").render(name="c") == "c!"
    assert env.from_string(part, globals={"name": "g"}).render() == "g"
    assert compiled == [part, "{{ name }}!", part]


def test_a_string_with_a_yield_tag_is_compiled_every_time() -> None:
    env, compiled, _ = spied_env()
    source = "{# yield #}{{ name }}"
    for name in ("a", "b"):
        assert env.from_string(source).render(name=name) == name
    assert compiled == [source, source]


JINJA_MARKUP = ("{{", "{%", "{#")


def test_a_template_file_is_rendered_exactly_when_it_holds_jinja_markup() -> None:
    """Copier compiles every ``.jinja`` file and copies the others byte for byte: a file with
    markup but no suffix would ship the markup; one with the suffix but none costs a compile."""
    rendered_without_markup, copied_with_markup = [], []
    for path in (REPO_ROOT / "template").rglob("*"):
        if not path.is_file():
            continue
        has_markup = any(marker in path.read_text() for marker in JINJA_MARKUP)
        relative = path.relative_to(REPO_ROOT).as_posix()
        if path.suffix == ".jinja" and not has_markup:
            rendered_without_markup.append(relative)
        elif path.suffix != ".jinja" and has_markup:
            copied_with_markup.append(relative)
    assert rendered_without_markup == []
    assert copied_with_markup == []
