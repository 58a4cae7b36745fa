from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.sharing.admin import SharedResourceAdmin, SharedResourceInline
from apps.sharing.exceptions import ActionDenied, ResourceNotFound, SharingError

from .forms import LifecycleForm
from .models import LifecycleEvent
from .pages import may_move, move


class LifecycleEventInline(SharedResourceInline):
    """The site's lifecycle history: append-only, changed through the lifecycle action."""

    model = LifecycleEvent
    can_delete = False
    fields = ["effective_on", "from_state", "to_state", "reason", "user", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TeachingSiteAdmin(SharedResourceAdmin):
    list_display = [
        "title",
        "category",
        "district",
        "lifecycle",
        *SharedResourceAdmin.list_display[1:],
    ]
    list_filter = [*SharedResourceAdmin.list_filter, "lifecycle", "category", "district"]
    search_fields = ["title", "host_organization", "address"]
    filter_horizontal = ["domains", "lecturers"]
    inlines = [LifecycleEventInline]
    readonly_fields = [*SharedResourceAdmin.readonly_fields, "lifecycle"]
    fields = [
        "title",
        "owner",
        "category",
        "host_organization",
        "address",
        "district",
        "town",
        "latitude",
        "longitude",
        "teaching_points",
        "domains",
        "visit_minutes",
        "capacity",
        "lecturers",
        "visit_contact",
        *readonly_fields,
    ]
    change_form_template = "teaching_sites/admin/change_form.html"
    lifecycle_template = "teaching_sites/admin/lifecycle.html"

    # ---- the lifecycle: a button on the change form, a small form of its own -------------

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_lifecycle"
        own = [
            path(
                "<path:object_id>/lifecycle/",
                self.admin_site.admin_view(self.lifecycle_view),
                name=name,
            )
        ]
        return own + super().get_urls()

    def _url(self, name: str, *args) -> str:
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        site = self.get_object(request, object_id)
        if site is not None and may_move(site, actor=actor_for(request.user)):
            extra_context["lifecycle_url"] = self._url("lifecycle", site.pk)
        return super().change_view(request, object_id, form_url, extra_context)

    def lifecycle_view(self, request, object_id):
        """Move the site along its lifecycle (``services.site_change_lifecycle``): only the
        allowed next states are offered; a refusal shows beside the form, the input kept."""
        site = self.get_object(request, object_id)  # the user's reach: else 404
        if site is None:
            raise Http404
        if not may_move(site, actor=actor_for(request.user)):
            raise PermissionDenied
        form = LifecycleForm(request.POST or None, site=site)
        if request.method == "POST" and form.is_valid():
            try:
                done = move(site, form, user=request.user)
            except ResourceNotFound:
                raise Http404 from None
            except ActionDenied as exc:
                raise PermissionDenied(str(exc.message)) from exc
            except SharingError as exc:
                for field, field_errors in exc.errors.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
                if not exc.errors:
                    form.add_error(None, str(exc.message))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return redirect(self._url("change", site.pk))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change the lifecycle of %(site)s") % {"site": site.title},
            "opts": opts,
            "app_label": opts.app_label,
            "original": site,
            "form": form,
            "change_url": self._url("change", site.pk),
            "changelist_url": self._url("changelist"),
            "events": site.events.select_related("user")[:10],
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.lifecycle_template, context)
