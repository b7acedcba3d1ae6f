"""The questionnaire's decision trees: recommendations, validators and refusals."""

from __future__ import annotations

import keyword
import sys
from typing import Any

import pytest

from extensions import decisions
from tests import combinations
from tests.support import default_answers

# ----------------------------------------------------------------- names and slugs


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme Orders", "acme-orders"),
        ("acme-orders", "acme-orders"),
        ("  Hello,   World!!  ", "hello-world"),
        ("Orders API v2", "orders-api-v2"),
        ("snake_case_name", "snake-case-name"),
        ("123 Go", "go"),
        ("2fast", "fast"),
        ("!!!", "project"),
        ("", "project"),
        ("42", "project"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert decisions.slugify(name) == slug


@pytest.mark.parametrize(
    "name", ["Acme Orders", "  x  ", "9 Lives", "Café Déjà Vu", "a--b", "UPPER", "", "日本語"]
)
def test_slugify_always_yields_a_valid_slug(name: str) -> None:
    slug = decisions.slugify(name)
    assert decisions.validate_slug(slug) == "", slug


@pytest.mark.parametrize(
    ("slug", "package"),
    [("acme-orders", "acme_orders"), ("orders", "orders"), ("a-b-c", "a_b_c")],
)
def test_package_from_slug(slug: str, package: str) -> None:
    assert decisions.package_from_slug(slug) == package


@pytest.mark.parametrize("slug", ["acme-orders", "a", "orders2", "a1-b2-c3", "x-1"])
def test_validate_slug_accepts(slug: str) -> None:
    assert decisions.validate_slug(slug) == ""


@pytest.mark.parametrize(
    "slug",
    ["Bad Slug", "Acme", "acme_orders", "-acme", "acme-", "a--b", "1abc", "", "acme.orders"],
)
def test_validate_slug_refuses(slug: str) -> None:
    message = decisions.validate_slug(slug)
    assert "kebab-case" in message


@pytest.mark.parametrize("name", ["acme_orders", "orders", "orders2", "my_pkg", "a"])
def test_validate_package_name_accepts(name: str) -> None:
    assert decisions.validate_package_name(name) == ""


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("class", "keyword"),
        ("def", "keyword"),
        ("match", "keyword"),  # a soft keyword
        ("type", "keyword"),  # a soft keyword too
        ("1abc", "not a Python identifier"),
        ("my-pkg", "not a Python identifier"),
        ("my pkg", "not a Python identifier"),
        ("", "not a Python identifier"),
        ("café", "not a Python identifier"),
        ("Acme", "lower-case"),
        ("os", "standard library"),
        ("json", "standard library"),
        ("logging", "standard library"),
        ("fastapi", "shadows a module the project uses"),
        ("app", "shadows a module the project uses"),
        ("tests", "shadows a module the project uses"),
    ],
)
def test_validate_package_name_refuses(name: str, reason: str) -> None:
    message = decisions.validate_package_name(name)
    assert reason in message


@pytest.mark.parametrize("name", sorted(decisions.RESERVED_PACKAGE_NAMES))
def test_every_reserved_name_is_refused(name: str) -> None:
    assert decisions.validate_package_name(name) != ""


def test_reserved_names_include_the_guide_examples() -> None:
    assert {"fastapi", "django", "celery", "app", "tests"} <= decisions.RESERVED_PACKAGE_NAMES


def test_every_keyword_and_stdlib_module_is_refused() -> None:
    names = [*keyword.kwlist, *keyword.softkwlist, *sys.stdlib_module_names]
    accepted = [name for name in names if decisions.validate_package_name(name) == ""]
    assert accepted == []


@pytest.mark.parametrize("email", ["you@example.com", "a.b+c@sub.example.co.uk", "x@y.io"])
def test_validate_email_accepts(email: str) -> None:
    assert decisions.validate_email(email) == ""


@pytest.mark.parametrize("email", ["nope", "a@b", "@example.com", "a b@c.de", "a@b c.de", ""])
def test_validate_email_refuses(email: str) -> None:
    message = decisions.validate_email(email)
    assert "e-mail" in message


