"""Terminal tier: the questionnaire as a person meets it, driven with the keys.

The real ``copier copy`` runs in a pseudo-terminal 80 columns wide; a terminal
emulator (pyte) keeps the screen it draws, and the tests read that screen and
answer with arrow keys, Enter and typed text, as a person would. The ``-d``
path is the questionnaire tier's (tests/test_questionnaire.py); here every
refusal rule whose choice can appear on screen is shown disabled, with its
reason, and cannot be chosen.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pexpect
import pyte
import pytest
import yaml

from extensions import decisions
from tests import combinations
from tests.support import ANSWERS_FILE, PROJECT_NAME, REPO_ROOT, copier_cli, tool

pytestmark = pytest.mark.terminal

COLUMNS, ROWS = 80, 40
COPIER_YML: dict[str, Any] = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
QUESTIONS = {key: value for key, value in COPIER_YML.items() if not key.startswith("_")}
POINTER = "»"
TIMEOUT = 30.0
CURSOR_POSITION_REQUEST = b"\x1b[6n"


def first_line(question: str) -> str:
    return str(QUESTIONS[question]["help"]).splitlines()[0]


def labels(question: str) -> dict[Any, str]:
    """value -> label of a menu question."""
    found = {}
    for label, choice in QUESTIONS[question]["choices"].items():
        found[choice["value"] if isinstance(choice, dict) else choice] = label
    return found


class Terminal:
    """``copier copy`` in a pseudo-terminal, with the screen an 80-column terminal shows."""

    def __init__(self, template: Path, destination: Path, *, update: bool = False) -> None:
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS)}
        env.pop("NO_COLOR", None)
        if update:
            argv, cwd = ["update", "--trust"], destination
        else:
            argv = ["copy", "--trust", "--vcs-ref", "HEAD", str(template), str(destination)]
            cwd = destination.parent
        self.child = pexpect.spawn(
            str(tool("copier")), argv, dimensions=(ROWS, COLUMNS), env=env, cwd=str(cwd)
        )
        self.transcript: list[str] = []

    def pump(self, seconds: float) -> None:
        try:
            data = self.child.read_nonblocking(65536, timeout=seconds)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            time.sleep(seconds)
            return
        # Answer each cursor-position request as a terminal does: prompt_toolkit asks
        # where the cursor is before it draws, and redraws later when nobody answers.
        *before_requests, rest = data.split(CURSOR_POSITION_REQUEST)
        for chunk in before_requests:
            self.stream.feed(chunk)
            row, column = self.screen.cursor.y + 1, self.screen.cursor.x + 1
            self.child.send(f"\x1b[{row};{column}R")
        self.stream.feed(rest)
        self.transcript.append(data.decode(errors="replace"))

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait_for(self, needle: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > deadline:
                msg = f"{needle!r} never appeared; the screen:\n{self.text()}"
                raise AssertionError(msg)
            self.pump(0.2)

    def settle(self, quiet: float = 0.4) -> None:
        """Read until the program has drawn nothing new for ``quiet`` seconds."""
        before = None
        while before != self.text():
            before = self.text()
            self.pump(quiet)

    def send(self, keys: str) -> None:
        self.child.send(keys)
        self.settle()

    def finish(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while self.child.isalive():
            if time.monotonic() > deadline:
                self.child.terminate(force=True)
                msg = f"copier did not finish; the screen:\n{self.text()}"
                raise AssertionError(msg)
            self.pump(0.5)
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


UP, DOWN, ENTER, CTRL_C, BACKSPACE = "\x1b[A", "\x1b[B", "\r", "\x03", "\x7f"


def menu(term: Terminal, question: str) -> dict[str, tuple[int, bool, str]]:
    """label -> (screen row, disabled, reason) of the menu now on screen."""
    term.wait_for(first_line(question))
    term.wait_for("(Use arrow keys)")
    term.settle()
    shown: dict[str, tuple[int, bool, str]] = {}
    lines = term.lines()
    # The menu is drawn below the question's last appearance (answers above may repeat labels).
    start = max(row for row, line in enumerate(lines) if first_line(question) in line)
    for value, label in labels(question).items():
        for row, line in enumerate(lines[start:], start):
            disabled = re.fullmatch(rf" {{3}}- {re.escape(label)} \((?P<why>.*)\)", line)
            if disabled:
                shown[label] = (row, True, disabled["why"])
                break
            if re.fullmatch(rf" (?: {{2}}|{POINTER} ){re.escape(label)}", line):
                shown[label] = (row, False, "")
                break
        else:
            msg = f"{question}: choice {label!r} ({value}) is not on screen:\n{term.text()}"
            raise AssertionError(msg)
    return shown


def pointed(term: Terminal, timeout: float = TIMEOUT) -> str:
    """The label the menu's pointer is on, once the menu is drawn."""
    deadline = time.monotonic() + timeout
    while True:
        for line in reversed(term.lines()):
            if line.startswith(f" {POINTER} "):
                return line[3:]
        if time.monotonic() > deadline:
            msg = f"no choice is pointed at:\n{term.text()}"
            raise AssertionError(msg)
        term.settle()


