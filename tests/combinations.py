"""Every valid answer set, a pairwise covering array of them, and one refused example per rule.

The axes, their values and the refusal rules live in :mod:`decisions`
(``CHOICES`` and ``REFUSAL_RULES``); this module only multiplies them out.
Nothing here performs I/O, so the test suite, the template's own CI (through
``python -m tests.combinations``) and the project tier all see the same
combinations in the same order.

Which axes are multiplied, and why:

* **Tree axes** (:data:`TREE_AXES`) change which files are rendered or what
  they contain structurally: framework, concurrency, project size, code
  organisation, database, workload, task queue, broker, docker and CI.
  Every valid combination of them is enumerated, except that ``docker`` and
  ``ci`` rotate over the workload axis (:data:`ROTATED_AXES`): they change
  container and CI files only, workload changes Python modules only.
* **Conditional axes** exist only where the questionnaire asks them:
  ``code_organization`` when ``project_size`` is not ``small``, ``broker`` when
  the task queue lets the user choose one (``decisions.ASKED_WHEN``). Where a question is not
  asked its key is left out of the combination (Copier applies the default),
  so an unasked question never multiplies the count.
* ``project_kind`` takes the kind whose recommended framework is the chosen
  one, plus every other kind that renders a different tree (:func:`kinds_for`:
  API-only next to full-stack Django).
* **Derived answer**: ``background_work`` is the answer that leads to the
  chosen task queue.
* **Cycled axis**: ``python_version`` changes a handful of strings
  (requires-python, ruff's target, the Docker base image, the CI interpreter),
  never which files exist; every module is byte-compiled with the target
  interpreter anyway. Multiplying it would double the render tier for no new
  tree, so the enumeration cycles it (each version still meets every value of
  every other axis), while the covering array treats it as a full axis.
* ``blocking_libraries`` and ``team_knows_async`` only steer the recommended
  concurrency and a sentence of docs/decisions.md: they keep their defaults.
"""

from __future__ import annotations

import collections
import functools
import itertools
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from extensions import decisions

# The axes that change the rendered tree, in the order combinations are multiplied out
# (and the order of the parts of a row id).
TREE_AXES: tuple[str, ...] = (
    "framework",
    "concurrency",
    "project_size",
    "code_organization",
    "database",
    "project_kind",
    "workload",
    "task_queue",
    "broker",
    "metrics",
    "docker",
    "ci",
)
# Cycled through the enumeration; a full axis of the covering array.
CYCLED_AXES: tuple[str, ...] = ("python_version",)
# Tree axes that only change files no other axis but the service choices reaches (the
# Dockerfile, compose.yaml, the CI workflow and two Markdown files; never a Python module).
# The enumeration rotates them over the workload axis, which changes Python modules only:
# each workload block of three holds both docker values and all three CI systems, so every
# other combination of the tree axes meets each of them (tests/unit/test_combinations.py).
ROTATED_AXES: tuple[str, ...] = ("docker", "ci")
# A yes/no axis that adds modules of its own (and lines to the app factory and the logging
# module): it alternates within each workload block, so every combination of the other tree
# axes is rendered with it and without it.
ALTERNATED_AXES: tuple[str, ...] = ("metrics",)
# The order the enumeration multiplies the other tree axes in: workload innermost.
ENUMERATED_AXES: tuple[str, ...] = (
    *(a for a in TREE_AXES if a not in (*ROTATED_AXES, *ALTERNATED_AXES) and a != "workload"),
    "workload",
)
# Answers that follow from the tree axes (see the module docstring).
DERIVED_AXES: tuple[str, ...] = ("background_work",)
# Questions that change text only and keep their defaults everywhere.
TEXT_ONLY_AXES: tuple[str, ...] = ("blocking_libraries", "team_knows_async")
# The axes the covering array covers pairwise.
PAIRWISE_AXES: tuple[str, ...] = (*TREE_AXES, *CYCLED_AXES)

# Values the refusal rules already speak about although copier.yml does not offer
# them yet. refused_examples() may use them (a rule about ARQ needs ARQ); valid
# combinations never do. A value moves out of here when copier.yml offers it.
NOT_YET_OFFERED: dict[str, tuple[str, ...]] = {
    "project_kind": ("ml_api", "cli"),
}

