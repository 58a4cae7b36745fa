"""Admin import page and export action, mixed into every library's admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.organizations.models import Organization
from apps.sharing.exceptions import SharingError
from apps.sharing.policy import CURATORS

from .columns import spec_for
from .exceptions import ExportTooLarge, ImportRejected
from .http import xlsx_response
from .services import (
    XLSX_CONTENT_TYPE,
    export_filenames,
    export_workbook,
    import_workbook,
    template_filenames,
    template_workbook,
)


class ImportForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Import into"),
        to_field_name="code",
        help_text=_("Only organisations where you are a curator or admin are offered."),
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        codes = list(owners.values_list("code", flat=True)[:2])
        if len(codes) == 1:
            self.fields["owner"].initial = codes[0]


def curated_organizations(user):
    """Where ``user`` may import: organisations in which they are a curator or admin."""
    ids = [seat.org_id for seat in actor_for(user).seats_with(CURATORS)]
    return Organization.objects.filter(pk__in=ids).order_by("path")


class ExchangeAdminMixin:
    """Adds "export selected to Excel", an import page and the template download to a
    library's admin; the changelist links to both."""

    change_list_template = "exchange/admin/change_list.html"
    exchange_import_template = "exchange/admin/import.html"

    def _exchange_enabled(self) -> bool:
        return spec_for(self.model) is not None

    def _exchange_url(self, name: str) -> str:
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{name}", current_app=self.admin_site.name
        )

    # ---- URLs and the changelist links ---------------------------------------------------

    def get_urls(self):
        urls = super().get_urls()
        if not self._exchange_enabled():
            return urls
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path(
                "import-template/",
                wrap(self.import_template_view),
                name=f"{prefix}_import_template",
            ),
            *urls,
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if self._exchange_enabled():
            extra_context["exchange_template_url"] = self._exchange_url("import_template")
            if curated_organizations(request.user).exists():
                extra_context["exchange_import_url"] = self._exchange_url("import")
        return super().changelist_view(request, extra_context=extra_context)

    # ---- export --------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if (
            self.actions is None
            or IS_POPUP_VAR in request.GET
            or not self._exchange_enabled()
            or not self.has_view_permission(request)
        ):
            return actions
        func, name, description = self.get_action("export_selected_xlsx")
        actions[name] = (func, name, description)
        return actions

    @admin.action(description=_("Export selected to Excel"))
    def export_selected_xlsx(self, request, queryset):
        # ``queryset`` is the changelist's: already restricted to what the user may see.
        try:
            content = export_workbook(self.model, queryset, user=request.user)
        except ExportTooLarge as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None  # back to the changelist (its filters kept) with the message
        return xlsx_response(content, export_filenames(self.model))

    # ---- template and import -------------------------------------------------------------

    def import_template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return xlsx_response(template_workbook(self.model), template_filenames(self.model))

    def import_view(self, request):
        owners = curated_organizations(request.user)
        if not owners.exists() or not self.has_view_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None, owners=owners)
        problem, rows = None, []
        if request.method == "POST" and form.is_valid():
            owner = form.cleaned_data["owner"]
            try:
                result = import_workbook(
                    self.model, form.cleaned_data["file"], user=request.user, owner_code=owner.code
                )
            except ImportRejected as exc:
                problem, rows = str(exc.message), exc.rows_as_dicts()
                if not rows:
                    for message in exc.errors.get("file", []) or [problem]:
                        form.add_error("file", message)
                    problem = None
            except SharingError as exc:
                form.add_error(None, str(exc.message))
            else:
                self.message_user(
                    request,
                    _(
                        "Imported into %(org)s: %(created)d created, %(updated)d updated, "
                        "%(unchanged)d unchanged."
                    )
                    % {"org": owner.name, **result.as_dict()},
                    messages.SUCCESS,
                )
                return redirect(self._exchange_url("changelist"))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(name)s from Excel") % {"name": opts.verbose_name_plural},
            "opts": opts,
            "app_label": opts.app_label,
            "form": form,
            "problem": problem,
            "rows": rows,
            "template_url": self._exchange_url("import_template"),
            "changelist_url": self._exchange_url("changelist"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.exchange_import_template, context)