def press(term: Terminal, key: str, shown: Mapping[str, tuple[int, bool, str]]) -> str:
    """Press an arrow key in the menu ``shown``; wait for the pointer's move and return it.

    The pointer moves to the next enabled choice in the key's direction and wraps
    around; waiting for that exact choice (not for a quiet screen) keeps a slow,
    loaded machine from reading the screen before the redraw.
    """
    enabled = [
        label
        for label, (_, disabled, _) in sorted(shown.items(), key=lambda kv: kv[1][0])
        if not disabled
    ]
    current = pointed(term)
    if len(enabled) < 2:  # nowhere to move
        term.send(key)
        return pointed(term)
    step = 1 if key == DOWN else -1
    expected = enabled[(enabled.index(current) + step) % len(enabled)]
    term.child.send(key)
    deadline = time.monotonic() + TIMEOUT
    while (now := pointed(term)) != expected:
        if time.monotonic() > deadline:
            msg = f"{key!r} moved the pointer to {now!r}, not {expected!r}:\n{term.text()}"
            raise AssertionError(msg)
        term.pump(0.2)
    return expected


def choose(term: Terminal, question: str, value: Any) -> None:
    """Move the pointer to ``value``'s label with the arrow keys and press Enter."""
    if isinstance(value, bool):
        term.wait_for(first_line(question))
        term.send("y" if value else "n")
        return
    target = labels(question)[value]
    shown = menu(term, question)
    for _ in range(len(shown) + 1):
        if pointed(term) == target:
            term.send(ENTER)
            return
        press(term, DOWN, shown)
    msg = f"{question}: the pointer never reached {target!r}:\n{term.text()}"
    raise AssertionError(msg)


def answer_text(term: Terminal, question: str, text: str | None) -> None:
    term.wait_for(first_line(question))
    term.settle()
    if text is not None:
        term.send(text)
    term.send(ENTER)


TEXT_QUESTIONS = ("project_slug", "package_name", "description", "author_name", "author_email")


def walk(term: Terminal, answers: Mapping[str, Any], until: str | None = None) -> Iterator[str]:
    """Answer the questionnaire in order: ``answers`` where given, Enter elsewhere.

    Yields each question as it is answered; stops before ``until``.
    """
    answer_text(term, "project_name", PROJECT_NAME)
    for question in TEXT_QUESTIONS:
        answer_text(term, question, None)
    so_far: dict[str, Any] = {}
    for question in ("python_version", *decisions.QUESTION_ORDER):
        if question == until:
            return
        if not decisions.is_asked(question, so_far):
            so_far[question] = QUESTIONS[question]["default"]
            if "{" in str(so_far[question]):
                so_far[question] = decisions.computed_default(question, so_far)
            continue
        if question in answers:
            choose(term, question, answers[question])
            so_far[question] = answers[question]
        else:
            default = QUESTIONS[question]["default"]
            if "{" in str(default):
                default = decisions.computed_default(question, so_far)
            if "choices" in QUESTIONS[question]:
                assert pointed(_wait_menu(term, question)) == labels(question)[default], question
            else:
                term.wait_for(first_line(question))
            term.send(ENTER)
            so_far[question] = default
        yield question


