"""Pages for published versions and for keeping a copy in step with its source (版本与同步).

- the detail page's part (``detail_context``): the update notice of a copy ("来源已更新 (版本
  3 → 5)", or "来源已撤回"), the resource's published versions, the copies behind in its
  "where reused" table;
- one published version on its own page;
- the three-way diff of a copy with a checkbox per field, taking the ticked fields or
  declining the version through ``services.resource_sync`` (the same rule as the API);
- the copies that are behind, per school, as far as the reader may see them.

Reads go through ``restrict``, writes through the services; nothing here names a library.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.sharing import services, versions
from apps.sharing.choices import Status
from apps.sharing.exceptions import ResourceNotFound, SharingError
from apps.sharing.models import SharedResource
from apps.sharing.registry import get_library, libraries

# ---- the detail page's part ----------------------------------------------------------------


def detail_context(library, obj: SharedResource, user, source_visible: bool) -> dict:
    """What the detail page shows about versions: a copy's notice, the published versions,
    and which copies in "where reused" are behind. A fixed number of queries."""
    context: dict[str, Any] = {"published_versions": list(versions.versions_of(obj))}
    notice = None
    if obj.source_id:
        # The source's status even when it has left the reader's sight: a withdrawn source
        # tells its copies so (nothing else about it is shown).
        row = (
            library.model.objects.filter(pk=obj.source_id)
            .values_list("status", "published_version")
            .first()
        )
        if row is not None:
            update = versions.source_update(obj, *row) if source_visible else None
            notice = {
                "update": update,
                "withdrawn": row[0] == Status.WITHDRAWN,
                "diff_url": reverse("web:source-diff", args=[library.key, obj.pk]),
            }
    context["source_notice"] = notice
    return context


def mark_reuses_behind(obj: SharedResource, records) -> list:
    """The "where reused" records, each with ``update`` (its copy is behind) or None."""
    records = list(records)
    for record, update in zip(records, versions.copies_behind(obj, records), strict=True):
        record.update = update
    return records


# ---- showing kept values -------------------------------------------------------------------


def _labels(model, user, contents: list[dict]) -> dict[tuple[str, Any], str]:
    """``(field, id) → label`` for every related id in ``contents``: one query per related
    model, and only resources the reader may see (others show as hidden)."""
    wanted: dict[type, set] = {}
    keys: list[tuple[str, type, Any]] = []
    for content in contents:
        for name, value in content.items():
            for related, key in _related_values(model, name, value):
                wanted.setdefault(related, set()).add(key)
                keys.append((name, related, key))
    names: dict[tuple[type, Any], str] = {}
    for related, ids in wanted.items():
        rows = related.objects.all()
        if issubclass(related, SharedResource):
            rows = related.objects.restrict(user, "view")
        for row in rows.filter(pk__in=ids):
            names[(related, row.pk)] = str(getattr(row, "title", None) or row)
    return {(name, key): names.get((related, key)) for name, related, key in keys}


def _related_values(model, name: str, value):
    """``(related model, id)`` for each id a kept value refers to."""
    try:
        field = model._meta.get_field(name)
    except Exception:
        return
    if field.many_to_many and isinstance(value, list):
        for key in value:
            yield field.related_model, key
    elif field.many_to_one and value is not None:
        yield field.related_model, value
    elif field.one_to_many and isinstance(value, list):  # a library's kept rows (a group)
        member = field.related_model
        for item in value:
            for key, sub in (item or {}).items():
                try:
                    subfield = member._meta.get_field(key)
                except Exception:
                    continue
                if subfield.many_to_one and sub is not None:
                    yield subfield.related_model, sub


def shown(model, name: str, value, labels) -> str:
    """A kept value as a reader reads it: labels for ids, choice labels, one line per item."""
    hidden = _("(a resource you cannot see)")
    try:
        field = model._meta.get_field(name)
    except Exception:
        field = None
    if value is None or value == "" or value == []:
        return "—"
    if field is not None and field.many_to_many:
        return "、".join(labels.get((name, key)) or hidden for key in value)
    if field is not None and field.many_to_one:
        return labels.get((name, value)) or hidden
    if field is not None and field.one_to_many and isinstance(value, list):
        member = field.related_model
        lines = []
        for item in value:
            parts = []
            for key, sub in (item or {}).items():
                try:
                    subfield = member._meta.get_field(key)
                except Exception:
                    subfield = None
                if subfield is not None and subfield.many_to_one:
                    parts.append(labels.get((name, sub)) or hidden)
                elif subfield is not None and subfield.choices:
                    parts.append(str(dict(subfield.flatchoices).get(sub, sub)))
                elif sub not in (None, ""):
                    parts.append(str(sub))
            lines.append(" · ".join(parts))
        return "\n".join(lines)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


# ---- word marks ----------------------------------------------------------------------------

# A Chinese character is a word here; Latin words and numbers stay whole, as do runs of space.
_TOKENS = re.compile(r"[A-Za-z0-9_.]+|\s+|.", re.S)


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def marked(old: str, new: str) -> str:
    """``new`` as HTML with what changed from ``old`` marked: ``<del>`` for what was taken
    out, ``<ins>`` for what was put in. Everything is escaped; only the marks are HTML."""
    a, b = tokens(old), tokens(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # every piece above is escaped


# ---- pages ---------------------------------------------------------------------------------


def _library(key):
    try:
        return get_library(key)
    except KeyError:
        raise Http404 from None


def _visible(library, user, pk) -> SharedResource:
    try:
        return (
            library.model.objects.restrict(user, "view")
            .select_related("owner", "author", "audience", "source")
            .get(pk=pk)
        )
    except (library.model.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
def version_detail(request, key, pk, number):
    """One published version of a resource, as it was kept."""
    library = _library(key)
    obj = _visible(library, request.user, pk)
    kept = versions.versions_of(obj).filter(version=number).first()
    if kept is None:
        raise Http404
    model = library.model
    # What names a resource out of the reader's sight (a link, a seat) is left out.
    content = versions.visible_content(model, request.user, kept.content)
    labels = _labels(model, request.user, [content])
    rows = [
        {
            "label": _field_label(model, name),
            "value": shown(model, name, content[name], labels),
        }
        for name in versions.synced_fields(model)
        if name in content
    ]
    context = {"library": library, "obj": obj, "kept": kept, "rows": rows}
    return render(request, "web/version_detail.html", context)


def _field_label(model, name: str) -> str:
    if name in model.EXTRA_CONTENT:
        return str(model.EXTRA_LABELS.get(name, name))
    return str(model._meta.get_field(name).verbose_name)


def _diff_rows(model, compared: versions.SourceDiff, user, ticked: set[str] | None) -> list[dict]:
    labels = _labels(
        model,
        user,
        [{f.field: v} for f in compared.fields for v in (f.base, f.upstream, f.local)],
    )
    rows = []
    for f in compared.fields:
        base, upstream, local = (
            shown(model, f.field, v, labels) for v in (f.base, f.upstream, f.local)
        )
        rows.append(
            {
                "field": f.field,
                "label": f.label,
                "base": base,
                "upstream": marked(base, upstream) if f.changed_upstream else upstream,
                "local": marked(base, local) if f.changed_locally else local,
                "changed_upstream": f.changed_upstream,
                "changed_locally": f.changed_locally,
                "both": f.changed_upstream and f.changed_locally,
                # Pre-ticked: the source changed it and the copy did not.
                "ticked": f.field in ticked
                if ticked is not None
                else f.changed_upstream and not f.changed_locally,
            }
        )
    return rows


@login_required
def source_diff(request, key, pk):
    """The copy against its source, side by side; POST takes the ticked fields or declines."""
    library = _library(key)
    model = library.model
    copy = _visible(library, request.user, pk)
    errors: list[str] = []
    ticked = None
    if request.method == "POST":
        ticked = set(request.POST.getlist("accept"))
        decline = "decline" in request.POST
        try:
            services.resource_sync(
                model,
                user=request.user,
                pk=copy.pk,
                accept=None if decline else sorted(ticked),
                decline=decline,
                to_version=_posted_number(request, "to_version"),
                expected_version=_posted_number(request, "version"),
            )
        except ResourceNotFound:
            raise Http404 from None
        except services.VersionMismatch:
            errors.append(
                _("Someone changed this copy while you were comparing. Look again, then choose.")
            )
        except services.SourceMoved:
            # The ticks were chosen on the old comparison: the new one ticks afresh.
            ticked = None
            errors.append(
                _(
                    "The source published a newer version while you were comparing: nothing "
                    "was changed. Here is the comparison with it; look again, then choose."
                )
            )
        except SharingError as exc:
            details = [m for field_errors in exc.errors.values() for m in field_errors]
            errors.append(" ".join([str(exc.message), *details]) if details else str(exc.message))
        else:
            messages.success(
                request,
                _("Declined: you will be told again when the source publishes a newer version.")
                if decline
                else _(
                    "Done: the ticked fields were taken from the source; the others kept yours."
                ),
            )
            return redirect("web:detail", key=key, pk=copy.pk)
        copy = _visible(library, request.user, pk)
    source = (
        model.objects.restrict(request.user, "view").filter(pk=copy.source_id).first()
        if copy.source_id
        else None
    )
    if source is None:
        raise Http404
    # Shown as the reader may see it (links, seats); the flags and ticks use the full values.
    compared = versions.diff(copy, source).hide_links(request.user)
    context = {
        "library": library,
        "obj": copy,
        "source": source,
        "compared": compared,
        "update": compared.update,
        "rows": _diff_rows(model, compared, request.user, ticked),
        "can_sync": "edit" in _allowed(copy, request.user),
        "errors": errors,
    }
    return render(request, "web/source_diff.html", context)


def _posted_number(request, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _allowed(obj, user) -> list[str]:
    from apps.accounts.actor import actor_for
    from apps.sharing.policy import policy

    return policy.allowed_actions(actor_for(user), obj)


@login_required
def behind_copies(request):
    """The copies behind their sources, per school: what curators follow up across the
    network. Only copies the reader may see, of sources the reader may see; one query
    per library."""
    groups = []
    for library in libraries():
        model = library.model
        sources = model.objects.restrict(request.user, "view").values("pk")
        copies = (
            model.objects.restrict(request.user, "view")
            .filter(versions.behind_q(), source__in=sources)
            .select_related("owner", "source")
            .order_by("owner__path", "title", "pk")
        )
        for copy in copies:
            copy.update = versions.source_update(
                copy, copy.source.status, copy.source.published_version
            )
            groups.append((copy.owner, library, copy))
    schools: dict = {}
    for owner, library, copy in groups:
        schools.setdefault(owner.pk, {"owner": owner, "items": []})["items"].append(
            {"library": library, "copy": copy}
        )
    ordered = sorted(schools.values(), key=lambda s: s["owner"].path)
    return render(request, "web/behind_copies.html", {"schools": ordered})