# ----------------------------------------------------------------- recommendations


@pytest.mark.parametrize(
    ("kind", "framework"),
    [
        ("api", "fastapi"),
        ("ml_api", "fastapi"),
        ("worker", "fastapi"),
        ("fullstack", "django"),
        ("simple", "flask"),
        ("cli", "none"),
    ],
)
def test_recommend_framework(kind: str, framework: str) -> None:
    assert decisions.recommend_framework(kind) == framework


@pytest.mark.parametrize(
    ("framework", "workload", "blocking", "team_knows_async", "expected"),
    [
        # Flask is sync whatever the workload.
        ("flask", "io_bound", False, True, "sync"),
        # CPU-bound work, blocking libraries or a team new to async argue for sync.
        ("fastapi", "cpu_bound", False, True, "sync"),
        ("fastapi", "io_bound", True, True, "sync"),
        ("fastapi", "io_bound", False, False, "sync"),
        ("fastapi", "mixed", True, False, "sync"),
        # Otherwise async.
        ("fastapi", "io_bound", False, True, "async"),
        ("fastapi", "mixed", False, True, "async"),
        ("django", "io_bound", False, True, "async"),
    ],
)
def test_recommend_concurrency(
    framework: str, workload: str, blocking: bool, team_knows_async: bool, expected: str
) -> None:
    assert (
        decisions.recommend_concurrency(framework, workload, blocking, team_knows_async) == expected
    )


@pytest.mark.parametrize(
    ("kind", "size"),
    [
        ("simple", "small"),
        ("cli", "small"),
        ("api", "medium"),
        ("fullstack", "medium"),
        ("ml_api", "medium"),
        ("worker", "medium"),
    ],
)
def test_default_project_size(kind: str, size: str) -> None:
    assert decisions.default_project_size(kind) == size


@pytest.mark.parametrize(
    ("kind", "database"),
    [
        ("cli", "none"),
        ("api", "sqlite"),
        ("fullstack", "sqlite"),
        ("simple", "sqlite"),
        ("ml_api", "sqlite"),
        ("worker", "sqlite"),
    ],
)
def test_default_database(kind: str, database: str) -> None:
    assert decisions.default_database(kind) == database


@pytest.mark.parametrize(
    ("kind", "work"),
    [
        ("worker", "durable"),
        ("api", "none"),
        ("fullstack", "none"),
        ("simple", "none"),
        ("ml_api", "none"),
        ("cli", "none"),
    ],
)
def test_default_background_work(kind: str, work: str) -> None:
    assert decisions.default_background_work(kind) == work


@pytest.mark.parametrize(
    ("work", "framework", "concurrency", "kind", "queue"),
    [
        ("none", "fastapi", "async", "api", "none"),
        ("fire_and_forget", "fastapi", "async", "api", "background_tasks"),
        ("fire_and_forget", "fastapi", "sync", "api", "background_tasks"),
        ("fire_and_forget", "flask", "sync", "simple", "rq"),
        ("fire_and_forget", "django", "sync", "fullstack", "rq"),
        ("durable", "fastapi", "async", "api", "arq"),
        ("durable", "fastapi", "sync", "api", "rq"),
        ("durable", "django", "async", "fullstack", "arq"),
        ("durable", "flask", "sync", "simple", "rq"),
        # The worker kind exists for a real queue, whatever else was answered.
        ("fire_and_forget", "fastapi", "async", "worker", "celery"),
        ("durable", "fastapi", "async", "worker", "celery"),
    ],
)
def test_recommend_task_queue(
    work: str, framework: str, concurrency: str, kind: str, queue: str
) -> None:
    assert decisions.recommend_task_queue(work, framework, concurrency, kind) == queue


