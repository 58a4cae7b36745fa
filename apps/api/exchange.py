"""API actions for Excel import/export (``apps.exchange``), composed into every library's viewset.

``GET  /api/v1/<library>/export/``           the list's rows (same filters, no pages) as .xlsx
``GET  /api/v1/<library>/import-template/``  the headers and the instructions sheet
``POST /api/v1/<library>/import/``           multipart ``file`` + ``owner`` (organisation code)

An export of more than ``EXPORT_INLINE_ROWS`` rows, an import of more than
``IMPORT_INLINE_ROWS`` rows, or either with ``?async=1``, runs as a job (``apps.exchange.jobs``)
and answers ``202 Accepted`` with the job and its address in ``Location`` (``exchange_jobs.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from apps.exchange.exceptions import file_problem
from apps.exchange.http import xlsx_response
from apps.exchange.importing import read_upload
from apps.exchange.jobs import requested_filters, start_export, start_import
from apps.exchange.services import (
    XLSX_CONTENT_TYPE,
    ExportNeedsJob,
    ExportTooLarge,
    export_filenames,
    export_workbook,
    prepare_import,
    run_import,
    template_filenames,
    template_workbook,
)
from apps.sharing.exceptions import InvalidInput
from apps.sharing.openapi import (
    CONTENT_DISPOSITION,
    PROBLEM_CONTENT_TYPE,
    ProblemSerializer,
    endpoint,
)

from .exchange_jobs import ASYNC, LOCATION, ExchangeJobSerializer, job_accepted
from .idempotency import idempotent
from .parsers import FormParser, MultiPartParser
from .problems import problem_response


class XlsxRenderer(BaseRenderer):
    """Lets a client ask for the workbook by ``Accept``; problems still answer as JSON."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data, renderer_context=renderer_context)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The .xlsx workbook; its first sheet is imported."))
    owner = serializers.CharField(
        max_length=32,
        help_text=_("Code of the organisation that receives the rows; you must curate it."),
    )


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("New drafts."))
    updated = serializers.IntegerField(help_text=_("Existing drafts that were changed."))
    unchanged = serializers.IntegerField(help_text=_("Rows identical to what is stored."))


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("Excel row number; 1 is the header row."))
    column = serializers.CharField(help_text=_("The column header."))
    message = serializers.CharField()


class ImportProblemSerializer(ProblemSerializer):
    """A refused import: the usual problem, and every problem row by row (none were imported).
    导入被拒绝：逐行列出全部问题，一行也没有导入。"""

    rows = ImportRowErrorSerializer(
        many=True,
        required=False,
        help_text=(
            "逐行的问题；缺少 Idempotency-Key 等请求层面的 400 没有此项。"
            " Problems per row; absent on request-level 400s such as a missing Idempotency-Key."
        ),
    )


def too_large(exc: ExportTooLarge) -> Response:
    response = problem_response(exc.status_code, exc.message)
    response.data["limit"] = exc.limit  # RFC 9457 extension member: the row limit
    return response


def import_problem(exc: InvalidInput) -> Response:
    """The problem document of a refused import, with ``rows`` beside the usual ``errors``."""
    response = problem_response(exc.status_code, exc.message, exc.errors or None)
    rows = exc.rows_as_dicts() if hasattr(exc, "rows_as_dicts") else []
    response.data["rows"] = rows
    return response


TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def async_requested(request) -> bool:
    """``?async=1``: run as a job whatever the size. Anything but a yes or no is refused."""
    value = request.query_params.get("async")
    if value is None:
        return False
    value = value.strip().lower()
    if value in TRUE | FALSE:
        return value in TRUE
    raise InvalidInput(errors={"async": [str(_("Use 1 (run as a job) or 0."))]})