# copier.yml's fixed (non-computed) defaults, for the questions whose default is
# not a decisions.* recommendation. tests/unit/test_combinations.py compares them
# with copier.yml.
FIXED_DEFAULTS: dict[str, Any] = {
    "python_version": "3.13",
    "workload": "io_bound",
    "blocking_libraries": False,
    "team_knows_async": True,
    "code_organization": "by_layer",
    "broker": "redis",
    "metrics": False,
    "docker": True,
    "ci": "github",
}


def axis_values(axis: str) -> tuple[Any, ...]:
    """The values the questionnaire offers for ``axis``, the default first (docker and
    metrics are yes/no questions)."""
    if axis == "docker":
        return (True, False)
    if axis == "metrics":
        return (False, True)
    return decisions.CHOICES[axis]


def kinds_for(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The project kinds that render different trees for these answers, recommended first.

    Only full-stack Django renders pages (extensions/fw_django.py), and a
    full-stack project needs a database; elsewhere the kind sets defaults and a
    sentence of docs/decisions.md, and follows the framework.
    tests/unit/test_combinations.py checks this against the project facts.
    """
    if answers["framework"] != "django":
        return (project_kind_for(answers["framework"]),)
    # A full-stack project needs a database (decisions.REFUSAL_RULES).
    return ("fullstack", "api") if answers["database"] != "none" else ("api",)


def values_for(axis: str, answers: Mapping[str, Any]) -> tuple[Any, ...]:
    """The values of ``axis`` worth rendering given the earlier answers (none if not asked)."""
    if not is_asked(axis, answers):
        return ()
    if axis == "project_kind":
        return kinds_for(answers)
    return axis_values(axis)


def is_asked(axis: str, answers: Mapping[str, Any]) -> bool:
    """Whether a row holds ``axis``, given the earlier answers (copier.yml's ``when``).

    The model enumerates ``task_queue`` and derives ``background_work`` from it,
    so every row holds a queue (``none`` where the questionnaire, asked for no
    background work, skips the question and takes that default).
    """
    if axis == "task_queue":
        return True
    full = {axis: FIXED_DEFAULTS[axis] for axis in TEXT_ONLY_AXES}
    full.update(answers)
    return decisions.is_asked(axis, full)


def project_kind_for(framework: str) -> str:
    """The first project kind whose recommended framework is ``framework``."""
    for kind in decisions.CHOICES["project_kind"]:
        if decisions.recommend_framework(kind) == framework:
            return kind
    return decisions.CHOICES["project_kind"][0]


def background_work_for(answers: Mapping[str, Any]) -> str:
    """The background_work answer whose recommended queue is the chosen ``task_queue``.

    ``none`` leads to no queue. The kind's own default comes first where it leads
    there (a worker project's ``durable``, as the questionnaire answers it); when
    no answer recommends the queue (the user overrode the recommendation) the
    first kind of background work is taken.
    """
    queue = answers["task_queue"]
    offered = decisions.CHOICES["background_work"]
    if queue == "none":
        return "none"
    default = decisions.default_background_work(answers["project_kind"])
    for work in sorted(offered, key=lambda work: work != default):
        if work == "none":
            continue
        recommended = decisions.recommend_task_queue(
            work, answers["framework"], concurrency_of(answers), answers["project_kind"]
        )
        if recommended == queue:
            return work
    return next(work for work in offered if work != "none")


def concurrency_of(answers: Mapping[str, Any]) -> str:
    """The concurrency answer, or the default the questionnaire takes where it is not asked."""
    if "concurrency" in answers:
        return str(answers["concurrency"])
    return decisions.recommend_concurrency(
        answers["framework"],
        answers.get("workload", FIXED_DEFAULTS["workload"]),
        FIXED_DEFAULTS["blocking_libraries"],
        FIXED_DEFAULTS["team_knows_async"],
    )


def complete(answers: Mapping[str, Any]) -> dict[str, Any]:
    """``answers`` with every answer the refusal rules read (defaults where unasked)."""
    full = dict(answers)
    full.setdefault("project_kind", project_kind_for(full["framework"]))
    full.setdefault("concurrency", concurrency_of(full))
    full.setdefault("background_work", background_work_for(full))
    for axis in ("code_organization", "broker"):
        full.setdefault(axis, FIXED_DEFAULTS[axis])
    return full


def refusals(answers: Mapping[str, Any]) -> list[str]:
    """The refusal messages a (possibly partial) combination meets."""
    return decisions.refusals(complete(answers))


def _tree_products() -> Iterator[dict[str, Any]]:
    """Every assignment of the tree axes, asked axes only, in a fixed order."""

    def extend(prefix: dict[str, Any], axes: Sequence[str]) -> Iterator[dict[str, Any]]:
        if not axes:
            yield dict(prefix)
            return
        axis, rest = axes[0], axes[1:]
        values = values_for(axis, prefix)
        if not values:
            yield from extend(prefix, rest)
            return
        for value in values:
            yield from extend({**prefix, axis: value}, rest)

    # Conditional axes come after the axes their values depend on.
    yield from extend({}, ENUMERATED_AXES)


def _with_derived(tree: Mapping[str, Any]) -> dict[str, Any]:
    combo = dict(tree)
    combo["background_work"] = background_work_for(combo)
    return combo


@functools.cache
def _valid_trees() -> tuple[dict[str, Any], ...]:
    return tuple(combo for combo in map(_with_derived, _tree_products()) if not refusals(combo))


def valid_combinations() -> list[dict[str, Any]]:
    """Every valid combination of the tree axes, with derived answers and the rotated axes.

    The order is fixed (the product of :data:`ENUMERATED_AXES` in ``CHOICES``
    order). ``docker`` and ``ci`` rotate with every combination, ``python_version``
    with every workload block, so both meet every value of the other axes.
    """
    versions = axis_values("python_version")
    dockers, cis = axis_values("docker"), axis_values("ci")
    metrics = axis_values("metrics")
    block = len(axis_values("workload"))
    combos = []
    for index, tree in enumerate(_valid_trees()):
        # Every CI system in each workload block; docker alternates within the block and
        # shifts by one every other block, so each service choice meets every docker x ci.
        combos.append(
            _ordered(
                tree,
                docker=dockers[(index + index // (2 * block)) % len(dockers)],
                ci=cis[index % len(cis)],
                # Both values within each workload block, the first shifting block by block.
                metrics=metrics[(index + index // block) % len(metrics)],
                python_version=versions[(index // block) % len(versions)],
            )
        )
    return combos


def _ordered(tree: Mapping[str, Any], **more: Any) -> dict[str, Any]:
    """``tree`` and ``more`` in the order of a row: tree axes, derived answers, Python."""
    combo = {**tree, **more}
    keys = (*TREE_AXES, *DERIVED_AXES, *CYCLED_AXES)
    return {axis: combo[axis] for axis in keys if axis in combo}


def count_by_framework() -> dict[str, int]:
    """How many valid combinations each framework has."""
    counts = dict.fromkeys(decisions.CHOICES["framework"], 0)
    for combo in _valid_trees():
        counts[combo["framework"]] += 1
    return counts


# --------------------------------------------------------------------------- defaults


def default_answers(project_kind: str) -> dict[str, Any]:
    """What the questionnaire answers when the user accepts every recommendation."""
    answers: dict[str, Any] = {
        "project_kind": project_kind,
        "framework": decisions.recommend_framework(project_kind),
        "workload": FIXED_DEFAULTS["workload"],
        "blocking_libraries": FIXED_DEFAULTS["blocking_libraries"],
        "team_knows_async": FIXED_DEFAULTS["team_knows_async"],
    }
    answers["concurrency"] = decisions.recommend_concurrency(
        answers["framework"],
        answers["workload"],
        answers["blocking_libraries"],
        answers["team_knows_async"],
    )
    answers["project_size"] = decisions.default_project_size(project_kind)
    if is_asked("code_organization", answers):
        answers["code_organization"] = FIXED_DEFAULTS["code_organization"]
    answers["database"] = decisions.default_database(project_kind)
    answers["background_work"] = decisions.default_background_work(project_kind)
    answers["task_queue"] = decisions.recommend_task_queue(
        answers["background_work"], answers["framework"], answers["concurrency"], project_kind
    )
    if is_asked("broker", answers):
        answers["broker"] = FIXED_DEFAULTS["broker"]
    for axis in ("metrics", "docker", "ci", "python_version"):
        answers[axis] = FIXED_DEFAULTS[axis]
    # The covering array's rows carry the tree axes, the derived and cycled answers only.
    return {
        key: answers[key]
        for key in (*TREE_AXES, *DERIVED_AXES, *CYCLED_AXES)
        if key in answers and is_asked(key, answers)
    }


def default_rows() -> list[dict[str, Any]]:
    """Each offered project kind's answers with every recommendation accepted."""
    return [default_answers(kind) for kind in decisions.CHOICES["project_kind"]]


# --------------------------------------------------------------------------- pairwise

Pair = tuple[tuple[str, Any], tuple[str, Any]]


def pairs_of(combo: Mapping[str, Any], axes: Sequence[str] = PAIRWISE_AXES) -> set[Pair]:
    """Every pair of (axis, value) a combination holds (unasked axes hold nothing)."""
    present = [(axis, combo[axis]) for axis in axes if axis in combo]
    return set(itertools.combinations(present, 2))


@functools.cache
def _pairwise_space() -> tuple[dict[str, Any], ...]:
    """The array's universe: every valid combination with every value of the rotated axes
    (the enumeration only rotates them) and every Python version."""
    return tuple(
        _ordered(tree, metrics=metrics, docker=docker, ci=ci, python_version=version)
        for tree in _valid_trees()
        for metrics in axis_values("metrics")
        for docker in axis_values("docker")
        for ci in axis_values("ci")
        for version in axis_values("python_version")
    )


def coverable_pairs() -> set[Pair]:
    """Every pair of values that co-occurs in at least one valid combination."""
    found: set[Pair] = set()
    for combo in _pairwise_space():
        found |= pairs_of(combo)
    return found


@functools.cache
def _covering_array() -> tuple[dict[str, Any], ...]:
    space = _pairwise_space()
    candidate_pairs = [frozenset(pairs_of(combo)) for combo in space]
    uncovered = set().union(*candidate_pairs)
    rows: list[dict[str, Any]] = []
    for row in seed_rows():
        if row_id(row) not in {row_id(r) for r in rows}:
            rows.append(row)
            uncovered -= pairs_of(row)
    # Greedy: each round takes the candidate with the largest weighted count of
    # still-uncovered pairs. A pair weighs more the fewer candidates hold it (it
    # must be taken with one of them) and the more pairs of its two axes are
    # still open (3 x 3 axis pairs need 9 rows between them: start early).
    # The first candidate wins a tie.
    # How many candidates hold a pair never changes: count once. Each pair gets a number,
    # each candidate the tuple of its pairs' numbers; a covered pair weighs 0, and a
    # candidate left with no open pair can never gain again: it is dropped.
    rarity = collections.Counter(pair for pairs in candidate_pairs for pair in pairs)
    numbers = {pair: number for number, pair in enumerate(sorted(rarity, key=repr))}
    holds = [tuple(numbers[pair] for pair in pairs) for pairs in candidate_pairs]
    live: Sequence[int] = range(len(space))
    while uncovered:
        open_pairs = collections.Counter((a[0], b[0]) for a, b in uncovered)
        weight = [0.0] * len(numbers)
        for a, b in uncovered:
            weight[numbers[(a, b)]] = open_pairs[(a[0], b[0])] / rarity[(a, b)]
        best, best_gain = -1, 0.0
        still_open = []
        for index in live:
            # fsum is exact whatever the order (a set's is hash-seeded): ties stay ties.
            gain = math.fsum(map(weight.__getitem__, holds[index]))
            if gain == 0:
                continue
            still_open.append(index)
            if gain > best_gain:
                best, best_gain = index, gain
        live = still_open
        rows.append(dict(space[best]))
        uncovered -= candidate_pairs[best]
    return tuple(rows)


def seed_rows() -> list[dict[str, Any]]:
    """The rows the array starts from: every kind's defaults, then the rows the issues name."""
    return [*default_rows(), *(full_row(partial) for partial in REQUIRED_ROWS)]


def covering_array() -> list[dict[str, Any]]:
    """Rows that hold every coverable pair of :data:`PAIRWISE_AXES` values, defaults first.

    The array starts from :func:`seed_rows` (each kind's defaults, then the
    required rows) and the greedy rows cover the pairs those leave open, so a
    required row also counts towards pairwise coverage. Every row is a valid
    combination with its derived answers; the result is deterministic.
    """
    return [dict(row) for row in _covering_array()]


# Values that would read ambiguously alone ("none") carry their axis.
_ID_PREFIX = {"database": "db", "task_queue": "queue", "broker": "broker", "ci": "ci"}


def row_id(answers: Mapping[str, Any]) -> str:
    """A stable, readable id for a combination: its tree values, then the Python version.

    Only the answers decide it (never a position), so a row keeps its id when
    the array changes around it. The project kind appears only where it is not
    the framework's own (``kind_api`` for an API-only Django). The characters
    are pytest ``-k`` friendly.
    """
    parts = []
    for axis in TREE_AXES:
        if axis not in answers:
            continue
        value = answers[axis]
        if axis == "docker":
            parts.append("docker" if value else "nodocker")
        elif axis == "metrics":
            # Only when on: the rows of projects without metrics keep the ids they had.
            if value:
                parts.append("metrics")
        elif axis == "project_kind":
            if value != project_kind_for(answers["framework"]):
                parts.append(f"kind_{value}")
        elif axis in _ID_PREFIX:
            parts.append(f"{_ID_PREFIX[axis]}_{value}")
        else:
            parts.append(str(value))
    if "python_version" in answers:
        parts.append("py" + str(answers["python_version"]).replace(".", ""))
    return "-".join(parts)


# --------------------------------------------------------------------------- refusals


def _search_values(axis: str) -> tuple[Any, ...]:
    return (*axis_values(axis), *NOT_YET_OFFERED.get(axis, ()))


def refused_examples() -> dict[str, dict[str, Any]]:
    """For each refusal rule, a minimal answer set that breaks that rule and no other.

    Starting from the defaults of the first project kind (``api``), the fewest
    of the rule's own axes are changed. Offered values are tried first, so the
    example can be given to the real questionnaire; only a rule that needs a
    value copier.yml does not offer yet uses :data:`NOT_YET_OFFERED`. The example
    may answer a question the questionnaire would skip (``broker`` for ARQ):
    Copier checks a ``-d`` answer to a skipped question against its choices too.
    """
    base = default_answers(decisions.CHOICES["project_kind"][0])
    base.setdefault("broker", FIXED_DEFAULTS["broker"])
    examples: dict[str, dict[str, Any]] = {}
    for rule in decisions.REFUSAL_RULES:
        examples[rule.name] = _minimal_example(rule, base)
    return examples


def _minimal_example(rule: decisions.Rule, base: Mapping[str, Any]) -> dict[str, Any]:
    # Offered values first: an example the real questionnaire can be given.
    for values_of in (axis_values, _search_values):
        for size in range(1, len(rule.axes) + 1):
            for axes in itertools.combinations(rule.axes, size):
                for values in itertools.product(*(values_of(axis) for axis in axes)):
                    changes = dict(zip(axes, values, strict=True))
                    if any(base.get(axis) == value for axis, value in changes.items()):
                        continue  # not a change: a smaller set already tried it
                    candidate = {**base, **changes}
                    if "task_queue" in changes and "background_work" not in rule.axes:
                        # The model derives the work from the queue (see the docstring).
                        candidate["background_work"] = background_work_for(candidate)
                    if decisions.refusals(candidate) == [rule.message]:
                        return candidate
    msg = f"no answer set breaks {rule.name!r} alone: is it reachable?"
    raise ValueError(msg)


def uses_unoffered_values(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers whose value copier.yml does not offer yet."""
    return {
        axis: value
        for axis, value in answers.items()
        if axis in decisions.CHOICES and value not in decisions.CHOICES[axis]
    }


# --------------------------------------------------------------------------- project rows

# Rows the issues name explicitly, on top of the pairwise array: every framework's
# size x concurrency with SQLite, the by-feature packages, PostgreSQL per framework and
# concurrency (medium and large), and every task queue with each framework and concurrency
# that allows it (each one with a real worker against a real broker). Unnamed axes take the
# questionnaire's defaults.
_S, _M, _L = "small", "medium", "large"
REQUIRED_ROWS: tuple[dict[str, Any], ...] = (
    # FastAPI with SQLite: every size x concurrency, by layer and by feature.
    {
        "framework": "fastapi",
        "concurrency": "async",
        "project_size": _S,
        "task_queue": "dramatiq",
        "broker": "rabbitmq",
    },
    {"framework": "fastapi", "concurrency": "sync", "project_size": _S, "docker": False},
    {"framework": "fastapi", "concurrency": "async", "project_size": _M},
    {"framework": "fastapi", "concurrency": "sync", "project_size": _M, "workload": "cpu_bound"},
    {"framework": "fastapi", "concurrency": "async", "project_size": _L, "workload": "mixed"},
    {"framework": "fastapi", "concurrency": "sync", "project_size": _L},
    {
        "framework": "fastapi",
        "concurrency": "async",
        "project_size": _M,
        "code_organization": "by_feature",
        "task_queue": "background_tasks",
    },
    {
        "framework": "fastapi",
        "concurrency": "sync",
        "project_size": _L,
        "code_organization": "by_feature",
        "ci": "none",
    },
    # FastAPI with PostgreSQL (asyncpg, psycopg 3).
    {
        "framework": "fastapi",
        "concurrency": "sync",
        "project_size": _M,
        "database": "postgresql",
        "task_queue": "rq",
    },
    {
        "framework": "fastapi",
        "concurrency": "async",
        "project_size": _M,
        "database": "postgresql",
        "task_queue": "arq",
    },
    {
        "framework": "fastapi",
        "concurrency": "async",
        "project_size": _L,
        "database": "postgresql",
        "task_queue": "celery",
        "python_version": "3.12",
    },
    {
        "framework": "fastapi",
        "concurrency": "sync",
        "project_size": _L,
        "code_organization": "by_feature",
        "database": "postgresql",
        "ci": "gitlab",
    },
    # Django with SQLite: every size x concurrency (WSGI and ASGI), pages and API-only.
    {"framework": "django", "concurrency": "sync", "project_size": _S},
    {"framework": "django", "concurrency": "async", "project_size": _S, "project_kind": "api"},
    {
        "framework": "django",
        "concurrency": "sync",
        "project_size": _M,
        "workload": "cpu_bound",
        "task_queue": "rq",
    },
    {
        "framework": "django",
        "concurrency": "async",
        "project_size": _M,
        "code_organization": "by_feature",
        "ci": "gitlab",
    },
    {"framework": "django", "concurrency": "async", "project_size": _L, "workload": "mixed"},
    {
        "framework": "django",
        "concurrency": "sync",
        "project_size": _L,
        "code_organization": "by_feature",
        "project_kind": "api",
        "docker": False,
    },
    # Django with PostgreSQL (psycopg 3 through Django's pool), WSGI and ASGI.
    {
        "framework": "django",
        "concurrency": "sync",
        "project_size": _M,
        "database": "postgresql",
        "task_queue": "celery",
        "broker": "rabbitmq",
    },
    {
        "framework": "django",
        "concurrency": "sync",
        "project_size": _L,
        "code_organization": "by_feature",
        "database": "postgresql",
        "task_queue": "dramatiq",
        "docker": False,
    },
    {
        "framework": "django",
        "concurrency": "async",
        "project_size": _M,
        "database": "postgresql",
        "task_queue": "arq",
        "ci": "gitlab",
    },
    # ... the questionnaire's walk-through (tests/test_terminal.py): full-stack, async,
    # large, by feature, PostgreSQL, durable jobs on the recommended queue, GitLab.
    {
        "framework": "django",
        "concurrency": "async",
        "project_size": _L,
        "code_organization": "by_feature",
        "database": "postgresql",
        "task_queue": "arq",
        "ci": "gitlab",
        "python_version": "3.12",
    },
    # Flask (sync only) with SQLite and PostgreSQL.
    {"framework": "flask", "concurrency": "sync", "project_size": _S},
    {"framework": "flask", "concurrency": "sync", "project_size": _M, "workload": "mixed"},
    {
        "framework": "flask",
        "concurrency": "sync",
        "project_size": _L,
        "code_organization": "by_feature",
        "workload": "cpu_bound",
    },
    {
        "framework": "flask",
        "concurrency": "sync",
        "project_size": _M,
        "code_organization": "by_feature",
        "database": "postgresql",
        "task_queue": "rq",
    },
    {
        "framework": "flask",
        "concurrency": "sync",
        "project_size": _L,
        "database": "postgresql",
        "workload": "mixed",
        "task_queue": "celery",
        "python_version": "3.12",
    },
    {
        "framework": "flask",
        "concurrency": "sync",
        "project_size": _S,
        "task_queue": "dramatiq",
        "broker": "rabbitmq",
    },
)


def full_row(partial: Mapping[str, Any]) -> dict[str, Any]:
    """A partial row with the questionnaire's defaults for every axis it leaves out."""
    answers: dict[str, Any] = {
        "project_kind": project_kind_for(partial["framework"]),
        "database": "sqlite",
        "task_queue": "none",
        **{key: value for key, value in FIXED_DEFAULTS.items() if key not in TEXT_ONLY_AXES},
        **partial,
    }
    row = {axis: answers[axis] for axis in TREE_AXES if is_asked(axis, answers)}
    row["background_work"] = background_work_for(row)
    row["python_version"] = answers["python_version"]
    return row


def project_rows() -> list[dict[str, Any]]:
    """The project tier: the covering array, which starts with the required rows."""
    return covering_array()


# --------------------------------------------------------------------------- printing


def matrix_json(rows: Iterable[Mapping[str, Any]] | None = None) -> str:
    """A GitHub Actions ``strategy.matrix`` value: ``{"include": [{"id": ..., ...}]}``."""
    rows = project_rows() if rows is None else rows
    return json.dumps(
        {"include": [{"id": row_id(row), **row} for row in rows]},
        separators=(",", ":"),
    )


def table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as a fixed-width text table (``-`` where a question is not asked)."""
    columns = ["#", *PAIRWISE_AXES]
    cells = [
        [str(index), *(_cell(row, axis) for axis in PAIRWISE_AXES)]
        for index, row in enumerate(rows, 1)
    ]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines)


def _cell(row: Mapping[str, Any], axis: str) -> str:
    if axis not in row:
        return "-"
    value = row[axis]
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def summary() -> str:
    counts = count_by_framework()
    per = ", ".join(f"{fw} {n}" for fw, n in counts.items())
    rows = covering_array()
    return (
        f"{sum(counts.values())} valid combinations ({per}); "
        f"covering array: {len(rows)} rows ({len(default_rows())} defaults), "
        f"{len(coverable_pairs())} pairs; project tier: {len(project_rows())} rows"
    )


_USAGE = """usage: python -m tests.combinations [--json | --table | --all | --ids]

  --json   the project tier's rows as a GitHub Actions matrix (one line)
  --table  the project tier's rows (covering array first) as a table, with a summary
  --all    every valid combination as a table
  --ids    the project tier's row ids, one per line
"""


def main(argv: Sequence[str]) -> int:
    mode = argv[0] if argv else "--table"
    if mode == "--json":
        print(matrix_json())
    elif mode == "--table":
        print(table(project_rows()))
        print(summary())
    elif mode == "--all":
        print(table(valid_combinations()))
        print(summary())
    elif mode == "--ids":
        print("\n".join(row_id(row) for row in project_rows()))
    else:
        print(_USAGE, file=sys.stderr)
        return 0 if mode in {"-h", "--help"} else 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