def _walk(question: str, answers: dict[str, Any], default: Any) -> list[dict[str, Any]]:
    """Every way a user can answer ``question`` after ``answers``: each choice it offers
    and does not refuse, or, where it is not asked, its default."""
    if not decisions.is_asked(question, answers):
        return [{**answers, question: default}]
    values = decisions.CHOICES.get(question, (False, True))
    return [
        {**answers, question: value}
        for value in values
        if not decisions.refusal_of_choice(question, value, answers)
    ]


def _offered_defaults() -> list[dict[str, object]]:
    """Every path through the questionnaire's decisions, with each question's default.

    At each question the user picks any choice the menu leaves enabled; the
    recommended default of every question is recorded beside the answers so far,
    under ``"default"``, to be checked against the menu.
    """
    paths: list[dict[str, Any]] = [
        {"project_kind": kind} for kind in decisions.CHOICES["project_kind"]
    ]
    found: list[dict[str, Any]] = []

    def step(question: str, default_of: Any) -> None:
        nonlocal paths
        following = []
        for answers in paths:
            default = default_of(answers)
            found.append({"asking": question, "default": default, **answers})
            following += _walk(question, answers, default)
        paths = following

    step("framework", lambda a: decisions.recommend_framework(a["project_kind"]))
    step("workload", lambda _: "io_bound")
    step("blocking_libraries", lambda _: False)
    step("team_knows_async", lambda _: True)
    step(
        "concurrency",
        lambda a: decisions.recommend_concurrency(
            a["framework"], a["workload"], a["blocking_libraries"], a["team_knows_async"]
        ),
    )
    step("database", lambda a: decisions.default_database(a["project_kind"]))
    step("background_work", lambda a: decisions.default_background_work(a["project_kind"]))
    step(
        "task_queue",
        lambda a: decisions.recommend_task_queue(
            a["background_work"], a["framework"], a["concurrency"], a["project_kind"]
        ),
    )
    step("broker", lambda _: "redis")
    return found


@pytest.mark.parametrize(
    "answers", _offered_defaults(), ids=lambda a: "-".join(map(str, a.values()))
)
def test_recommendations_are_never_refused(answers: dict[str, Any]) -> None:
    """A question's recommended default is never a choice its menu disables."""
    question, default = answers.pop("asking"), answers.pop("default")
    assert decisions.refusal_of_choice(question, default, answers) == ""


def test_recommendations_stay_within_the_offered_choices() -> None:
    for answers in _offered_defaults():
        if answers["asking"] in decisions.CHOICES:
            assert answers["default"] in decisions.CHOICES[answers["asking"]], answers
    for kind in decisions.CHOICES["project_kind"]:
        assert decisions.default_project_size(kind) in decisions.CHOICES["project_size"]
        assert decisions.default_database(kind) in decisions.CHOICES["database"]
        assert decisions.default_background_work(kind) in decisions.CHOICES["background_work"]


# ----------------------------------------------------------------- refusals

_FINE = {
    "project_kind": "api",
    "database": "sqlite",
    "background_work": "none",
    "framework": "fastapi",
    "concurrency": "async",
    "task_queue": "none",
    "broker": "redis",
}
_RULE_CASES = {
    "flask_is_sync": ({"framework": "flask", "concurrency": "async"}, "concurrency"),
    "fullstack_needs_database": (
        {"project_kind": "fullstack", "framework": "django", "database": "none"},
        "database",
    ),
    "worker_needs_background_work": ({"project_kind": "worker"}, "background_work"),
    "queue_needs_background_work": ({"task_queue": "dramatiq"}, "task_queue"),
    "background_work_needs_a_queue": ({"background_work": "durable"}, "task_queue"),
    "background_tasks_needs_fastapi": (
        {
            "framework": "django",
            "concurrency": "sync",
            "background_work": "fire_and_forget",
            "task_queue": "background_tasks",
        },
        "task_queue",
    ),
    "background_tasks_is_not_durable": (
        {"background_work": "durable", "task_queue": "background_tasks"},
        "task_queue",
    ),
    "arq_needs_async": (
        {"concurrency": "sync", "background_work": "durable", "task_queue": "arq"},
        "task_queue",
    ),
    "rq_needs_sync": (
        {"concurrency": "async", "background_work": "durable", "task_queue": "rq"},
        "task_queue",
    ),
    "rabbitmq_needs_celery_or_dramatiq": (
        {"background_work": "durable", "task_queue": "arq", "broker": "rabbitmq"},
        "broker",
    ),
}


