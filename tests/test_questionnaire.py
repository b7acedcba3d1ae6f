"""The questionnaire through the real ``copier copy``: bad answers and every refusal rule are
refused, defaults render."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.version import Version

from extensions import decisions, project
from tests import combinations
from tests.support import (
    ANSWERS_FILE,
    PROJECT_NAME,
    REPO_ROOT,
    TEMPLATE_TAG,
    copier_cli,
    offered_values,
    template_internals,
)

COPIER_YML: dict[str, Any] = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
QUESTIONS = {key: value for key, value in COPIER_YML.items() if not key.startswith("_")}


def squash(text: str) -> str:
    """Output with whitespace runs collapsed (terminal wrapping must not hide a message)."""
    return re.sub(r"\s+", " ", text)


# question, bad value, the validator that explains it, a word that names the problem
BAD_ANSWERS: list[tuple[str, str, Callable[[str], str] | None, str]] = [
    ("package_name", "class", decisions.validate_package_name, "keyword"),
    ("package_name", "1abc", decisions.validate_package_name, "identifier"),
    ("package_name", "fastapi", decisions.validate_package_name, "shadow"),
    ("package_name", "os", decisions.validate_package_name, "standard library"),
    ("package_name", "my-pkg", decisions.validate_package_name, "identifier"),
    ("project_slug", "Bad Slug", decisions.validate_slug, "kebab-case"),
    ("author_email", "nope", decisions.validate_email, "e-mail"),
    ("project_name", "   ", None, "must not be empty"),
    # Values the questionnaire does not offer are refused by Copier itself.
    ("database", "mongodb", None, "Invalid choice"),
    ("python_version", "3.11", None, "Invalid choice"),
]


@pytest.mark.parametrize(
    ("question", "value", "validator", "problem"),
    BAD_ANSWERS,
    ids=[f"{q}={v.strip() or 'blank'}" for q, v, _, _ in BAD_ANSWERS],
)
def test_bad_answer_is_refused(
    template_repo: Path,
    tmp_path: Path,
    question: str,
    value: str,
    validator: Callable[[str], str] | None,
    problem: str,
) -> None:
    destination = tmp_path / "project"
    answers = {"project_name": PROJECT_NAME, question: value}
    outcome = copier_cli(template_repo, destination, answers)
    output = squash(outcome.stdout + outcome.stderr)

    assert outcome.returncode not in (0, None), outcome.report()
    assert question in output, outcome.report()
    assert problem in output, outcome.report()
    if validator is not None:
        message = validator(value)
        assert message, f"the validator accepts {value!r}"
        assert squash(message) in output, outcome.report()
        # The menu shows it on one line under the prompt: it must fit 80 columns.
        assert len(f"Validation error for question '{question}': {message}") <= 80
    leftovers = sorted(p.name for p in destination.iterdir()) if destination.exists() else []
    assert leftovers == [], f"files written despite the refusal: {leftovers}"


@pytest.fixture(scope="module")
def default_project(
    template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    destination = tmp_path_factory.mktemp("defaults") / "acme-orders"
    outcome = copier_cli(template_repo, destination, {"project_name": PROJECT_NAME})
    assert outcome.ok, outcome.report()
    answers = yaml.safe_load((destination / ANSWERS_FILE).read_text())
    return destination, answers


def test_defaults_render(default_project: tuple[Path, dict[str, Any]]) -> None:
    destination, _ = default_project
    assert (destination / "pyproject.toml").is_file()


def test_answers_file_records_the_template(
    default_project: tuple[Path, dict[str, Any]], template_repo: Path
) -> None:
    _, answers = default_project
    assert answers["_commit"] == TEMPLATE_TAG
    assert Path(answers["_src_path"]) == template_repo


def test_defaults_are_the_recommendations(default_project: tuple[Path, dict[str, Any]]) -> None:
    _, answers = default_project
    kind = answers["project_kind"]
    framework = decisions.recommend_framework(kind)
    concurrency = decisions.recommend_concurrency(
        framework, answers["workload"], answers["blocking_libraries"], answers["team_knows_async"]
    )
    expected = {
        "project_name": PROJECT_NAME,
        "project_slug": decisions.slugify(PROJECT_NAME),
        "package_name": decisions.package_from_slug(decisions.slugify(PROJECT_NAME)),
        "framework": framework,
        "concurrency": concurrency,
        "project_size": decisions.default_project_size(kind),
        "database": decisions.default_database(kind),
        "background_work": decisions.default_background_work(kind),
    }
    for key, value in expected.items():
        assert answers[key] == value, key
    # No background work: the queue question is skipped, so Copier records no answer.
    assert answers["background_work"] == "none"
    assert "task_queue" not in answers
    # Every question with a fixed default records it.
    for key, question in QUESTIONS.items():
        default = question.get("default")
        if key in answers and isinstance(default, str | bool) and "{" not in str(default):
            assert answers[key] == default, key


def test_no_template_internals_in_the_output(
    default_project: tuple[Path, dict[str, Any]],
) -> None:
    destination, _ = default_project
    assert template_internals(destination) == []


@pytest.mark.parametrize("kind", decisions.CHOICES["project_kind"])
def test_default_rows_are_what_the_questionnaire_answers(
    template_repo: Path, tmp_path: Path, kind: str
) -> None:
    """The covering array's default rows are the real questionnaire's answers for each kind."""
    destination = tmp_path / "project"
    outcome = copier_cli(
        template_repo, destination, {"project_name": PROJECT_NAME, "project_kind": kind}
    )
    assert outcome.ok, outcome.report()
    recorded = yaml.safe_load((destination / ANSWERS_FILE).read_text())
    expected = combinations.default_answers(kind)
    # The model's rows always hold a queue; the questionnaire skips the question (and
    # records nothing) when there is no background work, taking its default: none.
    if not decisions.is_asked("task_queue", expected):
        assert expected.pop("task_queue") == "none"
    assert {key: recorded.get(key) for key in expected} == expected
    assert [key for key in combinations.PAIRWISE_AXES if key in recorded] == [
        key for key in combinations.PAIRWISE_AXES if key in expected
    ], "a question the model leaves out was recorded, or the other way round"


# ----------------------------------------------------------------- refusal rules

# One minimal answer set per rule, breaking that rule and no other.
REFUSED: dict[str, dict[str, Any]] = combinations.refused_examples()


def test_every_refusal_rule_has_an_example() -> None:
    assert list(REFUSED) == [rule.name for rule in decisions.REFUSAL_RULES]
    print(f"{len(decisions.REFUSAL_RULES)} refusal rules tested by test_refusal_rule")


def _choices(question: str) -> dict[str, Any]:
    """A question's choices, label -> value or {value, validator}."""
    choices = QUESTIONS[question]["choices"]
    assert isinstance(choices, dict), f"{question}: choices need labels"
    return choices


