"""The combination model: the enumeration, the covering array and the refused examples."""

from __future__ import annotations

import collections
import functools
import itertools
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
import pytest
import yaml

from extensions import context, decisions, layout, project
from tests import combinations
from tests.support import REPO_ROOT, default_answers, offered_values

QUESTIONS: dict[str, Any] = {
    key: value
    for key, value in yaml.safe_load((REPO_ROOT / "copier.yml").read_text()).items()
    if not key.startswith("_")
}
# Questions that name the project rather than shape it.
IDENTITY = {"project_name", "project_slug", "package_name", "description"}
IDENTITY |= {"author_name", "author_email"}

# Hand-derived (update these when an axis gains a value: that is the point).
# Layouts: small, or medium/large x by_layer/by_feature = 1 + 2 * 2 = 5.
# Every framework: 5 layouts x 3 workload = 15 (docker and ci rotate over the workload
# axis instead of multiplying it; python_version is cycled).
# Queues: none; background_tasks (FastAPI only); arq (async only) and rq (sync only) on
# redis; celery and dramatiq on redis or rabbitmq (+4) = 1 + 1 + 4 per concurrency on
# FastAPI, 1 + 1 + 4 = 6 on Django and Flask.
#   fastapi: 15 x 3 database (none, sqlite, postgresql) x 2 concurrency x 7 queues  =  630
#   django:  15 x 2 concurrency (async under ASGI) x 6 queues x (1 database none
#               + 2 databases (sqlite, postgresql) x 2 kinds: pages or API only)    =  900
#   flask:   15 x 3 database x 1 concurrency (sync only) x 6 queues                 =  270
#                                                                            total 1800
EXPECTED_BY_FRAMEWORK = {"fastapi": 630, "django": 900, "flask": 270}


# ----------------------------------------------------------------- the axes


def test_counts_per_framework() -> None:
    assert combinations.count_by_framework() == EXPECTED_BY_FRAMEWORK
    assert len(combinations.valid_combinations()) == sum(EXPECTED_BY_FRAMEWORK.values()) == 1800


def test_rotated_axes_meet_every_other_combination() -> None:
    """docker and ci rotate instead of multiplying, yet every file they shape is rendered.

    Each combination of the other tree axes (workload aside, which never touches those
    files) meets both docker values and every CI system, and each service choice (the
    part of the CI workflow and compose.yaml that varies) meets every docker x ci pair.
    """
    others = [a for a in combinations.TREE_AXES if a not in {"docker", "ci", "workload", "metrics"}]
    seen: dict[tuple[Any, ...], set[tuple[str, Any]]] = {}
    services: dict[tuple[Any, ...], set[tuple[Any, Any]]] = {}
    for combo in combinations.valid_combinations():
        key = tuple(combo.get(axis) for axis in others)
        seen.setdefault(key, set()).update({("docker", combo["docker"]), ("ci", combo["ci"])})
        service = tuple(combo.get(a) for a in ("framework", "database", "task_queue", "broker"))
        services.setdefault(service, set()).add((combo["docker"], combo["ci"]))
    every = {("docker", v) for v in (True, False)} | {("ci", v) for v in decisions.CHOICES["ci"]}
    assert all(values == every for values in seen.values())
    pairs = set(itertools.product((True, False), decisions.CHOICES["ci"]))
    assert all(found == pairs for found in services.values())


def test_metrics_alternate_within_every_other_combination() -> None:
    """Every combination of the other tree axes (workload, docker and ci aside, which rotate)
    is rendered with metrics and without."""
    skipped = {"workload", "metrics", *combinations.ROTATED_AXES}
    others = [a for a in combinations.TREE_AXES if a not in skipped]
    seen: dict[tuple[Any, ...], set[bool]] = {}
    for combo in combinations.valid_combinations():
        seen.setdefault(tuple(combo.get(axis) for axis in others), set()).add(combo["metrics"])
    assert seen
    assert all(values == {True, False} for values in seen.values())