def test_every_rule_has_a_case() -> None:
    assert {rule.name for rule in decisions.REFUSAL_RULES} == set(_RULE_CASES)


def test_a_working_combination_is_not_refused() -> None:
    assert decisions.refusals(_FINE) == []


@pytest.mark.parametrize("rule", decisions.REFUSAL_RULES, ids=lambda r: r.name)
def test_each_rule_refuses_its_combination(rule: decisions.Rule) -> None:
    broken, asked_by = _RULE_CASES[rule.name]
    answers = {**_FINE, **broken}
    assert decisions.refusals(answers) == [rule.message]
    assert rule.asked_by == asked_by
    # The question that completes the combination reports it ...
    assert decisions.refusal_for(asked_by, answers) == rule.message
    # ... and no other question does.
    for question in decisions.QUESTION_ORDER:
        if question != asked_by:
            assert decisions.refusal_for(question, answers) != rule.message, question


_DURABLE = {"background_work": "durable"}


@pytest.mark.parametrize(
    ("answers", "fixed"),
    [
        ({"framework": "flask", "concurrency": "async"}, {"concurrency": "sync"}),
        ({"framework": "flask", "concurrency": "async"}, {"framework": "fastapi"}),
        ({**_DURABLE, "concurrency": "sync", "task_queue": "arq"}, {"task_queue": "rq"}),
        ({**_DURABLE, "concurrency": "async", "task_queue": "rq"}, {"task_queue": "arq"}),
        (
            {**_DURABLE, "task_queue": "rq", "broker": "rabbitmq", "concurrency": "sync"},
            {"broker": "redis"},
        ),
        ({**_DURABLE, "task_queue": "celery", "broker": "rabbitmq"}, {}),
        ({**_DURABLE, "task_queue": "dramatiq", "broker": "rabbitmq"}, {}),
        (
            {
                "framework": "flask",
                "concurrency": "sync",
                "background_work": "fire_and_forget",
                "task_queue": "background_tasks",
            },
            {"task_queue": "rq"},
        ),
        ({**_DURABLE, "task_queue": "background_tasks"}, {"task_queue": "celery"}),
        (
            {**_DURABLE, "task_queue": "background_tasks"},
            {"background_work": "fire_and_forget"},
        ),
        ({"task_queue": "celery"}, {"background_work": "fire_and_forget"}),
        ({"project_kind": "worker"}, {"background_work": "durable", "task_queue": "celery"}),
        ({"project_kind": "fullstack", "database": "none"}, {"database": "sqlite"}),
    ],
)
def test_the_suggested_way_out_is_accepted(answers: dict[str, str], fixed: dict[str, str]) -> None:
    """Following a refusal's advice (or a rule's own exception) gives an accepted combination."""
    assert decisions.refusals({**_FINE, **answers, **fixed}) == []


def test_refusal_for_waits_until_every_axis_is_answered() -> None:
    # concurrency is asked before task_queue: it cannot see the task queue yet.
    partial = {"framework": "fastapi", "concurrency": "async"}
    assert decisions.refusal_for("concurrency", partial) == ""
    assert decisions.refusal_for("task_queue", partial) == ""
    # Without the framework the flask rule cannot fire.
    assert decisions.refusal_for("concurrency", {"concurrency": "async"}) == ""
    # An unknown question refuses nothing.
    assert decisions.refusal_for("project_name", {**_FINE, "framework": "flask"}) == ""


