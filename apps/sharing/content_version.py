"""Content versions: when may a cached list still be served?

Lists are cached per audience (``apps.sharing.list_cache``). A list's key carries the
versions of everything the list can show, so a change is never served stale. A change raises
only the versions of the lists it can affect, so one school's edit leaves everyone else's
cached lists hot (docs/benchmarks.md, "Invalidation with a scope").

The versions (``ContentVersion`` rows; a missing row is 0):

``content``                 everything: organisations, the vocabularies, users' names, a
                            search reindex, bulk writes (``content_changed()``), and rows a
                            list shows that belong to no one resource.
``<library>:o:<org code>``  the library's resources owned by that organisation: what its own
                            members see (private scope, drafts, submissions).
``<library>:a:<org code>``  the library's resources whose audience is that organisation: what
                            everyone inside its subtree sees once published.
``<library>:c:<org code>``  the library's resources owned at or below that organisation: what
                            its curators see (published below them, pending for their review).

These follow the policy's visibility condition (``policy.SharingPolicy._visible``) term by
term (``policy.reach``). A change to a resource raises, for its state before and after the
change: ``o:`` of its owner; ``a:`` of its audience while it is published beyond its owner;
and ``c:`` of every organisation from the owner up to the root while curators see it
(published beyond its owner, or pending). A reader's list reads ``content`` and, for its
library and every library its rows show (``depends_on``), ``o:`` of the reader's
organisations, ``a:`` of every organisation from them up to the root, and ``c:`` of those the
reader curates. A write in one town therefore raises nothing a reader in another district
reads, unless it is published to them (a network-scope publication raises ``a:`` of the
municipal school, which every reader reads).

When a version rises:

* in the database, when the writing transaction commits (``transaction.on_commit``), so
  every server process sees it on its next request (one query for all of a reader's
  versions); the buckets are worked out then, so a write pays no query for them before it
  commits. Raising after the commit is race-free: a reader between the commit and the raise
  caches the *new* data under the old numbers, which is harmless;
* in the writing transaction itself, at once: while it has uncommitted changes, its reads
  carry a marker of its own (the writer reads its change before the commit; a test, whose
  transaction never commits, too). The marker ends with the transaction.

What raises: saves, deletes and relation changes of the libraries' resources and of every
model whose rows a list shows (``watch``, ``Library.cache_models``), wired in
``connect_signals``. A watched row that points at a resource (a foreign key, a generic
foreign key, or ``changed_resources()``) raises that resource's versions; any other raises
``content``. Bulk writes that bypass signals call ``content_changed()`` themselves:
``seed_scale``, ``seed_demo`` (the organisation tree) and ``reindex_search``. Code that writes
shared content with ``update()``, ``bulk_create()`` or raw SQL outside those must do the same.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "content"
KEY_LENGTH = 40  # ContentVersion.key; longer bucket names are cut (over-invalidation only)
_markers = itertools.count(1)
# Markers go into keys of a cache several processes may share (Redis): unique to this process.
_PROCESS = secrets.token_hex(6)


# ---- the buckets --------------------------------------------------------------------------


def _bucket(library: str, kind: str, code: str) -> str:
    return f"{library}:{kind}:{code}"[:KEY_LENGTH]


def _lineage(path: str) -> list[str]:
    from apps.organizations.models import PATH_SEPARATOR

    return [code for code in path.split(PATH_SEPARATOR) if code]


def state_buckets(
    library: str, owner_path: str, audience_code: str | None, curators: bool
) -> set[str]:
    """The versions a change to a resource in this state raises (``reach``)."""
    lineage = _lineage(owner_path)
    buckets = {_bucket(library, "c", code) for code in lineage} if curators else set()
    if lineage:
        buckets.add(_bucket(library, "o", lineage[-1]))
    if audience_code:
        buckets.add(_bucket(library, "a", audience_code))
    return buckets


@cache
def depends_on(library: str) -> tuple[str, ...]:
    """The libraries whose resources a list of ``library`` shows: itself, those it links to
    (``Library.links``), those its further rows point at (``Library.cache_models``: a course's
    teaching group names lecturers), and those linking to it."""
    from .models import SharedResource
    from .registry import find_library, get_library, libraries

    def pointed_at(lib) -> set[str]:
        keys = set()
        models = [lib.model, *lib.cache_models]
        for model in models:
            for f in model._meta.get_fields():
                related = getattr(f, "related_model", None)
                if f.is_relation and related is not None and issubclass(related, SharedResource):
                    other = find_library(related)
                    if other is not None and (model is not lib.model or f.name in lib.links):
                        keys.add(other.key)
        return keys

    own = get_library(library)
    keys = {library} | pointed_at(own)
    keys |= {lib.key for lib in libraries() if library in pointed_at(lib)}
    return tuple(sorted(keys))


def reader_buckets(actor, library: str) -> list[str]:
    """The versions a list of ``library`` read by ``actor`` depends on."""
    from .policy import CURATORS

    own = {seat.org_code for seat in actor.seats}
    lineage = {code for seat in actor.seats for code in seat.lineage_codes}
    curated = {seat.org_code for seat in actor.seats_with(CURATORS)}
    buckets = set()
    for lib in depends_on(library):
        buckets |= {_bucket(lib, "o", code) for code in own}
        buckets |= {_bucket(lib, "a", code) for code in lineage}
        buckets |= {_bucket(lib, "c", code) for code in curated}
    return sorted(buckets)


# ---- reading ------------------------------------------------------------------------------


def current(actor=None, library: str | None = None) -> str:
    """The version to put in a cache key: ``content``'s number, a digest of the reader's
    buckets for ``library`` (none without them), and this transaction's marker while it has
    uncommitted changes. One query."""
    from apps.organizations.models import Organization

    from .models import ContentVersion

    keys = [KEY]
    if actor is not None and library is not None:
        keys += reader_buckets(actor, library)
    # Read where this request reads its rows (a replica, unless the reader wrote): versions
    # newer than the rows would keep the older rows under the newer versions.
    reading = connections[router.db_for_read(ContentVersion)]
    table = reading.ops.quote_name(ContentVersion._meta.db_table)
    sql = f'SELECT "key", value FROM {table} WHERE "key" IN ({_marks(keys)})'
    params = list(keys)
    # The reader's lineage ids (``Actor.lineage_ids``, which the visibility filter of a list
    # computed on a miss needs) ride in the same round trip, marked by a NULL key.
    codes = _lineage_wanted(actor)
    if codes:
        orgs = reading.ops.quote_name(Organization._meta.db_table)
        sql += f" UNION ALL SELECT NULL, id FROM {orgs} WHERE code IN ({_marks(codes)})"
        params += codes
    with reading.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    values = {key: value for key, value in rows if key is not None}
    if codes:
        actor.remember_lineage_ids([value for key, value in rows if key is None])
    version = str(values.pop(KEY, 0))
    if values:
        digest = hashlib.blake2s(repr(sorted(values.items())).encode(), digest_size=8)
        version += f".{digest.hexdigest()}"
    pending = _pending(connection, create=False)
    if pending is not None and pending.open(connection):
        if not set(pending.savepoints) <= set(connection.savepoint_ids):
            # A savepoint it changed things in has ended (rolled back, perhaps): what was read
            # under the marker may hold changes that are gone.
            pending.marker, pending.savepoints = next(_markers), tuple(connection.savepoint_ids)
        version += f".w{_PROCESS}.{pending.marker}"
    return version


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _lineage_wanted(actor) -> list[str]:
    """The codes whose ids ``current`` should read for ``actor``: none when already known."""
    if actor is None or actor.is_anonymous or actor.knows_lineage_ids:
        return []
    return sorted(actor.lineage_codes)


# ---- writing ------------------------------------------------------------------------------


@dataclass
class _Pending:
    """A transaction's uncommitted changes, flushed into the database when it commits."""

    marker: int
    savepoints: tuple = ()  # the savepoints open at its last change
    index: int = -1  # where its on_commit callback sits in ``run_on_commit``
    everything: bool = False
    states: set = field(default_factory=set)  # (library, owner_id, *reach)
    rows: set = field(default_factory=set)  # (resource model, pk), resolved at commit
    flushed: bool = False

    def open(self, conn) -> bool:
        """Whether its callback still waits for this transaction's commit (not yet committed,
        not rolled back, not discarded with a savepoint)."""
        callbacks = conn.run_on_commit
        return (
            not self.flushed
            and conn.in_atomic_block
            and 0 <= self.index < len(callbacks)
            and callbacks[self.index][1] == self.flush
        )

    def flush(self) -> None:
        self.flushed = True
        _raise_in_database(self)