def test_a_new_value_changes_the_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a value to an axis makes test_counts_per_framework fail until it is updated."""
    workloads = decisions.CHOICES["workload"]
    choices = {**decisions.CHOICES, "workload": (*workloads, "new_workload")}
    monkeypatch.setattr(decisions, "CHOICES", choices)
    combinations._valid_trees.cache_clear()
    try:
        assert combinations.count_by_framework() == {
            framework: count * (len(workloads) + 1) // len(workloads)
            for framework, count in EXPECTED_BY_FRAMEWORK.items()
        }
    finally:
        monkeypatch.undo()
        combinations._valid_trees.cache_clear()
    assert combinations.count_by_framework() == EXPECTED_BY_FRAMEWORK


def test_every_axis_is_classified() -> None:
    """A new question or axis must be placed: multiplied, cycled, derived or text only."""
    classified = (
        set(combinations.TREE_AXES)
        | set(combinations.CYCLED_AXES)
        | set(combinations.DERIVED_AXES)
        | set(combinations.TEXT_ONLY_AXES)
    )
    assert set(decisions.CHOICES) <= classified
    assert set(QUESTIONS) - IDENTITY == classified
    groups = [
        combinations.TREE_AXES,
        combinations.CYCLED_AXES,
        combinations.DERIVED_AXES,
        combinations.TEXT_ONLY_AXES,
    ]
    assert sum(map(len, groups)) == len(classified), "an axis is in two groups"


def test_copier_yml_offers_exactly_the_model_values() -> None:
    """The model and copier.yml must both know every value of every axis."""
    for axis in set(QUESTIONS) & (set(combinations.PAIRWISE_AXES) | set(combinations.DERIVED_AXES)):
        question = QUESTIONS[axis]
        if question["type"] == "bool":
            # Both answers, the default first.
            offered = (question["default"], not question["default"])
            assert combinations.axis_values(axis) == offered, axis
            continue
        values = offered_values(question)
        assert sorted(values) == sorted(decisions.CHOICES[axis]), axis
    for axis, unoffered in combinations.NOT_YET_OFFERED.items():
        assert not set(unoffered) & set(decisions.CHOICES[axis]), f"{axis}: offered now, drop it"


def test_fixed_defaults_are_copier_ymls() -> None:
    for axis, value in combinations.FIXED_DEFAULTS.items():
        assert QUESTIONS[axis]["default"] == value, axis


@functools.cache
def _when_template(axis: str) -> jinja2.Template | bool:
    """copier.yml's ``when`` for ``axis``, compiled with the template's own extension."""
    when = QUESTIONS[axis].get("when", True)
    if isinstance(when, bool):
        return when
    env = jinja2.Environment(extensions=[context.ProjectContext], autoescape=False)  # noqa: S701
    return env.from_string(when)


def _copier_asks(axis: str, answers: Mapping[str, Any]) -> bool:
    """copier.yml's ``when`` for ``axis``, rendered for ``answers``."""
    when = _when_template(axis)
    if isinstance(when, bool):
        return when
    rendered = when.render(**answers)
    return rendered.strip().lower() in {"true", "yes", "y", "on", "1"}


@pytest.mark.parametrize("axis", [a for a in decisions.QUESTION_ORDER if a in QUESTIONS])
def test_copier_ymls_when_is_the_models(axis: str) -> None:
    """copier.yml asks a question exactly where the constraint model says it is asked."""
    earlier = decisions.QUESTION_ORDER[: decisions.QUESTION_ORDER.index(axis)]
    values = {
        a: (False, True) if a in combinations.TEXT_ONLY_AXES else combinations.axis_values(a)
        for a in earlier
        if a != "project_kind"
    }
    values["project_kind"] = decisions.CHOICES["project_kind"]
    names = [a for a in earlier if a in values]
    for combo in itertools.product(*(values[a] for a in names)):
        answers = dict(zip(names, combo, strict=True))
        assert decisions.is_asked(axis, answers) == _copier_asks(axis, answers), answers
    conditional = axis in decisions.ASKED_WHEN
    assert ("when" in QUESTIONS[axis]) == conditional, axis


