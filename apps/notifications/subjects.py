"""Notifiable things that are not library resources (a call for contributions, …).

A library resource is told about through its library (who sees it: ``restrict``; its page:
``web:detail``). Any other model that notifications are about registers a ``Subject`` here,
from its own app (notifications import no app above them):

==============  ===============================================================================
entry           what it is
==============  ===============================================================================
model           the model notifications point at
visible_q       ``(user) -> Q`` on ``model``: the rows the reader may see now (the inbox keeps
                only those)
recipients      ``(event, resource) -> iterable of user ids``: who is told about an event
path            ``(pk) -> str``: the page of one row
==============  ===============================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q


@dataclass(frozen=True)
class Subject:
    model: type
    visible_q: Callable[[Any], Q]
    recipients: Callable[[Any, Any], Iterable[int]]
    path: Callable[[Any], str]


_SUBJECTS: dict[str, Subject] = {}


def register(subject: Subject) -> Subject:
    _SUBJECTS[subject.model._meta.label_lower] = subject
    return subject


def subjects() -> list[Subject]:
    return list(_SUBJECTS.values())


def subject_for(model) -> Subject | None:
    if model is None:
        return None
    return _SUBJECTS.get(model._meta.label_lower)
