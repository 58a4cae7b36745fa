"""The admin parts every library's ModelAdmin is built from: through the same policy and
services as the API. A library subclasses ``SharedResourceAdmin`` in its own folder and names
it in its registry entry; ``apps.backoffice`` registers it, composed with Excel import and
export. This module imports no feature."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.organizations.models import Organization

from . import services
from .choices import Scope
from .exceptions import ResourceNotFound, SharingError
from .models import SharedResource
from .policy import CREATORS, ActionDenied, InvalidTransition, policy
from .registry import reviewable


class SharedResourceAdmin(admin.ModelAdmin):
    """Curators see and change exactly what the policy allows them; nothing more."""

    list_display = ["title", "owner", "status", "scope", "version", "reuse_count", "updated_at"]
    list_filter = ["status", "scope"]
    search_fields = ["title"]

    def get_list_select_related(self, request):
        """The owner and audience, and every foreign key a library's list shows (kind, place,
        category, district…): joined in, never one query per row."""
        relations = {"owner", "audience"}
        for name in self.list_display:
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_one:
                relations.add(name)
        return sorted(relations)

    readonly_fields = [
        "status",
        "scope",
        "audience",
        "version",
        "source",
        "source_version",
        "reuse_count",
        "rejection_reason",
        "author",
        "submitted_at",
        "published_at",
        "recommended_by",
        "recommended_at",
        "recommendation_note",
    ]
    actions = [
        "publish_private",
        "publish_district",
        "publish_network",
        "withdraw",
        "recommend",
        "decline_recommendation",
    ]

    # ---- what the user may see and do ----------------------------------------------------

    def get_queryset(self, request):
        # Joined here: Django's change list skips its own select_related once one is set.
        return self.model.objects.restrict(request.user, "view").select_related(
            *self.get_list_select_related(request)
        )

    def has_module_permission(self, request):
        return bool(actor_for(request.user).seats)

    def has_view_permission(self, request, obj=None):
        return bool(actor_for(request.user).seats)

    def has_add_permission(self, request):
        return bool(actor_for(request.user).seats_with(CREATORS))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return bool(actor_for(request.user).seats)
        return self._allowed(policy.check_edit, request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return False  # one at a time, through the service
        return self._allowed(policy.check_delete, request, obj)

    @staticmethod
    def _allowed(check, request, obj) -> bool:
        try:
            check(actor_for(request.user), obj)
        except (ActionDenied, InvalidTransition):
            return False
        return True

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "owner"]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            ids = [s.org_id for s in actor_for(request.user).seats_with(CREATORS)]
            kwargs["queryset"] = Organization.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Links to other shared resources offer only what this user may see.
        if issubclass(db_field.related_model, SharedResource):
            kwargs["queryset"] = db_field.related_model.objects.restrict(request.user, "view")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # ---- writes go through the services --------------------------------------------------
    #
    # The resource, its links to other resources and the inline rows that are library
    # content (a course's group, a lecturer's contact: ``service_content`` on the inline) are
    # written by one service call, in ``save_related`` once the inlines are known, so the
    # admin gets every rule of the services (hidden links kept, a department's case
    # submitted on creation, one audit event) without knowing any. A refusal for input or
    # status shows beside the form with the input kept (``changeform_view``); a refusal for
    # who the user is stays a 403.

    def save_model(self, request, obj, form, change):
        """Nothing yet: see ``save_related``."""

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        names = (*obj.CONTENT_FIELDS, *obj.CONTENT_M2M)
        data = {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        inlines = {inline.model: inline for inline in self.get_inlines(request, obj)}
        by_service = []
        for formset in formsets:
            content = getattr(inlines.get(formset.model), "service_content", None)
            if content is not None:
                data.update(content(formset))
                by_service.append(formset)
        try:
            if change:
                saved = services.resource_update(
                    self.model, user=request.user, pk=obj.pk, data=data
                )
            else:
                saved = services.resource_create(
                    self.model, user=request.user, owner_code=obj.owner.code, data=data
                )
        except (ActionDenied, ResourceNotFound) as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except SharingError as exc:
            raise _Refused(exc) from exc
        obj.pk = saved.pk
        obj.refresh_from_db()
        for formset in formsets:
            if formset in by_service:
                # Written by the service; the change message reads these.
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            else:
                self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # Everything was rolled back; the same post again, the refusal beside the form.
            request.sharing_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "sharing_refusal", None)
        if refusal is None:
            return form
        return type(form.__name__, (_RefusedForm, form), {"refusal": refusal})

    def delete_model(self, request, obj):
        try:
            services.resource_delete(self.model, user=request.user, pk=obj.pk)
        except (ActionDenied, ResourceNotFound) as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except SharingError as exc:
            raise _Refused(exc) from exc

    def delete_view(self, request, object_id, extra_context=None):
        """Django's page refuses a draft that other rows protect; the service refuses too
        (what changed since that page was shown): its reason on the resource's page, the
        deletion's log entry rolled back with it."""
        try:
            return super().delete_view(request, object_id, extra_context)
        except _Refused as refused:
            self.message_user(request, str(refused.error.message), level=messages.ERROR)
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", object_id)

    def _bulk(self, request, queryset, label, run):
        done, failed = 0, []
        for obj in queryset:
            try:
                run(obj)
                done += 1
            except SharingError as exc:
                failed.append(f"{obj.title}: {exc.message}")
        if done:
            self.message_user(request, _("%(label)s: %(n)d done.") % {"label": label, "n": done})
        for line in failed:
            self.message_user(request, line, level=messages.ERROR)

    def _publish(self, request, queryset, scope):
        self._bulk(
            request,
            queryset,
            _("Publish"),
            lambda obj: services.resource_publish(
                self.model, user=request.user, pk=obj.pk, scope=scope
            ),
        )

    @admin.action(description=_("Publish to own school only"))
    def publish_private(self, request, queryset):
        self._publish(request, queryset, Scope.PRIVATE)

    @admin.action(description=_("Publish to the district"))
    def publish_district(self, request, queryset):
        self._publish(request, queryset, Scope.DISTRICT)

    @admin.action(description=_("Publish to the whole network"))
    def publish_network(self, request, queryset):
        self._publish(request, queryset, Scope.NETWORK)

    @admin.action(description=_("Withdraw"))
    def withdraw(self, request, queryset):
        self._bulk(
            request,
            queryset,
            _("Withdraw"),
            lambda obj: services.resource_withdraw(self.model, user=request.user, pk=obj.pk),
        )

    def _with_text(self, request, queryset, *, action, field, label, prompt, run):
        """An action that needs a text (a recommendation's note, a decline's reason): asked on
        an intermediate page, then run through the service for each selected row."""
        if "apply" in request.POST:
            text = request.POST.get(field, "")
            self._bulk(request, queryset, label, lambda obj: run(obj, text))
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "queryset": queryset,
            "action": action,
            "field": field,
            "label": label,
            "prompt": prompt,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/sharing/text_action.html", context)

    @admin.action(description=_("Recommend to the city, with a note"))
    def recommend(self, request, queryset):
        return self._with_text(
            request,
            queryset,
            action="recommend",
            field="note",
            label=_("Recommend to the city"),
            prompt=_("Why should the whole city share it? The municipal curators read this."),
            run=lambda obj, text: services.resource_recommend(
                self.model, user=request.user, pk=obj.pk, note=text
            ),
        )

    @admin.action(description=_("Decline the recommendation, with a reason"))
    def decline_recommendation(self, request, queryset):
        return self._with_text(
            request,
            queryset,
            action="decline_recommendation",
            field="reason",
            label=_("Decline recommendation"),
            prompt=_("Why is it declined? The recommending district reads this."),
            run=lambda obj, text: services.resource_decline_recommendation(
                self.model, user=request.user, pk=obj.pk, reason=text
            ),
        )

    # ---- 复核 (libraries whose entry says ``review``: cases, courses) -----------------------

    review_actions = ("rereview_confirm", "rereview_draft")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if actions and reviewable(self.model):
            for name in self.review_actions:
                func, action_name, description = self.get_action(name)
                actions[action_name] = (func, action_name, description)
        return actions

    def _rereview(self, request, queryset, outcome):
        self._bulk(
            request,
            queryset,
            _("Re-review"),
            lambda obj: services.resource_rereview(
                self.model, user=request.user, pk=obj.pk, outcome=outcome
            ),
        )

    @admin.action(description=_("Re-review: confirm current (today plus the interval)"))
    def rereview_confirm(self, request, queryset):
        self._rereview(request, queryset, "confirm")

    @admin.action(description=_("Re-review: send back to draft"))
    def rereview_draft(self, request, queryset):
        self._rereview(request, queryset, "draft")


class _Refused(Exception):
    """A service refused the admin's save for input or status: carried to ``changeform_view``."""

    def __init__(self, error: SharingError):
        super().__init__(str(error.message))
        self.error = error


class _RefusedForm:
    """The admin form, told the services' refusal of what it held: invalid, errors in place."""

    refusal: SharingError

    def clean(self):
        cleaned = super().clean()
        for field, field_errors in self.refusal.errors.items():
            name = field if field in self.fields else None
            for message in field_errors:
                self.add_error(name, message)
        if not self.refusal.errors:
            self.add_error(None, str(self.refusal.message))
        return cleaned


class SharedResourceInline(admin.TabularInline):
    """Rows that belong to a shared resource: editable exactly when the resource is."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return obj is None or policy.can_view(actor_for(request.user), obj)

    def _editable(self, request, obj) -> bool:
        return obj is not None and SharedResourceAdmin._allowed(policy.check_edit, request, obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if issubclass(db_field.related_model, SharedResource):
            kwargs["queryset"] = db_field.related_model.objects.restrict(request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
