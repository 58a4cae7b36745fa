"""The audit trail (审计日志): who changed what, for which organisation, when, in which request.

One append-only table, ``AuditEvent``: occurred_at, action, user (+ username as it was),
API token, organisation acted for, object (content type, id, repr as it was), changes
``{field: [before, after]}``, request id, and source: ``app`` (recorded by the
application) or ``db`` (recorded by a PostgreSQL trigger).

What is recorded, and by what
    Resource actions  ``apps.sharing.services``: create, update, delete, submit, publish,
        reject, withdraw, reuse; ``site_change_lifecycle`` (lifecycle);
        ``attachment_add`` / ``attachment_remove`` (attach / detach). Each service is a
        named action (``@action(name)``, ``apps.sharing.actions``) and ``record_action``
        (``recorder.py``) observes them all: inside the service's transaction it locks
        and snapshots the object, runs the service, snapshots again and writes exactly
        one event. A refused or failed action rolls back and records nothing.
        The snapshot is ``model_to_dict``-like: concrete fields by field name (foreign
        keys as ids), many-to-many ids sorted, the library's EXTRA_CONTENT (a course's
        teaching group — so ``teaching_group_set`` is covered by create/update), and for
        attach/detach the list of files. Left out as bookkeeping or secrets: id,
        created_at, updated_at, the search columns, a token's key hash and last use.
        ``version`` and ``reuse_count`` are content of the event, not separate events.
        A create lists its non-empty fields as ``[null, value]``, a delete as
        ``[value, null]``. A reuse is one event on the new copy (its owner is the
        organisation acted for; ``source`` names the original).
    Personal data  a lecturer's contact (``apps.faculty.privacy``) is readable by fewer
        people than the history: only that it changed is kept (``"[redacted]"``),
        never the values. Libraries name such fields in their registry entry.
    Seats and tokens  ``signals.py``: post_save / post_delete of ``Membership``
        (membership_add / membership_change = role change / membership_remove) and
        ``ApiToken`` (token_create / token_revoke / token_change / token_delete),
        whether they come from ``member_add``, the admin's inline, the token page,
        ``ApiToken.issue`` or a command. A save that changes nothing records nothing.
        A token's ``last_used_at`` bump (``update()``) is not an event.
    Not recorded  users' own fields (password, is_staff, profile), organisations and
        taxonomy; the link tables of many-to-many fields when written directly.

Who, for whom, which request
    ``context.AuditContextMiddleware`` (after AuthenticationMiddleware) gives every
    request an id: the incoming ``X-Request-ID`` when it is sane (letters, digits,
    ``._:/+=-``, at most 100 characters), else a UUID4, answered in the ``X-Request-ID``
    response header. The user is the service's ``user`` argument (else the request's);
    the token is the one ``BearerTokenAuthentication`` accepted (DRF's ``request.auth``).
    The organisation is the resource's owner (after the action; before it for a
    delete), the membership's organisation, and none for tokens (they belong to people).
    Outside a request (commands, background work) the user is none and every action gets
    a new request id, unless the caller wraps its work in ``context.audit_context()``.

Bulk and direct database changes (PostgreSQL only)
    Migration 0002 installs ``audit_row_change`` row triggers on the four library tables
    (INSERT, UPDATE, DELETE) and on memberships (UPDATE, DELETE; inserts always go
    through ``save()``). They write ``source="db"`` events for changes made outside the
    recorder: ``QuerySet.update()``, ``bulk_create()``, raw SQL, another program. Keys
    are Django field names (column ``owner_id`` → ``owner``); an UPDATE that only touches
    ignored columns (search columns, timestamps) records nothing. To avoid counting an
    action twice the recorder sets ``audit.suppress = 'on'`` with
    ``set_config(..., true)`` (SET LOCAL) for the duration of the service, so the
    ``reuse_count`` and version ``update()`` calls inside recorded services add no noise;
    it restores the previous value afterwards, and a rolled-back savepoint undoes it.
    It also sets ``audit.request_id``, ``audit.user_id`` and ``audit.token_id``, which
    the trigger uses for rows changed later in the same transaction; otherwise a
    ``db`` event has no user and the request id ``db-tx-<transaction id>``. The
    membership signals skip their own row only (``audit.skip``, ``",table:id,"``),
    which needs a transaction: a ``Membership.save()`` of an existing row in
    autocommit mode (a shell, never the project's code paths: ``member_add`` and the
    admin are atomic) is recorded twice, once by each, rather than not at all.
    On SQLite there are no triggers: bulk and raw changes are not captured there.

Append-only
    ``AuditEvent.save()`` refuses an existing row, ``delete()`` refuses always, and the
    queryset refuses ``update()`` / ``delete()`` / ``bulk_update()`` (``AuditLogIsAppendOnly``).
    On PostgreSQL a BEFORE UPDATE OR DELETE trigger refuses raw SQL too. TRUNCATE is not
    refused (the test runner flushes tables with it); in production, grant the
    application role only INSERT and SELECT on the audit table to close that as well.
    References to users, tokens, organisations and content types are foreign keys
    without database constraints (``on_delete=DO_NOTHING``): deleting a user never
    has to touch the log, and the username is kept as it was.

By month (PostgreSQL only)
    Migration 0005 partitions the table by RANGE on ``occurred_at``: one partition per
    Asia/Shanghai calendar month (``audit_auditevent_pYYYYMM``) and a DEFAULT partition,
    under the same table name, so the model and every query are unchanged. The primary key
    is (id, occurred_at); ids still come from one sequence. ``partitions.py``: ``ensure``
    makes the months ahead (``AUDIT_PARTITION_MONTHS_AHEAD``) and moves strays out of
    DEFAULT; ``archive`` writes each month older than ``AUDIT_RETENTION_MONTHS`` (0: keep
    all) to a gzip'd CSV under ``AUDIT_ARCHIVE_DIR``, verifies it read back, and only then
    drops the partition, recording an ``archive`` event. ``manage.py audit_partitions
    [--archive]``, run daily by a systemd timer (docs/operations.md).

Who reads it
    A resource's history: ``GET /api/v1/<library>/{id}/history/`` and a "History"
    section on its page, for curators and admins of the owner or the audience
    (``policy.check_manage``); others who can see the resource get 403, the rest 404.
    Histories show foreign keys and linked resources as ids only (labels on the page
    come from one query per related model, whatever the number of events).
    The whole log: ``GET /api/v1/audit/`` for admins of a municipal school, filtered by
    ``action`` (comma-separated), ``source``, ``user`` (username), ``organization``
    (code), ``object_type`` (a library key or app_label.model), ``object_id``,
    ``request_id``, ``since`` / ``until`` (a date — ``until`` then includes the whole
    day — or an ISO 8601 moment), newest first with cursor pages. The admin site shows
    it read-only to superusers and municipal admins.
"""
