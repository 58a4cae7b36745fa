"""Migration operation: the full-text GIN index of a library, on PostgreSQL only.

Why not ``Meta.indexes``: ``GinIndex`` (contrib.postgres) emits ``CREATE INDEX … USING gin
(to_tsvector(…))`` on any backend, which SQLite rejects, and migrations cannot declare an
index for one database vendor only. So the index lives outside the model state: this
operation creates it when the migration runs on PostgreSQL and does nothing elsewhere.
``makemigrations`` never sees it, so it never proposes to drop it either.

The index expression is built by Django from ``apps.search.query.search_document()``,
the very expression searches filter on, so the planner matches them.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db.migrations.operations.base import Operation


def search_index(model_name: str) -> GinIndex:
    # Written out here rather than imported from query.py: a migration must not change
    # when the application code does. Keep both the same.
    return GinIndex(
        SearchVector("search_title", "search_body", config="simple"),
        name=f"{model_name.lower()}_search",
    )


class CreateSearchIndex(Operation):
    """``CREATE INDEX <model>_search … USING gin (to_tsvector('simple', …))`` on PostgreSQL."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})

    def state_forwards(self, app_label, state):
        pass  # not part of the model state (see the module docstring)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, search_index(self.model_name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, search_index(self.model_name))

    def describe(self):
        return f"Create the full-text search index of {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search_index"