def test_broker_queues_are_the_rules() -> None:
    """Only the queues that can use either broker ask for one; the rest run on Redis."""
    rule = decisions.RULES_BY_NAME["rabbitmq_needs_celery_or_dramatiq"]
    assert set(rule.axes) == {"task_queue", "broker"}
    choosing = {q for q in layout.DURABLE_QUEUES if decisions.is_asked("broker", {"task_queue": q})}
    assert choosing == decisions.BROKER_CHOICE_QUEUES == {"celery", "dramatiq"}
    for queue in layout.DURABLE_QUEUES - choosing:
        assert decisions.refusal_of_choice("broker", "rabbitmq", {"task_queue": queue})


# ----------------------------------------------------------------- the enumeration


# The background work that leads to each task queue (combinations.background_work_for),
# for the kinds the enumeration renders (never "worker", whose kind always means celery).
# On FastAPI fire-and-forget work stays in process, so ARQ and RQ take durable work there;
# no answer recommends Dramatiq, so it takes the first kind of background work.
def _leads_to(tree: Mapping[str, Any]) -> str:
    durable = "durable" if tree["framework"] == "fastapi" else "fire_and_forget"
    return {
        "none": "none",
        "background_tasks": "fire_and_forget",
        "arq": durable,
        "rq": durable,
        "celery": "fire_and_forget",
        "dramatiq": "fire_and_forget",
    }[tree["task_queue"]]


def _brute_force_trees(kinds: bool = True) -> list[dict[str, Any]]:
    """Every valid combination of the multiplied axes, found the slow way, in enumeration order.

    All values of all axes, then filtered; sorted as the enumeration promises:
    the product of ENUMERATED_AXES in CHOICES order (the recommended kind first).
    The project kinds are the ones :func:`combinations.kinds_for` names (which
    test_kinds_are_the_ones_that_change_the_tree checks against the project
    facts); ``kinds=False`` leaves the kind out.
    """
    axes = [a for a in combinations.ENUMERATED_AXES if a != "project_kind"]
    found: dict[str, tuple[tuple[int, ...], dict[str, Any]]] = {}
    for values in itertools.product(*(combinations.axis_values(a) for a in axes)):
        tree = dict(zip(axes, values, strict=True))
        if tree["project_size"] == "small":
            del tree["code_organization"]
        if tree["task_queue"] not in decisions.BROKER_CHOICE_QUEUES:
            del tree["broker"]
        if tree["framework"] == "flask":
            del tree["concurrency"]
        tree["background_work"] = _leads_to(tree)
        ordered_kinds = combinations.kinds_for(tree)
        for kind in ordered_kinds if kinds else (None,):
            combo = {**tree, "project_kind": kind} if kind else dict(tree)
            full = {
                "broker": "redis",
                "concurrency": "sync",
                "code_organization": "by_layer",
                "project_kind": combinations.kinds_for(tree)[0],
                **combo,
            }
            if decisions.refusals(full):
                continue
            found[json.dumps(combo, sort_keys=True)] = (_position(combo, ordered_kinds), combo)
    return [combo for _, combo in sorted(found.values(), key=lambda entry: entry[0])]


def _position(combo: Mapping[str, Any], kinds: Sequence[str]) -> tuple[int, ...]:
    """Where ``combo`` sorts in the product: its value's index on each axis (-1 if unasked)."""
    position = []
    for axis in combinations.ENUMERATED_AXES:
        values = kinds if axis == "project_kind" else combinations.axis_values(axis)
        position.append(values.index(combo[axis]) if axis in combo else -1)
    return tuple(position)