def test_every_rule_is_wired_to_each_choice_it_can_disable() -> None:
    """Copier runs no question-level validator for a menu: each choice carries its own,
    calling the constraint model (else a refusal is never shown in the menu)."""
    questions = {rule.asked_by for rule in decisions.REFUSAL_RULES} | set(decisions.SET_AT_COPY)
    unwired = []
    for question in questions:
        for label, choice in _choices(question).items():
            value = choice["value"] if isinstance(choice, dict) else choice
            expected = f"{{{{ refused('{question}', '{value}') }}}}"
            if not isinstance(choice, dict) or choice.get("validator") != expected:
                unwired.append(f'{question}: choice {label!r} needs validator: "{expected}"')
        assert "validator" not in QUESTIONS[question], f"{question}: a menu ignores it"
    assert unwired == []


def test_questions_read_well_on_an_80_column_screen() -> None:
    """A question first (Copier's prompt prefix takes 4 columns), then the trade-off."""
    problems = []
    for key, question in QUESTIONS.items():
        lines = str(question["help"]).splitlines()
        if not lines[0].endswith("?") and "?" not in lines[0]:
            problems.append(f"{key}: the first help line is not a question: {lines[0]!r}")
        if len(lines[0]) > 76:
            problems.append(f"{key}: first help line is {len(lines[0])} characters")
        problems += [
            f"{key}: help line of {len(line)} characters: {line!r}"
            for line in lines[1:]
            if len(line) > 78
        ]
    assert problems == []


