"""Named actions: how a service declares the change it makes, and how other apps observe it.

Every write on a shared resource is a named action (``create``, ``publish``, ``lifecycle``,
``attach`` …) carried by the service that performs it::

    @transaction.atomic
    @action("publish")
    def resource_publish(model, *, user, pk, scope, expected_version=None): ...

The sharing engine knows nothing of who listens. Apps above it (the audit trail) register
an *observer* once, in their ``AppConfig.ready``; every call of every named action then runs
through each observer, inside the service's transaction::

    def observer(spec: ActionSpec, proceed: Callable[[], Any], args, kwargs) -> Any:
        ...  # before
        result = proceed()
        ...  # after
        return result

An observer that raises rolls the whole action back, and a service that raises records
nothing, because both run in the same transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

Locator = Callable[..., tuple[type[models.Model] | None, Any]]
Observer = Callable[["ActionSpec", Callable[[], Any], tuple, dict], Any]


def default_locator(model: type[models.Model] | None) -> Locator:
    """The object a service acts on: ``model`` (or its first argument) and its ``pk=``."""

    def locate(*args, **kwargs):
        return (model or (args[0] if args else kwargs.get("model"))), kwargs.get("pk")

    return locate


@dataclass(frozen=True)
class ActionSpec:
    """What an observer may know of an action: its name and how to find its object.

    ``locate(*args, **kwargs) -> (model, pk)`` finds the object before the action runs;
    with ``creates`` the object is the one the service returns (create, reuse).
    ``details(obj) -> dict`` adds what the action changes beyond the object's own fields
    (the files of a resource, for attach and detach).
    """

    name: str
    locate: Locator
    creates: bool = False
    details: Callable[[models.Model], dict[str, Any]] | None = None


_observers: list[Observer] = []


def observe(observer: Observer) -> Observer:
    """Run ``observer`` around every named action from now on (idempotent)."""
    if observer not in _observers:
        _observers.append(observer)
    return observer


def action(
    name: str,
    *,
    model: type[models.Model] | None = None,
    locate: Locator | None = None,
    creates: bool = False,
    details: Callable[[models.Model], dict[str, Any]] | None = None,
):
    """Declare the decorated service as the named action ``name`` (see the module docstring)."""
    spec = ActionSpec(name, locate or default_locator(model), creates, details)

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            def run(index: int):
                if index == len(_observers):
                    return service(*args, **kwargs)
                return _observers[index](spec, lambda: run(index + 1), args, kwargs)

            return run(0)

        wrapper.action = spec
        return wrapper

    return decorate