def _wait_menu(term: Terminal, question: str) -> Terminal:
    menu(term, question)
    return term


def test_the_default_walk_renders_the_recommended_project(
    template_repo: Path, tmp_path: Path
) -> None:
    """Enter at every question: the project is the api kind's recommended one."""
    destination = tmp_path / "acme-orders"
    term = Terminal(template_repo, destination)
    asked = list(walk(term, {}))
    assert term.finish() == 0, term.text()
    recorded = yaml.safe_load((destination / ANSWERS_FILE).read_text())
    expected = combinations.default_answers("api")
    expected.pop("task_queue")  # skipped without background work (not recorded)
    assert {key: recorded.get(key) for key in expected} == expected
    # Without background work neither the queue nor the broker is asked.
    assert "task_queue" not in asked
    assert "broker" not in asked
    assert "Your project" in term.text()


# The rules a person meets in a menu: the refused choice is on screen.
ON_SCREEN = [
    rule
    for rule in decisions.REFUSAL_RULES
    if decisions.is_asked(
        rule.asked_by, combinations.complete(combinations.refused_examples()[rule.name])
    )
]


def test_every_rule_is_covered_on_screen_or_through_d() -> None:
    """Rules whose question is skipped where they apply are the -d path's (test_refusal_rule)."""
    through_d = [rule for rule in decisions.REFUSAL_RULES if rule not in ON_SCREEN]
    for rule in through_d:
        example = combinations.complete(combinations.refused_examples()[rule.name])
        assert not decisions.is_asked(rule.asked_by, example), rule.name
    assert len(ON_SCREEN) + len(through_d) == len(decisions.REFUSAL_RULES)
    assert len(ON_SCREEN) >= 6
    print(f"{len(ON_SCREEN)} refusal rules tested on screen, {len(through_d)} through -d")


@pytest.mark.parametrize("rule", ON_SCREEN, ids=lambda rule: rule.name)
def test_a_refused_choice_is_shown_disabled_and_cannot_be_chosen(
    template_repo: Path, tmp_path: Path, rule: decisions.Rule
) -> None:
    example = combinations.complete(combinations.refused_examples()[rule.name])
    refused_value = example[rule.asked_by]
    earlier = {
        key: value
        for key, value in example.items()
        if key in decisions.QUESTION_ORDER
        and decisions.QUESTION_ORDER.index(key) < decisions.QUESTION_ORDER.index(rule.asked_by)
    }
    destination = tmp_path / "project"
    term = Terminal(template_repo, destination)
    for _ in walk(term, earlier, until=rule.asked_by):
        pass
    shown = menu(term, rule.asked_by)
    label = labels(rule.asked_by)[refused_value]
    row, disabled, why = shown[label]
    assert disabled, term.text()
    assert why == rule.message
    assert len(term.lines()[row]) <= COLUMNS
    # Every arrow press skips the disabled choice; the default is never disabled.
    assert not shown[pointed(term)][1]
    for key in (DOWN,) * (len(shown) + 1) + (UP,) * (len(shown) + 1):
        assert press(term, key, shown) != label, term.text()
    # Leave without rendering anything.
    term.child.send(CTRL_C)
    assert term.finish() != 0
    assert not destination.exists() or not any(destination.iterdir())