XLSX_RESPONSE = {(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}
EXPORT_RESPONSES = {**XLSX_RESPONSE, 202: ExchangeJobSerializer}
WORKBOOK_RENDERERS = [JSONRenderer, XlsxRenderer]


class ExchangeViewSetMixin:
    """Export, template and import for the viewset's ``model``, through the same rules as the
    list (export) and the sharing services (import)."""

    @endpoint(
        400,
        parameters=[CONTENT_DISPOSITION, ASYNC, LOCATION],
        summary=_("Export to Excel"),
        description=_(
            "The items the list would give with the same filters and ordering, all of them, "
            "as an .xlsx workbook. Lecturer contact columns appear only for those allowed to "
            "read them. More than EXPORT_INLINE_ROWS rows (2000 by default), or any number "
            "with ?async=1, runs as a job: 202 with the job, its address in Location; its "
            "download address appears there when it is done. At most EXPORT_JOB_MAX_ROWS "
            "rows (100000 by default) for a job: a larger export answers 400 with the limit "
            "in ``limit``; narrow the filters."
        ),
        filters=True,
        responses=EXPORT_RESPONSES,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        url_name="export",
        pagination_class=None,
        renderer_classes=WORKBOOK_RENDERERS,
    )
    def export(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        try:
            if not async_requested(request):
                inline = settings.EXPORT_INLINE_ROWS
                content = export_workbook(self.model, queryset, user=request.user, inline=inline)
                return xlsx_response(content, export_filenames(self.model))
        except ExportNeedsJob:
            pass  # too large for the request: a job
        except ExportTooLarge as exc:
            return too_large(exc)
        except InvalidInput as exc:
            return problem_response(exc.status_code, exc.message, exc.errors or None)
        filters = requested_filters(request.query_params)
        try:
            exchange_job = start_export(self.model, queryset, user=request.user, filters=filters)
        except ExportTooLarge as exc:
            return too_large(exc)
        return job_accepted(request, exchange_job)

    @endpoint(
        parameters=[CONTENT_DISPOSITION],
        summary=_("Download the import template"),
        description=_("An empty workbook with the columns, and a sheet explaining each of them."),
        responses=XLSX_RESPONSE,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="import-template",
        url_name="import-template",
        pagination_class=None,
        filter_backends=[],
        renderer_classes=WORKBOOK_RENDERERS,
    )
    def import_template(self, request):
        return xlsx_response(template_workbook(self.model), template_filenames(self.model))

    @endpoint(
        403,
        idempotent=True,
        parameters=[ASYNC, LOCATION],
        summary=_("Import from Excel"),
        description=_(
            "Curators and admins of the owner only. Every row is checked first; if any "
            "has a problem nothing changes and all problems are listed in ``rows``. Rows "
            "are matched with the owner's resources by title: new ones become drafts, "
            "changed drafts are updated, identical ones stay unchanged. Files are limited "
            "in size and rows (see the template's instructions). A file of more than "
            "IMPORT_INLINE_ROWS rows (500 by default), or any file with ?async=1, is "
            "imported by a job: 202 with the job, its address in Location; the job's "
            "problems, if any, are given there as here (detail, errors, rows)."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            202: ExchangeJobSerializer,
            (400, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ImportProblemSerializer,
                description=_("Nothing was imported."),
                examples=[
                    OpenApiExample(
                        "row-problem",
                        summary="第 2 行缺标题 Row 2 has no title",
                        value={
                            "type": "about:blank",
                            "title": "请求无效",
                            "status": 400,
                            "detail": "未导入任何内容：发现 1 个问题，请修改后重新导入。",
                            "errors": {"rows.2.标题": ["此字段不能为空。"]},
                            "rows": [{"row": 2, "column": "标题", "message": "此字段不能为空。"}],
                        },
                    )
                ],
            ),
            (403, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer, description=_("You do not curate the owner.")
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser],
    )
    @idempotent
    def import_file(self, request):
        upload = request.FILES.get("file")
        owner = str(request.data.get("owner") or "").strip()
        try:
            as_job = async_requested(request)
            if upload is None:
                raise file_problem(_("Choose an .xlsx file to upload."))
            prepared = prepare_import(self.model, upload, user=request.user, owner_code=owner)
            if as_job or len(prepared.rows) > settings.IMPORT_INLINE_ROWS:
                data = read_upload(upload)  # already read once: within the bounds
                exchange_job = start_import(self.model, prepared, data, user=request.user)
                return job_accepted(request, exchange_job)
            result = run_import(prepared, user=request.user)
        except InvalidInput as exc:
            return import_problem(exc)
        return Response(result.as_dict())