def _brute_force() -> list[dict[str, Any]]:
    """The enumeration's combinations: the valid trees with the rotated and cycled axes.

    Metrics alternate, starting one later every workload block; CI takes the next system
    with every combination; docker alternates and, every two
    workload blocks, skips a beat (so it pairs with each CI system); Python takes the
    next version with every workload block.
    """
    block = len(decisions.CHOICES["workload"])
    dockers, cis = (True, False), decisions.CHOICES["ci"]
    versions = decisions.CHOICES["python_version"]
    return [
        {
            **tree,
            "metrics": (False, True)[(index + index // block) % 2],
            "docker": dockers[(index + index // (2 * block)) % 2],
            "ci": cis[index % len(cis)],
            "python_version": versions[(index // block) % len(versions)],
        }
        for index, tree in enumerate(_brute_force_trees())
    ]


def _without(combo: Mapping[str, Any], *axes: str) -> str:
    return json.dumps({k: v for k, v in combo.items() if k not in axes}, sort_keys=True)


def test_the_enumeration_is_the_brute_force_one() -> None:
    """Same combinations, same order, same rotated docker, CI and Python versions."""
    enumerated = combinations.valid_combinations()
    assert enumerated == _brute_force()
    assert len({_without(c) for c in enumerated}) == len(enumerated)
    # Keys come in the order of the tree axes (the matrix and the table read them so).
    keys = [*combinations.TREE_AXES, *combinations.DERIVED_AXES, *combinations.CYCLED_AXES]
    for combo in enumerated:
        assert list(combo) == [key for key in keys if key in combo], combo
    # Without the kind, the enumeration is every valid combination of the other axes.
    rotated = (
        "python_version",
        "project_kind",
        *combinations.ALTERNATED_AXES,
        *combinations.ROTATED_AXES,
    )
    assert {_without(c, *rotated) for c in enumerated} == {
        _without(c) for c in _brute_force_trees(kinds=False)
    }


def test_the_derived_answer_leads_to_the_queue() -> None:
    """Where some background work recommends the chosen queue, the derived answer is one."""
    for combo in combinations.valid_combinations():
        leading = {
            work
            for work in decisions.CHOICES["background_work"]
            if decisions.recommend_task_queue(
                work,
                combo["framework"],
                combinations.concurrency_of(combo),
                combo["project_kind"],
            )
            == combo["task_queue"]
        }
        assert combo["background_work"] in leading or (
            not leading and combo["background_work"] == "fire_and_forget"
        ), combo


def _tree_signature(combo: Mapping[str, Any], kind: str) -> tuple[Any, ...]:
    """What decides the rendered tree: which template groups render, where every part goes."""
    facts = project.for_answers(default_answers(**{**combo, "project_kind": kind}))
    return (
        tuple(sorted(facts.on.items())),
        tuple(sorted(facts.path.items())),
        tuple(facts.layout.features),
        tuple(facts.dependencies),
        tuple(facts.dev_dependencies),
    )


def test_kinds_are_the_ones_that_change_the_tree() -> None:
    """kinds_for names one kind per distinct tree: all of them, and none twice."""
    seen = set()
    for combo in combinations.valid_combinations():
        tree = {k: v for k, v in combo.items() if k != "project_kind"}
        key = json.dumps(tree, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        every = {
            _tree_signature(tree, kind)
            for kind in decisions.CHOICES["project_kind"]
            if not decisions.refusals(combinations.complete({**tree, "project_kind": kind}))
        }
        chosen = [_tree_signature(tree, kind) for kind in combinations.kinds_for(tree)]
        assert set(chosen) == every, f"kinds_for misses a tree: {tree}"
        assert len(set(chosen)) == len(chosen), f"kinds_for renders a tree twice: {tree}"


def test_every_combination_is_valid_and_complete() -> None:
    for combo in combinations.valid_combinations():
        assert decisions.refusals(combinations.complete(combo)) == [], combo
        for axis in combinations.PAIRWISE_AXES:
            if combinations.is_asked(axis, combo):
                assert combo[axis] in combinations.axis_values(axis), (axis, combo)
            else:
                assert axis not in combo, (axis, combo)


def test_python_versions_meet_every_value() -> None:
    """Cycling, not multiplying, still puts each Python version with every value of every axis."""
    seen = set()
    for combo in combinations.valid_combinations():
        for axis in combinations.TREE_AXES:
            if axis in combo:
                seen.add((combo["python_version"], axis, combo[axis]))
    for version in decisions.CHOICES["python_version"]:
        for combo in combinations.valid_combinations():
            for axis in combinations.TREE_AXES:
                if axis in combo:
                    assert (version, axis, combo[axis]) in seen


def test_row_ids_are_unique_and_k_friendly() -> None:
    space = combinations._pairwise_space()
    ids = [combinations.row_id(combo) for combo in space]
    # The array's universe holds every docker, CI and Python value the enumeration rotates.
    rotated = [*combinations.ALTERNATED_AXES, *combinations.ROTATED_AXES, *combinations.CYCLED_AXES]
    per_tree = math.prod(len(combinations.axis_values(axis)) for axis in rotated)
    assert len(set(ids)) == len(ids) == per_tree * len(combinations.valid_combinations())
    for row in ids:
        assert re.fullmatch(r"[a-z0-9_]+(-[a-z0-9_]+)*", row), row
    # Neither id is a substring of another, so `pytest -k ID` selects exactly one row.
    covering = [combinations.row_id(row) for row in combinations.covering_array()]
    for one, other in itertools.permutations(covering, 2):
        assert one not in other


# ----------------------------------------------------------------- the covering array


def test_the_covering_array_holds_every_pair() -> None:
    """Brute force: each pair of values co-occurring in a valid combination is in some row."""
    rows = combinations.covering_array()
    covered = set()
    for row in rows:
        covered |= combinations.pairs_of(row)
    axes = combinations.PAIRWISE_AXES
    missing = set()
    # The enumeration alternates metrics and rotates docker, CI and Python; pairwise, each
    # is a full axis.
    for tree, metrics, docker, ci, version in itertools.product(
        _brute_force_trees(),
        (False, True),
        (True, False),
        decisions.CHOICES["ci"],
        decisions.CHOICES["python_version"],
    ):
        full = {**tree, "metrics": metrics, "docker": docker, "ci": ci, "python_version": version}
        for a, b in itertools.combinations([x for x in axes if x in full], 2):
            if ((a, full[a]), (b, full[b])) not in covered:
                missing.add(((a, full[a]), (b, full[b])))
    assert sorted(missing, key=str) == []
    print(f"covering array: {len(rows)} rows hold {len(covered)} pairs")


def test_every_row_is_a_valid_combination() -> None:
    """Every row is in the universe, but a default row of a kind that renders no tree of its own.

    (A worker project renders an API project's tree: its row stands in for that one.)
    """
    space = {json.dumps(c, sort_keys=True) for c in combinations._pairwise_space()}
    defaults = combinations.default_rows()
    for row in combinations.covering_array():
        assert decisions.refusals(combinations.complete(row)) == [], row
        if row in defaults and row["project_kind"] not in combinations.kinds_for(row):
            kind = combinations.kinds_for(row)[0]
            row = {**row, "project_kind": kind}
            row["background_work"] = combinations.background_work_for(row)
        assert json.dumps(row, sort_keys=True) in space, row


def test_the_defaults_come_first() -> None:
    rows = combinations.covering_array()
    defaults = combinations.default_rows()
    assert rows[: len(defaults)] == defaults
    assert [row["project_kind"] for row in defaults] == list(decisions.CHOICES["project_kind"])
    assert [row["framework"] for row in defaults] == [
        decisions.recommend_framework(kind) for kind in decisions.CHOICES["project_kind"]
    ]
    assert {row["framework"] for row in defaults} == set(decisions.CHOICES["framework"])


def test_full_rows_derive_the_questionnaires_defaults() -> None:
    """A default row is what full_row() makes of its kind and framework alone."""
    for row in combinations.default_rows():
        chosen = ("project_kind", "framework", "concurrency", "project_size", "database")
        partial = {axis: row[axis] for axis in (*chosen, "task_queue") if axis in row}
        assert combinations.full_row(partial) == row


def test_default_rows_accept_every_recommendation() -> None:
    for kind in decisions.CHOICES["project_kind"]:
        row = combinations.default_answers(kind)
        framework = decisions.recommend_framework(kind)
        concurrency = decisions.recommend_concurrency(framework, "io_bound", False, True)
        assert row["framework"] == framework
        assert row.get("concurrency", concurrency) == concurrency
        assert ("concurrency" in row) == decisions.is_asked("concurrency", row)
        assert row["project_size"] == decisions.default_project_size(kind)
        assert row["database"] == decisions.default_database(kind)
        assert row["background_work"] == decisions.default_background_work(kind)
        assert row["task_queue"] == decisions.recommend_task_queue(
            row["background_work"], framework, concurrency, kind
        )
        for axis in ("workload", "docker", "ci", "python_version"):
            assert row[axis] == QUESTIONS[axis]["default"], axis


def test_the_array_stays_small() -> None:
    """Greedy is not optimal, but must stay near the bound.

    A row holds one pair of values of each two axes, so no array is smaller than the
    most coverable pairs two axes have (e.g. task queue x database: 6 x 3 = 18).
    """
    per_axes = collections.Counter((a[0], b[0]) for a, b in combinations.coverable_pairs())
    bound = max(per_axes.values())
    rows = combinations.covering_array()
    seeds = {combinations.row_id(row) for row in combinations.seed_rows()}
    greedy = [row for row in rows if combinations.row_id(row) not in seeds]
    assert bound <= len(rows)
    # The seeds already cover most pairs: the greedy rows only close the rest.
    assert len(greedy) <= bound


def test_the_array_is_deterministic() -> None:
    """Same rows in the same order, whatever the hash seed (set order must not leak in)."""
    outputs = set()
    for seed in ("0", "1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "tests.combinations", "--json"],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert outputs == {combinations.matrix_json() + "\n"}
    assert combinations.covering_array() == combinations.covering_array()


def test_the_matrix_json_is_what_ci_reads() -> None:
    matrix = json.loads(combinations.matrix_json())
    rows = combinations.project_rows()
    assert [entry["id"] for entry in matrix["include"]] == list(map(combinations.row_id, rows))
    assert [{k: v for k, v in e.items() if k != "id"} for e in matrix["include"]] == rows


def test_the_table_prints_every_row() -> None:
    text = combinations.table(combinations.covering_array())
    assert len(text.splitlines()) == 2 + len(combinations.covering_array())
    assert combinations.main(["--table"]) == 0
    assert combinations.main(["--nonsense"]) == 2


# ----------------------------------------------------------------- refused examples


def test_each_example_breaks_exactly_its_rule() -> None:
    examples = combinations.refused_examples()
    assert list(examples) == [rule.name for rule in decisions.REFUSAL_RULES]
    for rule in decisions.REFUSAL_RULES:
        assert decisions.refusals(examples[rule.name]) == [rule.message], rule.name


def test_each_example_is_minimal() -> None:
    """No smaller part of an example's changes from the defaults breaks the rule alone.

    (Setting broker without a queue that uses one would, but is never asked.)
    """
    base = {**combinations.default_answers("api"), "broker": "redis"}
    for rule in decisions.REFUSAL_RULES:
        example = combinations.refused_examples()[rule.name]
        changes = {k: v for k, v in example.items() if base.get(k) != v}
        # The model derives the work from the queue (combinations.background_work_for).
        derived = {"background_work"} if "task_queue" in changes else set()
        assert set(changes) - derived <= set(rule.axes), rule.name
        changes = {k: v for k, v in changes.items() if k not in derived - set(rule.axes)}
        for size in range(1, len(changes)):
            for subset in itertools.combinations(changes, size):
                partial = {**base, **{k: changes[k] for k in subset}}
                if "task_queue" in subset and "background_work" not in rule.axes:
                    partial["background_work"] = combinations.background_work_for(partial)
                assert decisions.refusals(partial) != [rule.message], (rule.name, subset)


def test_examples_use_offered_values_where_they_can() -> None:
    """Only rules about a value copier.yml lacks fall back to a value it does not offer."""
    for rule in decisions.REFUSAL_RULES:
        example = combinations.refused_examples()[rule.name]
        unoffered = combinations.uses_unoffered_values(example)
        for axis, value in unoffered.items():
            assert value in combinations.NOT_YET_OFFERED[axis], (rule.name, axis)
        if not unoffered:
            continue
        # No example made of offered values alone breaks this rule.
        offered_axes = [combinations.axis_values(a) for a in rule.axes]
        base = {**combinations.default_answers("api"), "broker": "redis"}
        for values in itertools.product(*offered_axes):
            candidate = {**base, **dict(zip(rule.axes, values, strict=True))}
            assert decisions.refusals(candidate) != [rule.message], (rule.name, candidate)


# --------------------------------------------------------------------------- project rows


def test_project_rows_start_with_the_covering_array_and_are_valid() -> None:
    rows = combinations.project_rows()
    assert rows[: len(combinations.covering_array())] == combinations.covering_array()
    ids = [combinations.row_id(row) for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert combinations.refusals(row) == [], row


@pytest.mark.parametrize("framework", ["fastapi", "django", "flask"])
def test_project_rows_hold_what_the_issues_name(framework: str) -> None:
    """Every size x allowed concurrency with SQLite, and by feature in both packages."""
    rows = [r for r in combinations.project_rows() if r["framework"] == framework]
    concurrencies = {"flask": ("sync",)}.get(framework, ("async", "sync"))
    for size in ("small", "medium", "large"):
        for concurrency in concurrencies:
            assert any(
                r["project_size"] == size
                and combinations.concurrency_of(r) == concurrency
                and r["database"] == "sqlite"
                for r in rows
            ), (size, concurrency)
    by_feature = {r["project_size"] for r in rows if r.get("code_organization") == "by_feature"}
    assert by_feature == {"medium", "large"}
    for axis, value in [("workload", "cpu_bound"), ("workload", "mixed"), ("docker", False)]:
        assert any(r[axis] == value for r in rows), (axis, value)


def test_project_rows_run_postgresql_for_every_framework_and_concurrency() -> None:
    rows = combinations.project_rows()
    for framework in decisions.CHOICES["framework"]:
        for concurrency in decisions.CHOICES["concurrency"]:
            answers = {"framework": framework, "concurrency": concurrency, "database": "postgresql"}
            if combinations.refusals({**answers, "project_size": "medium", "task_queue": "none"}):
                continue  # the questionnaire refuses it: nothing to run
            sizes = {
                r["project_size"]
                for r in rows
                if all(combinations.complete(r)[key] == value for key, value in answers.items())
            }
            assert {"medium", "large"} <= sizes, answers


def test_required_rows_run_every_task_queue() -> None:
    """The rows the issues name run each durable queue with every framework, concurrency
    and broker it allows (a real worker against a real broker), not only by the array's luck.
    """
    required = [combinations.full_row(partial) for partial in combinations.REQUIRED_ROWS]
    valid = combinations.valid_combinations()
    for axis in ("framework", "concurrency", "broker"):
        allowed = {
            (c["task_queue"], combinations.complete(c)[axis])
            for c in valid
            if c["task_queue"] in layout.DURABLE_QUEUES
        }
        held = {
            (r["task_queue"], combinations.complete(r)[axis])
            for r in required
            if (r["task_queue"], combinations.complete(r)[axis]) in allowed
        }
        assert held == allowed, axis
