"""Rewrite a project's recorded answers that this release no longer accepts.

``copier update`` drops a recorded answer its questionnaire refuses and, with
``--defaults``, takes the default instead, deleting every file the old answer
rendered. copier.yml runs this script before each update (a ``_migrations``
entry for the ``before`` stage), so such answers are first rewritten to the
answers that render the same project under this release.

It runs on every update: each rewrite applies only to answers this release
refuses, so a second run changes nothing. It uses the standard library alone
(Copier's interpreter runs it, with nothing of the template importable).

Usage: python answers_migration.py .copier-answers.yml
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path

# decisions.DURABLE_QUEUES (this script runs alone, with nothing of the template importable).
_DURABLE_QUEUES = frozenset({"celery", "arq", "rq", "dramatiq"})
_ANSWER_LINE = re.compile(r"^(?P<key>[a-z_]+): *(?P<value>.*?) *$")


def migrate(answers: Mapping[str, str]) -> dict[str, str]:
    """The answers with every retired or contradictory answer rewritten.

    Values are the answers file's scalars as text. Each rewrite keeps the
    rendered project the same:

    * ``background_work: workflows`` rendered exactly what ``durable`` renders
      (0.4.0 merged them);
    * a durable queue recorded with ``background_work: none`` rendered that
      queue's jobs: the work is durable;
    * FastAPI's BackgroundTasks recorded with durable work rendered in-process
      tasks: the work is fire-and-forget;
    * ``task_queue: none`` with background work rendered no background work;
    * a full-stack Django project without a database, or a worker kind without
      background work, rendered what the ``api`` kind renders.
    """
    result = dict(answers)
    work = result.get("background_work")
    queue = result.get("task_queue", "none")
    if work == "workflows":
        work = "durable"
    if work is not None:
        if queue in _DURABLE_QUEUES and work == "none":
            work = "durable"
        elif queue == "background_tasks" and work != "fire_and_forget":
            work = "fire_and_forget"
        elif queue == "none":
            work = "none"
        result["background_work"] = work
    kind = result.get("project_kind")
    full_stack_without_data = (
        kind == "fullstack"
        and result.get("framework") == "django"
        and result.get("database") == "none"
    )
    if full_stack_without_data or (kind == "worker" and work == "none"):
        result["project_kind"] = "api"
    return result


def rewrite(text: str) -> str:
    """The answers file's text with :func:`migrate` applied, every other line kept."""
    lines = text.splitlines(keepends=True)
    answers = {}
    for line in lines:
        if match := _ANSWER_LINE.match(line):
            answers[match["key"]] = match["value"]
    changed = migrate(answers)
    out = []
    for line in lines:
        match = _ANSWER_LINE.match(line)
        if match and changed[match["key"]] != match["value"]:
            newline = line[len(line.rstrip("\r\n")) :]
            line = f"{match['key']}: {changed[match['key']]}{newline}"
        out.append(line)
    return "".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[0])
    text = path.read_text(encoding="utf-8")
    new = rewrite(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"{path}: answers this release no longer accepts were rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
