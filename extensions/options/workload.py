"""The ``workload`` question: CPU-heavy work runs in a process pool, mixed work in threads,
off the event loop or the request's worker thread."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .slots import Feature


def features(answers: Mapping[str, Any]) -> tuple[Feature, ...]:
    """The compute example: an endpoint that offloads its work (a form in Django)."""
    if answers["workload"] == "io_bound":
        return ()
    third = "forms" if answers["framework"] == "django" else "schemas"
    return (Feature("compute", ("routes", "service", third)),)


def folders(project: Any) -> dict[str, bool]:
    """The offloading modules: the process pool's, or the thread pool's."""
    return {
        "process_pool": project.offload == "process",
        "thread_offload": project.offload == "thread",
    }