def test_choice_labels_are_words_and_reasons_fit_beside_them() -> None:
    problems = []
    for key, question in QUESTIONS.items():
        if "choices" not in question:
            continue
        for label in _choices(key):
            if not isinstance(label, str):
                problems.append(f"{key}: label {label!r} is not text (quote it in YAML)")
    for rule in decisions.REFUSAL_RULES:
        for label, choice in _choices(rule.asked_by).items():
            value = choice["value"] if isinstance(choice, dict) else choice
            answers = {**combinations.complete(REFUSED[rule.name]), rule.asked_by: value}
            if decisions.refusal_of_choice(rule.asked_by, value, answers) != rule.message:
                continue
            # questionary draws a disabled choice as "   - Label (reason)".
            width = len(f"   - {label} ({rule.message})")
            if width > 80:
                problems.append(f"{rule.name}: {label!r} and its reason take {width} columns")
    assert problems == []


@pytest.mark.parametrize("rule", decisions.REFUSAL_RULES, ids=lambda rule: rule.name)
def test_refusal_rule(template_repo: Path, tmp_path: Path, rule: decisions.Rule) -> None:
    """The real ``copier copy`` refuses the rule's example with the rule's own message."""
    answers = REFUSED[rule.name]
    template = template_repo
    destination = tmp_path / "project"
    outcome = copier_cli(template, destination, {"project_name": PROJECT_NAME, **answers})
    output = squash(outcome.stdout + outcome.stderr)

    assert outcome.returncode not in (0, None), outcome.report()
    assert squash(rule.message) in output, outcome.report()
    assert f"Invalid choice for '{rule.asked_by}'" in output, outcome.report()
    leftovers = sorted(p.name for p in destination.iterdir()) if destination.exists() else []
    assert leftovers == [], f"files written despite the refusal: {leftovers}"


@pytest.mark.parametrize(
    ("axis", "value"),
    [(axis, value) for axis, values in combinations.NOT_YET_OFFERED.items() for value in values],
)
def test_unoffered_values_are_invalid_choices(
    template_repo: Path, tmp_path: Path, axis: str, value: str
) -> None:
    """Values the design names but this release does not ship are refused outright."""
    destination = tmp_path / "project"
    outcome = copier_cli(template_repo, destination, {"project_name": PROJECT_NAME, axis: value})
    output = squash(outcome.stdout + outcome.stderr)
    assert outcome.returncode not in (0, None), outcome.report()
    assert "Invalid choice" in output, outcome.report()
    assert not destination.exists() or not any(destination.iterdir())


# ----------------------------------------------------------------- copier.yml contract


def test_choices_match_the_decision_logic() -> None:
    for axis, values in decisions.CHOICES.items():
        question = QUESTIONS[axis]
        assert sorted(offered_values(question)) == sorted(values), axis


def test_questions_are_asked_in_decision_order() -> None:
    asked = [key for key in QUESTIONS if key in decisions.QUESTION_ORDER]
    assert asked == list(decisions.QUESTION_ORDER)


def test_every_question_but_the_name_has_a_default() -> None:
    """GUIDE section 1: new questions need a default, or `copier update --defaults` breaks."""
    missing = [key for key, q in QUESTIONS.items() if "default" not in q and key != "project_name"]
    assert missing == []


def test_the_project_facts_read_only_questions() -> None:
    assert set(project.ANSWER_KEYS) <= set(QUESTIONS)


def test_copier_settings() -> None:
    assert COPIER_YML["_subdirectory"] == "template"
    assert COPIER_YML["_templates_suffix"] == ".jinja"
    assert Version(metadata.version("copier")) >= Version(str(COPIER_YML["_min_copier_version"]))
    assert (REPO_ROOT / "template" / "{{ _copier_conf.answers_file }}.jinja").is_file()
    assert {".git", "__pycache__"} <= set(COPIER_YML["_exclude"])