def _pending(conn, *, create: bool) -> _Pending | None:
    pending = getattr(conn, "_content_pending", None)
    if pending is not None and (pending.open(conn) or not conn.in_atomic_block):
        return pending
    if not create:
        return None
    # None yet, or its callback is gone with a rolled-back savepoint or transaction: keep
    # what it held (raising too much is harmless) under a new callback.
    fresh = _Pending(marker=next(_markers))
    if pending is not None:
        fresh.everything = pending.everything
        fresh.states, fresh.rows = pending.states, pending.rows
    conn._content_pending = fresh
    return fresh


def _note(*, everything=False, state=None, row=None) -> None:
    conn = transaction.get_connection()
    pending = _pending(conn, create=True)
    pending.marker = next(_markers)  # each change: the transaction's own reads move on
    pending.savepoints = tuple(conn.savepoint_ids)
    pending.everything |= everything
    if state is not None:
        pending.states.add(state)
    if row is not None:
        pending.rows.add(row)
    if not pending.open(conn):
        if conn.in_atomic_block:
            pending.index = len(conn.run_on_commit)
            transaction.on_commit(pending.flush)
        else:  # autocommit: the change is already committed
            conn._content_pending = None
            pending.flush()


def content_changed() -> None:
    """Shared content changed (or will, when the transaction commits): raise every list's
    version."""
    _note(everything=True)


