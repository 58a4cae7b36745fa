"""Excel jobs (``apps.exchange.jobs``): large exports and imports that left the request.

``GET /api/v1/exchange-jobs/``                 the user's own jobs, newest first
``GET /api/v1/exchange-jobs/{id}/``            status, progress, problems, ``download``
``GET /api/v1/exchange-jobs/{id}/download/``   the export's workbook, to its owner only

Another user's job answers 404, as if it did not exist.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.exchange.http import content_disposition
from apps.exchange.models import ExchangeJob
from apps.exchange.services import XLSX_CONTENT_TYPE
from apps.sharing.exceptions import InvalidTransition
from apps.sharing.openapi import CONTENT_DISPOSITION, endpoint

JOB_PATH = "/api/v1/exchange-jobs/{id}/"
BIGINT = 2**63  # ids are 64-bit: a longer number names nothing (and is no query)

LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[202],
    required=True,
    description=(
        "任务的地址：/api/v1/exchange-jobs/{id}/，轮询它直到 status 为 succeeded 或 failed。"
        " The job's address: poll it until status is succeeded or failed."
    ),
)
ASYNC = OpenApiParameter(
    "async",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    description=(
        "为 1 或 true 时，无论大小都作为后台任务运行（202）。"
        " 1 or true: run as a background job (202) whatever the size."
    ),
)


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="已处理的行数。Rows done.")
    total = serializers.IntegerField(help_text="总行数。Rows in all.")


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ExchangeJobSerializer(serializers.ModelSerializer):
    """An export or import running as a job. 作为后台任务运行的导出或导入。"""

    owner = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="导入的目标单位编码（导出为 null）。The organisation imported into.",
    )
    progress = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    filters = serializers.SerializerMethodField()
    detail = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExchangeJob
        fields = [
            "id",
            "kind",
            "library",
            "status",
            "progress",
            "filters",
            "owner",
            "result",
            "detail",
            "errors",
            "rows",
            "download",
            "created_at",
            "finished_at",
        ]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj):
        return {"done": obj.done, "total": obj.total}

    @extend_schema_field(ImportCountsSerializer(allow_null=True))
    def get_result(self, obj):
        return obj.result

    @extend_schema_field(
        serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    )
    def get_filters(self, obj):
        return obj.filters or {}

    def _problem(self, obj) -> dict:
        return obj.problem or {}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_detail(self, obj):
        return self._problem(obj).get("detail")

    @extend_schema_field(
        serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), allow_null=True
        )
    )
    def get_errors(self, obj):
        return self._problem(obj).get("errors")

    @extend_schema_field(RowProblemSerializer(many=True))
    def get_rows(self, obj):
        return self._problem(obj).get("rows") or []

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, obj):
        if not obj.ready:
            return None
        path = JOB_PATH.format(id=obj.pk) + "download/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


def job_accepted(request, exchange_job: ExchangeJob) -> Response:
    """``202 Accepted``: the job's description, and its address in ``Location``."""
    body = ExchangeJobSerializer(exchange_job, context={"request": request}).data
    response = Response(body, status=202, headers={"Location": JOB_PATH.format(id=exchange_job.pk)})
    response.content_type = "application/json"
    return response


@extend_schema_view(
    list=endpoint(
        404,
        summary=_("My Excel jobs"),
        description=_("Your own export and import jobs, newest first."),
        responses={200: ExchangeJobSerializer(many=True)},
    ),
    retrieve=endpoint(
        404,
        summary=_("An Excel job"),
        description=_(
            "Status (queued, running, succeeded, failed), progress in rows, the problems of a "
            "failed job as the synchronous answer gives them (detail, errors, rows) and, once "
            "an export is ready, its download address."
        ),
        responses={200: ExchangeJobSerializer},
    ),
)
class ExchangeJobViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in user's Excel export and import jobs."""

    serializer_class = ExchangeJobSerializer
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        if int(self.kwargs.get("pk", 0)) >= BIGINT:
            raise Http404
        return super().get_object()

    def get_queryset(self):
        return (
            ExchangeJob.objects.filter(user=self.request.user)
            .select_related("owner")
            .defer("upload")
        )

    @endpoint(
        404,
        409,
        parameters=[CONTENT_DISPOSITION],
        summary=_("Download an export job's workbook"),
        description=_("Only the job's own user; 409 while it is not ready (or has no file)."),
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def download(self, request, pk=None):
        exchange_job = self.get_object()
        if not exchange_job.ready:
            raise InvalidTransition(_("This job has no file to download (yet)."))
        response = FileResponse(exchange_job.file.open("rb"), content_type=XLSX_CONTENT_TYPE)
        name = exchange_job.filename or "export.xlsx"
        fallback = f"{exchange_job.library}-export-{exchange_job.pk}.xlsx"
        response["Content-Disposition"] = content_disposition(name, fallback)
        response["Cache-Control"] = "private, no-store"  # may hold personal data
        response["X-Content-Type-Options"] = "nosniff"
        return response
