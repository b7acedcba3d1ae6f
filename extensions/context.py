"""The Jinja extension Copier loads: exposes the decision logic and the layout.

``copier.yml`` lists this module in ``_jinja_extensions`` through
copier-template-extensions' loader. It adds:

* globals the questionnaire calls for its defaults, validators and conditions
  (``recommend_framework(...)``, ``validate_package_name(...)``,
  ``refused(question, value)`` for a choice, ``asked(question)`` for ``when``);
* once every answer is known, a ``project`` object with the ready-made facts
  template files read: flags, paths, import names and dependency versions.

Everything here is a pure function of the answers (and, on update, of the
answers the project records): no other I/O, no clock, no randomness, so
rendering is deterministic.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import shlex
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from copier_template_extensions import ContextHook
from jinja2 import Environment, Template, nodes, pass_context
from jinja2.runtime import Context

_HERE = Path(__file__).resolve().parent


def _load_package() -> ModuleType:
    """Import ``extensions/`` as a package, so its modules can import each other.

    The loader imports this file alone. The package name carries the folder's
    path: ``copier update`` renders two template versions in one process, and
    each must see its own decision logic.
    """
    digest = hashlib.sha256(str(_HERE).encode()).hexdigest()[:12]
    name = f"copier_python_patterns_{digest}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, _HERE / "__init__.py", submodule_search_locations=[str(_HERE)]
        )
        if spec is None or spec.loader is None:
            msg = f"cannot load the template's extensions from {_HERE}"
            raise ImportError(msg)
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    return sys.modules[name]


_package = _load_package()
decisions: Any = importlib.import_module(f"{_package.__name__}.decisions")
project_facts: Any = importlib.import_module(f"{_package.__name__}.project")

GLOBALS: dict[str, Callable[..., Any]] = {
    "slugify": decisions.slugify,
    "package_from_slug": decisions.package_from_slug,
    "recommend_framework": decisions.recommend_framework,
    "recommend_concurrency": decisions.recommend_concurrency,
    "default_project_size": decisions.default_project_size,
    "default_database": decisions.default_database,
    "default_background_work": decisions.default_background_work,
    "recommend_task_queue": decisions.recommend_task_queue,
    "validate_slug": decisions.validate_slug,
    "validate_package_name": decisions.validate_package_name,
    "validate_email": decisions.validate_email,
}


def _asked_so_far(context: Context) -> dict[str, Any]:
    return {axis: context[axis] for axis in decisions.QUESTION_ORDER if axis in context}


def _recorded_answers(context: Context) -> dict[str, Any]:
    """The answers the destination already records: a project being updated.

    The one read this extension makes: the answers file of the project Copier
    renders into. On ``copier copy`` to a new folder there is none.
    """
    conf = context.get("_copier_conf")
    if not conf:
        return {}
    path = Path(str(conf["dst_path"])) / str(conf["answers_file"])
    try:
        recorded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    # Only this questionnaire's answers (another template's file may share the name).
    if not isinstance(recorded, dict) or "project_kind" not in recorded:
        return {}
    return recorded


@pass_context
def refused(context: Context, question: str, value: Any) -> str:
    """A choice's validator: why ``value`` cannot answer ``question`` here, or nothing."""
    return decisions.refusal_of_choice(
        question, value, _asked_so_far(context)
    ) or decisions.refusal_on_update(question, value, _recorded_answers(context))


@pass_context
def asked(context: Context, question: str) -> bool:
    """A question's ``when``: whether its answer can change the project."""
    return decisions.is_asked(question, _asked_so_far(context))


def _escape(value: str, quote: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in escaped)


def python_string(value: str) -> str:
    """A Python string literal for ``value``, quoted the way ruff format would."""
    # ruff prefers double quotes unless single quotes need fewer escapes.
    quote = "'" if value.count('"') > value.count("'") else '"'
    return f"{quote}{_escape(value, quote)}{quote}"


def toml_string(value: str) -> str:
    """A TOML basic string for ``value``."""
    return f'"{_escape(value, chr(34))}"'


def make_command(words: Iterable[str]) -> str:
    """A Makefile recipe line running ``words``: shell-quoted, with make's ``$`` escaped."""
    return shlex.join(words).replace("$", "$$")


class ProjectContext(ContextHook):
    """Adds the decision helpers, and ``project`` once the answers are complete."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals.update(GLOBALS)
        environment.globals["refused"] = refused
        environment.globals["asked"] = asked
        environment.filters["python_string"] = python_string
        environment.filters["toml_string"] = toml_string
        environment.filters["make_command"] = make_command
        _compile_each_string_once(environment)

    def hook(self, context: dict[str, Any]) -> None:
        if all(key in context for key in project_facts.ANSWER_KEYS):
            context["project"] = project_facts.for_answers(_answers(context))


def _compile_each_string_once(environment: Environment) -> None:
    """Reuse the compiled template of a string Copier renders again.

    Copier renders every path of the template part by part, and compiles each
    part anew: the same few folder names (``{{ project.on.fastapi }}``, ...)
    were compiled about 800 times per render, a third of its time. Compiling a
    source once per environment gives the same template. A cache hit still runs
    the extensions' ``preprocess``, as a compile would: Copier's ``yield`` tag
    resets its state there. Strings holding a ``yield`` tag are compiled every
    time all the same.
    """
    compile_string = environment.from_string
    compiled: dict[str, Template] = {}

    def from_string(
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[Template] | None = None,
    ) -> Template:
        if (
            not isinstance(source, str)
            or globals is not None
            or template_class is not None
            or "yield" in source
        ):
            return compile_string(source, globals, template_class)
        if source in compiled:
            environment.preprocess(source)
        else:
            compiled[source] = compile_string(source)
        return compiled[source]

    environment.from_string = from_string  # type: ignore[method-assign]


def _answers(context: Mapping[str, Any]) -> dict[str, Any]:
    return {key: context[key] for key in project_facts.ANSWER_KEYS}
