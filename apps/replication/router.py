"""The database router: reads on a replica, everything else on the primary.

Reads go to the primary when
- there is no request (commands, job workers, the shell: they act on what was just committed);
- the primary is inside a transaction (``atomic``: the services, locks, ``select_for_update``):
  a transaction reads what it writes;
- the model is primary-only (``conf.PRIMARY_ONLY``: sessions, users, tokens, idempotency keys,
  the audit, the job queue);
- the request is unsafe (POST, PUT, PATCH, DELETE): it validates against what it writes;
- the request has already written;
- the reader wrote and no replica has replayed past that write yet (``positions``), or every
  replica is down or further behind than the lag bound.
Otherwise one replica serves the whole request (chosen at its first read).
Writes and migrations always go to the primary.
"""

from __future__ import annotations

from . import context, positions
from .conf import PRIMARY, PRIMARY_ONLY


def primary_only(model) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY or meta.label_lower in PRIMARY_ONLY


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = context.current()
        if (
            state is None
            or primary_only(model)
            or not state.safe
            or state.wrote
            or _in_transaction()
        ):
            return PRIMARY
        reader, user_pk = state.reader()
        alias = state.chosen.get(reader)
        if alias is None:
            position = positions.written_position(user_pk) if user_pk is not None else None
            alias = positions.replica_for(position) or PRIMARY
            state.chosen[reader] = alias
        return alias

    def db_for_write(self, model, **hints):
        state = context.current()
        if state is not None and not primary_only(model):
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: the replicas are copies of the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _in_transaction() -> bool:
    from django.db import connections

    return connections[PRIMARY].in_atomic_block
