"""Options as modules: what each answer adds to the slots the host files loop over.

A host file names no option: it loops over a slot such as ``project.services``, and
each option module below says what its answer adds to it, through a function named after
the slot. A module leaves out the slots it adds nothing to. ``compose.yaml`` and the CI
configurations are such host files; ``pyproject.toml`` (dependencies), the Makefile (CI
targets), ``.env.example`` and the README's settings table (env_vars) and the settings
modules (settings) read slots too, beside what they still say per option; so do the app
factories and Django's URL configuration (routers, middleware, installers, url_modules),
the logging modules and Django's production settings (quiet_routes) and the README's list
of pages (browse). The layout places the features the options add (features) and their
own modules (core_modules, test_modules, named in PARTS), and ``project.on`` holds the
template folders they render (folders). A new option is a new module in ``OPTIONS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..docs import EnvVar
from . import broker, database, metrics, task_queue, workload
from .slots import CiTarget, Feature, Health, Process, Service, Setting

# In the order their contributions appear in the host files.
OPTIONS: tuple[Any, ...] = (database, workload, task_queue, broker, metrics)

__all__ = [
    "OPTIONS",
    "CiTarget",
    "Feature",
    "Health",
    "Process",
    "Service",
    "Setting",
    "app_volumes",
    "browse",
    "ci_targets",
    "core_modules",
    "dependencies",
    "dev_dependencies",
    "env_vars",
    "features",
    "folders",
    "installers",
    "middleware",
    "parts",
    "processes",
    "quiet_routes",
    "routers",
    "services",
    "settings",
    "test_modules",
    "url_modules",
]


def _collect(slot: str, facts: Any) -> tuple[Any, ...]:
    """What every option adds to ``slot``, given the project's facts (or, for the slots the
    layout reads before there are facts, its answers)."""
    return tuple(
        item for option in OPTIONS if hasattr(option, slot) for item in getattr(option, slot)(facts)
    )


def services(project: Any) -> tuple[Service, ...]:
    """The servers this project needs running (compose services, CI service containers)."""
    return _collect("services", project)


def app_volumes(project: Any) -> tuple[tuple[str, str], ...]:
    """(named volume, mount point) of the application containers' own data."""
    return _collect("app_volumes", project)


def processes(project: Any) -> tuple[Process, ...]:
    """The application's processes beside the web server, each option's in turn."""
    return _collect("processes", project)


def ci_targets(project: Any) -> tuple[CiTarget, ...]:
    """The Makefile targets CI runs after ``make check``, each option's in turn."""
    return _collect("ci_targets", project)


def dependencies(project: Any) -> tuple[str, ...]:
    """Runtime requirements the options add (keys of versions.RUNTIME)."""
    return _collect("dependencies", project)


def dev_dependencies(project: Any) -> tuple[str, ...]:
    """Development requirements the options add (keys of versions.DEV)."""
    return _collect("dev_dependencies", project)


def env_vars(project: Any) -> tuple[EnvVar, ...]:
    """The settings the options add to .env.example and the README's table."""
    return _collect("env_vars", project)


def settings(project: Any) -> tuple[tuple[Setting, ...], ...]:
    """The settings each option adds to the settings module: one group per option."""
    groups = (option.settings(project) for option in OPTIONS if hasattr(option, "settings"))
    return tuple(group for group in groups if group)


def routers(project: Any) -> tuple[str, ...]:
    """Modules whose router the app includes after the features' (FastAPI)."""
    return _collect("routers", project)


def middleware(project: Any) -> tuple[tuple[str, str], ...]:
    """(module, class) of the middleware the options add (FastAPI, Django), outermost first.
    They run inside the request-id middleware: their log lines carry the request's id."""
    return _collect("middleware", project)


def browse(project: Any) -> tuple[tuple[str, str], ...]:
    """(what, path) the options add to the README's list of pages to open."""
    return _collect("browse", project)


def installers(project: Any) -> tuple[tuple[str, str], ...]:
    """(module, function) of what the options install on the app before anything else
    (Flask: their request hooks run first)."""
    return _collect("installers", project)


def url_modules(project: Any) -> tuple[str, ...]:
    """Modules whose urlpatterns the URL configuration includes after the features' (Django)."""
    return _collect("url_modules", project)


def quiet_routes(project: Any) -> tuple[tuple[str, str], ...]:
    """(route, why) of the routes a machine calls every few seconds, beside the probes: a
    healthy answer logs at debug level."""
    return _collect("quiet_routes", project)


def folders(project: Any) -> dict[str, bool]:
    """The template folders the options render (``{{ project.on.<name> }}``), by name."""
    found: dict[str, bool] = {}
    for option in OPTIONS:
        added = option.folders(project) if hasattr(option, "folders") else {}
        twice = found.keys() & added.keys()
        if twice:
            msg = f"{option.__name__} names folders another option names: {sorted(twice)}"
            raise ValueError(msg)
        found.update(added)
    return found


def features(answers: Mapping[str, Any]) -> tuple[Feature, ...]:
    """The example features the options add, after the framework's health feature. The
    layout is built before the other facts, so this slot reads the answers."""
    return _collect("features", answers)


def core_modules(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Modules the options add beside the logging and security modules (``core/`` in a
    large project), by the name of their path in the layout. Read from the answers, as
    ``features``."""
    return _collect("core_modules", answers)


def test_modules(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Test modules the options add to the integration tests, by the name of their path."""
    return _collect("test_modules", answers)


def parts() -> tuple[str, ...]:
    """The layout names of every module any option may add (``PARTS``): a project that
    has none of them still names them, with an empty path."""
    return tuple(part for option in OPTIONS for part in getattr(option, "PARTS", ()))