def resource_changed(resource) -> None:
    """``resource`` changed (or will, when the transaction commits): raise the versions of
    the lists that could show it, before and after the change."""
    from .registry import find_library

    library = find_library(type(resource))
    if library is None:
        content_changed()
        return
    from .policy import reach

    state = (resource.owner_id, *reach(resource.status, resource.scope, resource.audience_id))
    _note(state=(library.key, *state))
    origin = getattr(resource, "_cache_origin", None)
    if origin is not None and origin != state:
        _note(state=(library.key, *origin))
    resource._cache_origin = state  # a later save of this instance starts from here


def _raise_in_database(pending: _Pending) -> None:
    from apps.organizations.models import Organization

    from .models import ContentVersion
    from .policy import reach
    from .registry import find_library

    conn = transaction.get_connection()
    if getattr(conn, "_content_pending", None) is pending:
        conn._content_pending = None
    if not (pending.everything or pending.states or pending.rows):
        return  # flushed already by an earlier callback of the same transaction
    states = set(pending.states)
    by_model: dict = {}
    for model, pk in pending.rows:
        by_model.setdefault(model, set()).add(pk)
    for model, pks in by_model.items():
        key = find_library(model).key
        for owner_id, audience_id, status, scope in model._base_manager.filter(
            pk__in=pks
        ).values_list("owner_id", "audience_id", "status", "scope"):
            states.add((key, owner_id, *reach(status, scope, audience_id)))
    keys = {KEY} if pending.everything else set()
    org_ids = {i for _lib, owner, audience, _c in states for i in (owner, audience) if i}
    found = Organization.objects.filter(pk__in=org_ids).values_list("pk", "code", "path")
    orgs = {pk: (code, path) for pk, code, path in found}
    for library, owner_id, audience_id, curators in states:
        if owner_id in orgs:
            audience = orgs.get(audience_id, (None, ""))[0]
            keys |= state_buckets(library, orgs[owner_id][1], audience, curators)
    pending.everything, pending.states, pending.rows = False, set(), set()
    if not keys:
        return
    # One statement for all of them, in a fixed order (two writers never wait on each other
    # in a cycle); a missing row starts at 1, above the 0 that readers assume.
    table = conn.ops.quote_name(ContentVersion._meta.db_table)
    ordered = sorted(keys)
    rows = ", ".join(["(%s, 1)"] * len(ordered))
    with conn.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", value) VALUES {rows} '
            f'ON CONFLICT ("key") DO UPDATE SET value = {table}.value + 1',
            ordered,
        )