def test_several_broken_rules_are_each_reported_by_their_own_question() -> None:
    answers = {
        **_FINE,
        "framework": "flask",
        "concurrency": "async",
        "background_work": "fire_and_forget",
        "task_queue": "background_tasks",
    }
    flask = decisions.RULES_BY_NAME["flask_is_sync"]
    background_tasks = decisions.RULES_BY_NAME["background_tasks_needs_fastapi"]
    assert decisions.refusals(answers) == [flask.message, background_tasks.message]
    assert decisions.refusal_for("concurrency", answers) == flask.message
    assert decisions.refusal_for("task_queue", answers) == background_tasks.message
    assert decisions.refusal_for("broker", answers) == ""


def test_a_refused_choice_is_refused_with_its_rules_message() -> None:
    """copier.yml's per-choice validators: the answers so far plus the candidate value."""
    so_far = {**_FINE, "framework": "flask"}
    flask = decisions.RULES_BY_NAME["flask_is_sync"]
    assert decisions.refusal_of_choice("concurrency", "async", so_far) == flask.message
    assert decisions.refusal_of_choice("concurrency", "sync", so_far) == ""
    durable = {**_FINE, "background_work": "durable", "concurrency": "sync"}
    refused = {
        value
        for value in decisions.CHOICES["task_queue"]
        if decisions.refusal_of_choice("task_queue", value, durable)
    }
    assert refused == {"none", "background_tasks", "arq"}


@pytest.mark.parametrize(
    ("question", "answers", "asked"),
    [
        ("concurrency", {"framework": "flask"}, False),
        ("concurrency", {"framework": "django"}, True),
        ("blocking_libraries", {"framework": "fastapi", "workload": "cpu_bound"}, False),
        ("blocking_libraries", {"framework": "fastapi", "workload": "mixed"}, True),
        (
            "team_knows_async",
            {"framework": "fastapi", "workload": "io_bound", "blocking_libraries": True},
            False,
        ),
        (
            "team_knows_async",
            {"framework": "fastapi", "workload": "io_bound", "blocking_libraries": False},
            True,
        ),
        ("task_queue", {"background_work": "none"}, False),
        ("task_queue", {"background_work": "fire_and_forget"}, True),
        ("broker", {"task_queue": "arq"}, False),
        ("broker", {"task_queue": "rq"}, False),
        ("broker", {"task_queue": "celery"}, True),
        ("broker", {"task_queue": "dramatiq"}, True),
        ("code_organization", {"project_size": "small"}, False),
        ("code_organization", {"project_size": "large"}, True),
        ("database", {}, True),
    ],
)
def test_a_question_is_asked_only_when_it_can_change_the_project(
    question: str, answers: dict[str, Any], asked: bool
) -> None:
    assert decisions.is_asked(question, answers) is asked


def test_rules_read_only_asked_axes() -> None:
    for rule in decisions.REFUSAL_RULES:
        assert set(rule.axes) <= set(decisions.QUESTION_ORDER), rule.name
        assert rule.asked_by in rule.axes


def test_question_order_covers_every_choice_axis() -> None:
    # python_version is asked before any decision and takes part in no rule.
    assert set(decisions.CHOICES) - {"python_version"} <= set(decisions.QUESTION_ORDER)
    assert len(set(decisions.QUESTION_ORDER)) == len(decisions.QUESTION_ORDER)


def test_choices_have_no_duplicates() -> None:
    for axis, values in decisions.CHOICES.items():
        assert values, axis
        assert len(set(values)) == len(values), axis


# ----------------------------------------------------------------- decision records


def _offered_answer_sets() -> list[dict[str, Any]]:
    """Every answer set the questionnaire can end with (unasked questions at their defaults)."""
    paths: list[dict[str, Any]] = [
        {"project_kind": kind} for kind in decisions.CHOICES["project_kind"]
    ]
    for question in decisions.QUESTION_ORDER[1:]:
        following = []
        for answers in paths:
            default = (
                combinations.FIXED_DEFAULTS[question]
                if question in combinations.FIXED_DEFAULTS
                else decisions.computed_default(question, answers)
                if question in _COMPUTED
                else None
            )
            following += _walk(question, answers, default)
        paths = following
    return paths


