"""The service tasks a process may call, by name: each is a function of Borough's own services.

A BPMN service task names its operation (``spiffworkflow:serviceTaskOperator id="..."``); the
engine looks it up here and calls it with the instance's context and the task's parameters. A
function raises ``ServiceUnavailable`` when the system it calls is down: the instance is marked
failed with that error, nothing the run did is kept, and a retry runs the step again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class ServiceUnavailable(Exception):
    """The system a service task calls did not answer; retry later."""


class UnknownService(Exception):
    """A process names a service task Borough does not have."""


@dataclass(frozen=True)
class StepContext:
    """What a service task is told: the case the instance belongs to and the data so far."""

    instance_id: int
    case: Any
    data: dict


ServiceFunction = Callable[[StepContext, dict], dict]
_SERVICES: dict[str, tuple[ServiceFunction, str]] = {}


def service_task(name: str, description: str = "") -> Callable[[ServiceFunction], ServiceFunction]:
    """Register ``function`` as the service task ``name`` (returns a dict merged into the data)."""

    def register(function: ServiceFunction) -> ServiceFunction:
        _SERVICES[name] = (function, description or (function.__doc__ or "").strip().split("\n")[0])
        return function

    return register


def lookup(name: str) -> ServiceFunction:
    try:
        return _SERVICES[name][0]
    except KeyError:
        raise UnknownService(f"No service task called {name!r} is registered") from None


def services() -> dict[str, str]:
    """Every registered service task and what it does (for the hub and the how-to)."""
    return {name: description for name, (_, description) in sorted(_SERVICES.items())}