# ---- which changes count ------------------------------------------------------------------


def watch(model) -> None:
    """Changes to ``model``'s rows raise versions too (for apps above the engine whose rows
    a list shows, e.g. attachments; libraries name theirs in ``Library.cache_models``)."""
    global _others
    _watched_by_apps.add(model)
    _others = None
    _pointers.cache_clear()


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


@cache
def _pointers(model) -> tuple:
    """How a watched row names the resources it belongs to: ``("fk", attname, model)`` for a
    foreign key to a library's resource, ``("generic", ct_attname, id_attname)`` for a
    generic one. Empty: the row belongs to no one resource.

    A library's own further rows (``Library.cache_models``) belong to that library's resource
    alone: a course's teaching-group seat changes what readers of the course see (in course
    lists, and in lecturer lists, which depend on the courses they show)."""
    from .models import SharedResource
    from .registry import libraries

    owners = [lib.model for lib in libraries() if model in lib.cache_models]
    found = []
    for f in model._meta.get_fields():
        if isinstance(f, GenericForeignKey):
            ct = model._meta.get_field(f.ct_field).attname
            found.append(("generic", ct, model._meta.get_field(f.fk_field).attname))
        elif (
            f.many_to_one
            and f.concrete
            and issubclass(f.related_model, SharedResource)
            and (not owners or f.related_model in owners)
        ):
            found.append(("fk", f.attname, f.related_model))
    return tuple(found)


def _resources_of(instance) -> list[tuple[type, int]] | None:
    """The resources a watched row belongs to, or None: it belongs to no one resource."""
    from .models import SharedResource

    if hasattr(instance, "changed_resources"):
        return list(instance.changed_resources())
    pointers = _pointers(type(instance))
    if not pointers:
        return None
    found = []
    for kind, a, b in pointers:
        if kind == "fk":
            pk = getattr(instance, a)
            if pk is not None:
                found.append((b, pk))
        else:
            ct_id, pk = getattr(instance, a), getattr(instance, b)
            model = ContentType.objects.get_for_id(ct_id).model_class() if ct_id else None
            if model is None or not issubclass(model, SharedResource):
                return None
            found.append((model, pk))
    return found


def _row_changed(instance) -> None:
    from .registry import find_library

    resources = _resources_of(instance)
    if resources is None or any(find_library(model) is None for model, _pk in resources):
        content_changed()
        return
    for model, pk in resources:
        _note(row=(model, pk))


# A user's sign-in or password change touches only these: lists show names, not these.
_USER_FIELDS_NOT_SHOWN = frozenset({"last_login", "password"})


def _saved_or_deleted(sender, instance, **kwargs) -> None:
    from .models import SharedResource

    if issubclass(sender, SharedResource):
        resource_changed(instance)
    elif sender in _other_models():
        _row_changed(instance)
    elif sender is get_user_model():  # lists show authors' names
        update_fields = kwargs.get("update_fields")
        if not (update_fields and set(update_fields) <= _USER_FIELDS_NOT_SHOWN):
            content_changed()


def _relation_changed(sender, instance, action, **kwargs) -> None:
    from .models import SharedResource

    if action.startswith("post_") and isinstance(instance, SharedResource):
        resource_changed(instance)


def _search_columns_refilled(sender, **kwargs) -> None:
    content_changed()


def connect_signals() -> None:
    """Listen to every save, delete and relation change; ``_saved_or_deleted`` picks the ones
    that matter. (Connected without a sender: the libraries register after this app is
    ready.) A reindex of the search columns (``apps.search.indexing.reindex``) counts as a
    change to everything."""
    from apps.search.indexing import columns_refilled

    columns_refilled.connect(
        _search_columns_refilled, weak=False, dispatch_uid="content-version-search"
    )
    post_save.connect(_saved_or_deleted, weak=False, dispatch_uid="content-version-save")
    post_delete.connect(_saved_or_deleted, weak=False, dispatch_uid="content-version-delete")
    m2m_changed.connect(_relation_changed, weak=False, dispatch_uid="content-version-m2m")
