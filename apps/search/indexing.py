"""Filling a resource's search columns (``search_title``, ``search_body``).

``SharedResource.save()`` fills them on every save that may change the indexed text, so
the services, the admin, the seeds and a reuse copy (``model(...).save()``) keep them up
to date without doing anything. Writes that bypass ``save()`` do not:
``QuerySet.update()``, ``bulk_create()``, ``bulk_update()`` and ``loaddata`` (raw saves).
Code that writes indexed text that way must fill the columns itself, e.g.::

    for obj in objs:
        fill_search_columns(obj)
    Model.objects.bulk_create(objs)

or run ``manage.py reindex_search`` afterwards (also needed after changing the tokenizer
or a library's ``SEARCH_TEXT_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.dispatch import Signal

from .tokens import index_text

SEARCH_COLUMNS = ("search_title", "search_body")

# Sent after ``reindex`` rewrote search columns with ``bulk_update`` (which sends no
# ``post_save``): whoever caches search results (``apps.sharing.content_version``) listens.
columns_refilled = Signal()


def search_columns(obj) -> tuple[str, str]:
    """The stored tokens of ``obj``'s title and of its ``SEARCH_TEXT_FIELDS``."""
    title = index_text(obj.title or "")
    body = index_text(*(str(getattr(obj, name) or "") for name in obj.SEARCH_TEXT_FIELDS))
    return title, body


def fill_search_columns(obj) -> None:
    obj.search_title, obj.search_body = search_columns(obj)


def source_fields(model) -> tuple[str, ...]:
    """The fields whose text is indexed."""
    return ("title", *model.SEARCH_TEXT_FIELDS)


def reindex(
    model,
    *,
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Refill the search columns of every row of ``model`` in batches; return the count.

    Only the indexed fields are read and only the search columns written (``updated_at``
    and ``version`` stay as they are), one transaction per batch, so it can run on a live
    database and be interrupted and run again.
    """
    rows = model._base_manager.order_by("pk").only("pk", *source_fields(model))
    total = rows.count()
    done, last_pk = 0, None
    while True:
        batch_rows = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        batch = list(batch_rows[:batch_size])
        if not batch:
            break
        for obj in batch:
            fill_search_columns(obj)
        with transaction.atomic():
            model._base_manager.bulk_update(batch, SEARCH_COLUMNS)
        done += len(batch)
        last_pk = batch[-1].pk
        if progress is not None:
            progress(done, total)
    columns_refilled.send(sender=model, count=done)  # cached search results must go
    return done
