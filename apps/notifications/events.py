"""Events: what happened, written as a job in the transaction of the change.

``delivery.emit(kind, resource, ...)`` is how anything announces an event (the observer of the named
actions does it for the sharing workflow; later apps call it for their own events). It
enqueues one ``fan_out`` job (``apps.jobs``) in the caller's transaction: a change that rolls
back announces nothing, one that commits loses nothing. The job, in a worker, finds the
people concerned (``recipients``), writes their notifications once (``event_key`` is unique
per recipient), queues their e-mail, and hands the event to the other channels registered
here (``register_channel``: the partner departments' webhooks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.db import models


@dataclass(frozen=True)
class Event:
    """One event, as a job carries it (JSON only)."""

    kind: str
    model: str  # app_label.model_name of the resource the event is about
    pk: int
    key: str  # unique for this event: notifications and deliveries are made once per key
    actor_id: int | None = None
    actor_name: str = ""
    title: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    at: str = ""

    @property
    def resource_model(self) -> type[models.Model]:
        return django_apps.get_model(self.model)

    def resource(self):
        model = self.resource_model
        rows = model.objects.filter(pk=self.pk)
        if any(f.name == "owner" for f in model._meta.concrete_fields):  # a library resource
            rows = rows.select_related("owner")
        return rows.first()


Channel = Callable[[Event, Any], None]
_channels: list[Channel] = []


def register_channel(channel: Channel) -> Channel:
    """Call ``channel(event, resource)`` in the fan-out job of every event (idempotent)."""
    if channel not in _channels:
        _channels.append(channel)
    return channel


def channels() -> list[Channel]:
    return list(_channels)