_COMPUTED = {
    "framework",
    "concurrency",
    "project_size",
    "database",
    "background_work",
    "task_queue",
}


def test_every_offered_answer_set_gets_decision_records() -> None:
    failures = []
    for answers in _offered_answer_sets():
        try:
            records = decisions.decision_records(answers)
        except KeyError as error:
            failures.append(f"{answers}: no record text for {error}")
            continue
        questions = [r["question"] for r in records]
        expected = ["framework", "workload", "concurrency", "project_size"]
        if answers["project_size"] != "small":
            expected.append("code_organization")
        expected += ["database", "task_queue"]
        # The broker a durable queue was rendered with is recorded, asked or not.
        if answers["task_queue"] in {"celery", "arq", "rq", "dramatiq"}:
            expected.append("broker")
        expected += ["metrics", "docker", "ci"]
        if questions != expected:
            failures.append(f"{answers}: records for {questions}")
        for record in records:
            if not (record["title"] and record["why"]):
                failures.append(f"{answers}: empty record {record}")
    assert failures == []


def test_every_section_of_the_records_prose_is_an_answer_a_record_reads() -> None:
    """No section is dead: each names a recorded question, one of its choices and,
    where it has one, a framework."""
    read: set[tuple[str, ...]] = set()
    for answers in _offered_answer_sets():
        for record in decisions.decision_records(answers):
            choice = str(answers[record["question"]])
            read.add((record["question"], choice))
            read.add((record["question"], choice, answers["framework"]))
    assert set(decisions._PROSE) <= read


def test_the_records_prose_joins_a_sections_lines_and_refuses_other_headings() -> None:
    text = (
        "# Title\n\nIntro.\n\n"
        "## database: sqlite\n\nOne line\nand the next.\n\n"
        "## ci: none (flask)\nX.\n"
    )
    assert decisions.read_records_prose(text) == {
        ("database", "sqlite"): "One line and the next.",
        ("ci", "none", "flask"): "X.",
    }
    for broken, error in (
        ("## Database choice\n", "not a record heading"),
        ("## ci: none\nX.\n### Details\nY.\n", "not a record heading"),
        ("## ci: none\nX.\n## ci: none\nY.\n", "two sections"),
        ("## ci: none\n\n## ci: github\nY.\n", "without text"),
    ):
        with pytest.raises(ValueError, match=error):
            decisions.read_records_prose(broken)


@pytest.mark.parametrize(
    ("overrides", "question", "choice", "overridden"),
    [
        ({}, "concurrency", "async", False),
        ({"concurrency": "sync"}, "concurrency", "sync", True),
        ({"workload": "cpu_bound", "concurrency": "sync"}, "concurrency", "sync", False),
        ({"project_size": "large"}, "project_size", "large", True),
        ({"database": "none"}, "database", "none", True),
        ({"docker": False}, "docker", "no", False),
        ({"docker": True}, "docker", "yes", False),
        (
            {"background_work": "fire_and_forget", "task_queue": "background_tasks"},
            "task_queue",
            "background_tasks",
            False,
        ),
        ({"task_queue": "background_tasks"}, "task_queue", "background_tasks", True),
        ({"background_work": "durable", "task_queue": "arq"}, "task_queue", "arq", False),
        ({"background_work": "durable", "task_queue": "dramatiq"}, "task_queue", "dramatiq", True),
        ({"project_kind": "worker", "task_queue": "celery"}, "task_queue", "celery", False),
        # The broker has no recommendation: redis is the plain default, rabbitmq a choice.
        ({"task_queue": "celery", "broker": "rabbitmq"}, "broker", "rabbitmq", False),
        ({"background_work": "durable", "task_queue": "arq"}, "broker", "redis", False),
    ],
)
def test_decision_records_say_when_a_recommendation_was_overridden(
    overrides: dict[str, Any], question: str, choice: str, overridden: bool
) -> None:
    answers = default_answers(**overrides)
    record = next(r for r in decisions.decision_records(answers) if r["question"] == question)
    assert record["choice"] == choice
    assert bool(record["override"]) is overridden
    if overridden:
        recommended = decisions.recommendations(answers)[question]
        assert f"`{recommended}`" in record["override"]


