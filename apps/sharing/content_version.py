"""The content version: when may a cached list still be served?

Lists are cached per audience (``apps.sharing.list_cache``). Every change to what a list
can show raises the version, and the version is part of every cache key, so a change is
never served stale:

* in the database (``ContentVersion``), raised when the writing transaction commits, so
  every server process sees it on its next request (read: one primary-key query);
* in this process, raised at once, so the writer's own next request (and a test, whose
  transaction never commits) sees the change before the commit.

Raising it after the commit is race-free: a reader between the commit and the raise
caches the *new* data under the old number, which is harmless.

What raises it: saves, deletes and relation changes of the four libraries' resources and of
everything a list shows about them (teaching groups, attachments, organisations, the
vocabularies, reuse records, users' names), wired in ``connect_signals``. The services'
own ``update()`` calls happen in transactions that also save a watched row. Bulk writes
that bypass signals call ``content_changed()`` themselves: ``seed_scale``, ``seed_demo``
(the organisation tree) and ``reindex_search``. Code that writes shared content with
``update()``, ``bulk_create()`` or raw SQL outside those must do the same.
"""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "content"
_local = itertools.count(1)
_local_value = 0


def current() -> str:
    """The version to put in a cache key: ``<database>.<this process>``."""
    from .models import ContentVersion

    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT value FROM {table} WHERE "key" = %s', [KEY])
        row = cursor.fetchone()
    return f"{row[0] if row else 0}.{_local_value}"


def _raise_in_database() -> None:
    from django.db.models import F

    from .models import ContentVersion

    if not ContentVersion.objects.filter(key=KEY).update(value=F("value") + 1):
        # The row is gone (a flushed database): start above the 0 that readers assume.
        ContentVersion.objects.get_or_create(key=KEY, defaults={"value": 1})


def content_changed() -> None:
    """Shared content changed (or will, when the transaction commits): raise the version."""
    global _local_value
    _local_value = next(_local)
    transaction.on_commit(_raise_in_database)


def _watched(sender) -> bool:
    from .models import SharedResource

    return issubclass(sender, SharedResource) or sender in _other_models()


def watch(model) -> None:
    """Changes to ``model``'s rows raise the version too (for apps above the engine whose rows
    a list shows, e.g. attachments; libraries name theirs in ``Library.cache_models``)."""
    global _others
    _watched_by_apps.add(model)
    _others = None


_watched_by_apps: set = set()


def _other_models() -> frozenset:
    """Besides the libraries' resources: every model whose rows a cached list shows."""
    global _others
    if _others is None:
        from apps.organizations.models import Organization
        from apps.taxonomy.models import (
            CourseKind,
            LecturerKind,
            SiteCategory,
            TeachingMethod,
            ThematicDomain,
        )

        from .models import ReuseRecord
        from .registry import cache_models

        _others = frozenset(
            {
                Organization,
                ReuseRecord,
                ThematicDomain,
                CourseKind,
                TeachingMethod,
                LecturerKind,
                SiteCategory,
                *cache_models(),
                *_watched_by_apps,
            }
        )
    return _others


_others: frozenset | None = None


# A user's sign-in or password change touches only these: lists show names, not these.
_USER_FIELDS_NOT_SHOWN = frozenset({"last_login", "password"})


def _saved_or_deleted(sender, **kwargs) -> None:
    if _watched(sender):
        content_changed()
    elif sender is get_user_model():  # lists show authors' names
        update_fields = kwargs.get("update_fields")
        if not (update_fields and set(update_fields) <= _USER_FIELDS_NOT_SHOWN):
            content_changed()


def _relation_changed(sender, instance, action, **kwargs) -> None:
    from .models import SharedResource

    if action.startswith("post_") and isinstance(instance, SharedResource):
        content_changed()


def _search_columns_refilled(sender, **kwargs) -> None:
    content_changed()


def connect_signals() -> None:
    """Listen to every save, delete and relation change; ``_watched`` picks the ones that
    matter. (Connected without a sender: the libraries register after this app is ready.)
    A reindex of the search columns (``apps.search.indexing.reindex``) counts as a change."""
    from apps.search.indexing import columns_refilled

    columns_refilled.connect(
        _search_columns_refilled, weak=False, dispatch_uid="content-version-search"
    )
    post_save.connect(_saved_or_deleted, weak=False, dispatch_uid="content-version-save")
    post_delete.connect(_saved_or_deleted, weak=False, dispatch_uid="content-version-delete")
    m2m_changed.connect(_relation_changed, weak=False, dispatch_uid="content-version-m2m")