def test_a_refused_typed_answer_is_corrected_in_place(template_repo: Path, tmp_path: Path) -> None:
    destination = tmp_path / "project"
    term = Terminal(template_repo, destination)
    answer_text(term, "project_name", PROJECT_NAME)
    answer_text(term, "project_slug", None)
    term.wait_for(first_line("package_name"))
    term.settle()
    term.send(BACKSPACE * 20 + "class")
    term.send(ENTER)
    term.wait_for("is a Python keyword")
    term.send(BACKSPACE * 5 + "acme_core")
    term.send(ENTER)
    term.wait_for(first_line("description"))
    term.child.send(CTRL_C)
    term.finish()


def test_every_question_fits_an_80_column_screen(template_repo: Path, tmp_path: Path) -> None:
    """Walk a path that asks every question; each help line is on screen, whole."""
    destination = tmp_path / "project"
    term = Terminal(template_repo, destination)
    answers = {
        "framework": "fastapi",
        "project_size": "large",
        "background_work": "durable",
        "task_queue": "celery",
    }
    seen: set[str] = set()
    for question in walk(term, answers):
        seen.add(question)
    term.child.send(CTRL_C)
    transcript = pyte.Screen(COLUMNS, 2000)
    pyte.ByteStream(transcript).feed("".join(term.transcript).encode())
    lines = [line.rstrip() for line in transcript.display]
    missing = []
    for question in seen:
        for line in str(QUESTIONS[question]["help"]).splitlines():
            if not any(line.strip() == shown.strip().removeprefix("🎤").strip() for shown in lines):
                missing.append(f"{question}: {line!r}")
    term.finish()
    assert set(decisions.QUESTION_ORDER) <= seen
    assert missing == []


# The walk-through of the issue that asked for this tier: full-stack, async, large,
# by feature, PostgreSQL, durable jobs, the recommended queue, GitLab. Its answers are a
# required row of the project tier (tests/combinations.py), which runs `make check`.
WALK_THROUGH = {
    "project_kind": "fullstack",
    "concurrency": "async",
    "project_size": "large",
    "code_organization": "by_feature",
    "database": "postgresql",
    "background_work": "durable",
    "ci": "gitlab",
}


def test_the_walk_through_renders_a_project_tier_row(template_repo: Path, tmp_path: Path) -> None:
    destination = tmp_path / "project"
    term = Terminal(template_repo, destination)
    asked = list(walk(term, WALK_THROUGH))
    assert term.finish() == 0, term.text()
    recorded = yaml.safe_load((destination / ANSWERS_FILE).read_text())
    # ARQ is recommended for async durable jobs; it runs on Redis, so no broker is asked.
    assert recorded["task_queue"] == "arq"
    assert "broker" not in asked
    row = {axis: recorded[axis] for axis in combinations.TREE_AXES if axis in recorded}
    rows = [
        {axis: r[axis] for axis in combinations.TREE_AXES if axis in r and axis != "broker"}
        for r in combinations.project_rows()
    ]
    assert row in rows


def test_an_update_shows_the_framework_and_layout_kept(template_repo: Path, tmp_path: Path) -> None:
    """copier update, interactive: other frameworks and sizes are disabled, with the reason."""
    destination = tmp_path / "acme-orders"
    outcome = copier_cli(template_repo, destination, {"project_name": PROJECT_NAME})
    assert outcome.ok, outcome.report()
    for command in (
        ["init", "--quiet"],
        ["add", "--all"],
        ["commit", "--quiet", "-m", "Generated"],
    ):
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *command],
            cwd=destination,
            check=True,
        )
    term = Terminal(template_repo, destination, update=True)
    answer_text(term, "project_name", None)
    for question in TEXT_QUESTIONS:
        answer_text(term, question, None)
    choose(term, "python_version", "3.13")
    choose(term, "project_kind", "api")
    shown = menu(term, "framework")
    for value, label in labels("framework").items():
        disabled, why = shown[label][1], shown[label][2]
        if value == "fastapi":
            assert not disabled
        else:
            assert (disabled, why) == (True, decisions.SET_AT_COPY["framework"])
    term.child.send(CTRL_C)
    assert term.finish() != 0
