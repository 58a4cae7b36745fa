from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.organizations.models import OrganizationKind

from . import lockout
from .models import ApiToken, Membership, Role, User
from .services import TokenLimitReached, check_token_limit, token_issue


def is_municipal_admin(user) -> bool:
    """An admin of the municipal party school: may lift sign-in lockouts in the admin."""
    return user.is_active and (
        user.is_superuser
        or user.memberships.filter(
            role=Role.ADMIN, organization__kind=OrganizationKind.MUNICIPAL
        ).exists()
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "email", "is_active", "is_staff"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ["display_name"]}),
    )
    actions = ["unlock_sign_in"]

    # Municipal admins see the people (read only) so that they can lift a lockout.
    def has_module_permission(self, request):
        return super().has_module_permission(request) or is_municipal_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or is_municipal_admin(request.user)

    @admin.action(description=_("Lift the sign-in lockout of the selected users"))
    def unlock_sign_in(self, request, queryset):
        if not is_municipal_admin(request.user):
            raise PermissionDenied
        users = list(queryset)
        for user in users:
            lockout.unlock(user.username)
        self.message_user(
            request,
            ngettext(
                "%(n)d user may sign in again from every address.",
                "%(n)d users may sign in again from every address.",
                len(users),
            )
            % {"n": len(users)},
            messages.SUCCESS,
        )


class ApiTokenAddForm(forms.ModelForm):
    """A new token, issued through ``services.token_issue`` (the per-person limit)."""

    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=730, initial=365)

    class Meta:
        model = ApiToken
        fields = ["user", "name", "read_only"]

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user is not None:
            try:
                check_token_limit(user)
            except TokenLimitReached as exc:
                raise ValidationError(str(exc), code="token_limit") from exc
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "user",
        "name",
        "read_only",
        "created_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["read_only"]
    readonly_fields = ["key_id", "created_at", "last_used_at"]
    search_fields = ["user__username", "name", "key_id"]

    # Adding goes through the service and shows the raw value once; nothing else stores it.
    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "read_only", "days"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        token, raw = token_issue(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            days=form.cleaned_data["days"],
        )
        token.raw_value = raw
        return token

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        # a new token was saved by ``token_issue`` in ``save_form``

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
        # a token has no many-to-many fields or inlines to save

    def response_add(self, request, obj, post_url_continue=None):
        opts = self.model._meta
        response = TemplateResponse(
            request,
            "admin/accounts/apitoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "title": _("API token issued"),
                "opts": opts,
                "token": obj,
                "raw_value": obj.raw_value,
                "changelist_url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_changelist",
                    current_app=self.admin_site.name,
                ),
            },
        )
        response["Cache-Control"] = "no-store"
        return response
