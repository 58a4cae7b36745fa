"""Admin import page and export action, mixed into every library's admin."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.organizations.models import Organization
from apps.sharing.exceptions import SharingError
from apps.sharing.policy import CURATORS

from .columns import spec_for
from .exceptions import ExportNeedsJob, ExportTooLarge, ImportRejected
from .http import xlsx_response
from .importing import read_upload
from .jobs import start_export, start_import
from .models import ExchangeJob
from .services import (
    XLSX_CONTENT_TYPE,
    export_filenames,
    export_workbook,
    prepare_import,
    run_import,
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
    in_background = forms.BooleanField(
        label=_("Run in the background"),
        required=False,
        help_text=_(
            "Large files (more than %(rows)d rows) are always imported in the background; "
            "you follow the import on its own page."
        ),
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["in_background"].help_text %= {"rows": settings.IMPORT_INLINE_ROWS}
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
            path(
                "exchange-jobs/<int:job_id>/",
                wrap(self.job_view),
                name=f"{prefix}_exchange_job",
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
            content = export_workbook(
                self.model, queryset, user=request.user, inline=settings.EXPORT_INLINE_ROWS
            )
        except ExportNeedsJob:
            # Too large for the request: a job exports the selection (as the user may see
            # it when it runs) and the job's page follows it.
            ids = list(queryset.values_list("pk", flat=True)[: settings.EXPORT_JOB_MAX_ROWS + 1])
            try:
                exchange_job = start_export(
                    self.model, queryset, user=request.user, filters={"selected": ids}
                )
            except ExportTooLarge as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return None
            return redirect(self._job_url(exchange_job))
        except ExportTooLarge as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None  # back to the changelist (its filters kept) with the message
        return xlsx_response(content, export_filenames(self.model))

    def _job_url(self, exchange_job) -> str:
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_exchange_job",
            args=[exchange_job.pk],
            current_app=self.admin_site.name,
        )

    def job_view(self, request, job_id):
        """An export or import job of the user's: its progress (the page reloads itself
        while it runs), then the download link or every problem by row and column."""
        exchange_job = (
            ExchangeJob.objects.filter(pk=job_id, user=request.user)
            .select_related("owner")
            .defer("upload")
            .first()
        )
        if exchange_job is None or not self.has_view_permission(request):
            raise Http404
        problem = exchange_job.problem or {}
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Excel job %(id)d") % {"id": exchange_job.pk},
            "opts": opts,
            "app_label": opts.app_label,
            "job": exchange_job,
            "problem": problem.get("detail"),
            "rows": problem.get("rows") or [],
            "download_url": (
                f"/api/v1/exchange-jobs/{exchange_job.pk}/download/" if exchange_job.ready else ""
            ),
            "refresh_seconds": 0 if exchange_job.finished else 2,
            "changelist_url": self._exchange_url("changelist"),
        }
        return TemplateResponse(request, "exchange/admin/job.html", context)

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
            upload = form.cleaned_data["file"]
            try:
                prepared = prepare_import(
                    self.model, upload, user=request.user, owner_code=owner.code
                )
                if (
                    form.cleaned_data["in_background"]
                    or len(prepared.rows) > settings.IMPORT_INLINE_ROWS
                ):
                    exchange_job = start_import(
                        self.model, prepared, read_upload(upload), user=request.user
                    )
                    return redirect(self._job_url(exchange_job))
                result = run_import(prepared, user=request.user)
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