@pytest.mark.parametrize(
    ("framework", "concurrency", "phrase"),
    [
        ("django", "async", "ASGI"),
        ("django", "sync", "WSGI"),
        ("flask", "sync", "gunicorn"),
        ("fastapi", "async", "event loop"),
    ],
)
def test_a_framework_explains_its_own_concurrency(
    framework: str, concurrency: str, phrase: str
) -> None:
    answers = {
        **_FINE,
        "project_kind": "api",
        "framework": framework,
        "concurrency": concurrency,
        "workload": "io_bound",
        "blocking_libraries": False,
        "team_knows_async": True,
        "project_size": "medium",
        "code_organization": "by_layer",
        "database": "sqlite",
        "metrics": False,
        "docker": True,
        "ci": "github",
    }
    records = {r["question"]: r for r in decisions.decision_records(answers)}
    assert phrase in records["concurrency"]["why"]


def test_a_package_name_has_a_length_limit() -> None:
    assert decisions.validate_package_name("a" * decisions.MAX_NAME_LENGTH) == ""
    message = decisions.validate_package_name("a" * (decisions.MAX_NAME_LENGTH + 1))
    assert "longer than 40 characters" in message


@pytest.mark.parametrize("queue", ["celery", "arq", "rq", "dramatiq"])
def test_a_durable_queue_records_its_broker_after_it(queue: str) -> None:
    concurrency = "sync" if queue == "rq" else "async"
    answers = default_answers(task_queue=queue, background_work="durable", concurrency=concurrency)
    questions = [r["question"] for r in decisions.decision_records(answers)]
    assert questions[questions.index("task_queue") + 1] == "broker"
    records = {r["question"]: r for r in decisions.decision_records(answers)}
    assert records["broker"]["title"] == "Message broker"
    assert records["broker"]["choice"] == "redis"


@pytest.mark.parametrize("queue", ["none", "background_tasks"])
def test_an_in_process_queue_records_no_broker(queue: str) -> None:
    answers = default_answers(task_queue=queue)
    assert "broker" not in [r["question"] for r in decisions.decision_records(answers)]


@pytest.mark.parametrize(
    ("overrides", "clauses"),
    [
        (
            {},
            [
                "project kind: `api`",
                "must call blocking libraries: no",
                "team comfortable with async: yes",
                "background work: `none`",
            ],
        ),
        # Flask is sync: neither async question was asked, so neither steered anything.
        (
            {"project_kind": "simple", "framework": "flask", "concurrency": "sync"},
            ["project kind: `simple`", "background work: `none`"],
        ),
        (
            {"blocking_libraries": True, "concurrency": "sync"},
            ["project kind: `api`", "must call blocking libraries: yes", "background work: `none`"],
        ),
    ],
)
def test_decision_inputs_name_only_the_questions_asked(
    overrides: dict[str, Any], clauses: list[str]
) -> None:
    assert decisions.decision_inputs(default_answers(**overrides)) == clauses


@pytest.mark.parametrize(
    ("question", "value", "recorded", "refused"),
    [
        ("framework", "django", {"framework": "fastapi"}, True),
        ("framework", "fastapi", {"framework": "fastapi"}, False),
        # copier copy: nothing recorded, every framework is free.
        ("framework", "django", {}, False),
        ("project_size", "large", {"project_size": "medium"}, True),
        ("code_organization", "by_feature", {"code_organization": "by_layer"}, True),
        # Answers that add or remove whole parts stay free on update.
        ("database", "postgresql", {"database": "sqlite"}, False),
    ],
)
def test_answers_set_at_copy_are_kept_on_update(
    question: str, value: str, recorded: dict[str, str], refused: bool
) -> None:
    reason = decisions.refusal_on_update(question, value, recorded)
    assert bool(reason) is refused
    if refused:
        assert reason == decisions.SET_AT_COPY[question]
