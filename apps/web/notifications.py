"""The notification pages: the list, opening one, marking read, the e-mail settings.

Everything reads through ``apps.notifications.inbox``: the person's own notifications about
resources they may see now. Opening one (``/notifications/<id>/``) marks it read and goes to
the resource's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.notifications import inbox
from apps.notifications.models import Kind
from apps.notifications.subjects import subject_for
from apps.notifications.texts import describe
from apps.sharing.registry import find_library

PAGE_SIZE = 20
BIGINT = 2**63


def resource_path(notification) -> str:
    """The page of the resource a notification is about (its library's detail page)."""
    model = notification.content_type.model_class()
    subject = subject_for(model)
    if subject is not None:
        return subject.path(notification.object_id)
    library = find_library(model)
    if library is None:
        return reverse("web:notifications")
    return reverse("web:detail", args=[library.key, notification.object_id])


@login_required
def notification_list(request):
    """The reader's notifications, newest first, unread ones marked (``?unread=1``: only those)."""
    unread_only = request.GET.get("unread") == "1"
    rows = inbox.inbox(request.user)
    if unread_only:
        rows = rows.unread()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "id": n.pk,
            "text": describe(n),
            "kind": n.get_kind_display(),
            "created_at": n.created_at,
            "unread": n.read_at is None,
            "url": reverse("web:notification-open", args=[n.pk]),
        }
        for n in page.object_list
    ]
    return render(
        request,
        "web/notifications/list.html",
        {"page": page, "items": items, "unread_only": unread_only},
    )


@login_required
def notification_open(request, pk: int):
    """Mark the notification read and go to the page of its resource."""
    notification = inbox.mark_read(request.user, pk) if pk < BIGINT else None
    if notification is None:
        raise Http404
    return redirect(resource_path(notification))


@login_required
@require_POST
def notification_read(request, pk: int):
    if (inbox.mark_read(request.user, pk) if pk < BIGINT else None) is None:
        raise Http404
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    marked = inbox.mark_all_read(request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": marked})
    return redirect(_back(request))


@login_required
def notification_settings(request):
    """Which kinds of notification also come by e-mail (all of them, unless opted out)."""
    if request.method == "POST":
        inbox.set_email_preferences(request.user, request.POST.getlist("email"))
        messages.success(request, _("Your e-mail settings were saved."))
        return redirect("web:notification-settings")
    chosen = inbox.email_preferences(request.user)
    kinds = [(kind, label, chosen[kind]) for kind, label in Kind.choices]
    return render(
        request,
        "web/notifications/settings.html",
        {"kinds": kinds, "has_email": bool(request.user.email)},
    )


def _back(request) -> str:
    """Back to the list, on the page and filter the form was sent from."""
    url = reverse("web:notifications")
    query = request.POST.get("query", "")
    if query and all(c.isalnum() or c in "=&" for c in query):
        url += "?" + query
    return url
