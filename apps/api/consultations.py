"""``/api/v1/reports/``: consultation reports (咨政报告) over HTTP.

The rules are in ``apps.consultations.services`` (and ``policy``); this module only reads HTTP
into service calls and answers them. A report out of the reader's reach (its confidentiality)
answers 404 everywhere: the list, the detail, the file and every action; its title is never
in an answer to someone who may not see it. Create and PATCH take JSON, or multipart with the
file in ``file``; ``POST …/{id}/adopt/`` and ``…/decline/`` record the decision;
``GET …/{id}/attachment/`` downloads the file.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from apps.classes.services import classes_for
from apps.consultations import policy, services
from apps.consultations.http import file_response
from apps.consultations.models import (
    AdoptionLevel,
    Confidentiality,
    Report,
    ReportStatus,
)
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization
from apps.sharing.api import expected_version
from apps.sharing.exceptions import ResourceNotFound
from apps.sharing.openapi import CONTENT_DISPOSITION, endpoint
from apps.taxonomy.models import ThematicDomain

from .idempotency import idempotent
from .pagination import CheckedCursorMixin
from .parsers import FormParser, JSONParser, MultiPartParser

BIGINT = 2**63
ID = {"min_value": 1, "max_value": BIGINT - 1}
FILE_TYPES = ["application/pdf", "application/msword", "application/octet-stream"]


def _id(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ResourceNotFound() from None
    if pk >= BIGINT:
        raise ResourceNotFound()
    return pk


class ReportRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ReportFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.CharField(help_text="下载地址。Where to download it.")


class ReportSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.code", read_only=True, help_text="所属学校编码。")
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    lecturers = serializers.SerializerMethodField(
        help_text="作者中的讲师（只列出您可见的）。Lecturer authors you may see."
    )
    trainee_authors = serializers.ListField(
        source="trainee_names", child=serializers.CharField(), read_only=True
    )
    training_class = serializers.SerializerMethodField(
        help_text="来源班次（您看不到时为 null）。The class it came from, if you may see it."
    )
    domains = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status = serializers.ChoiceField(
        choices=ReportStatus.choices,
        help_text="submitted 已报送 → adopted 已采纳 | not_adopted 未采纳。",
    )
    adoption_level = serializers.SerializerMethodField(
        help_text="采纳层级（未采纳时为 null）：instruction 领导批示, department 部门采纳。"
    )
    file = serializers.SerializerMethodField(help_text="附件，没有则为 null。The file, or null.")
    actions = serializers.SerializerMethodField(
        help_text="您现在可以做的：edit, adopt, decline。What you may do now."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "owner",
            "owner_name",
            "title",
            "summary",
            "lecturers",
            "trainee_authors",
            "training_class",
            "seminar",
            "domains",
            "date",
            "confidentiality",
            "status",
            "adoption_level",
            "decision_note",
            "adopted_on",
            "file",
            "version",
            "created_at",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(ReportRefSerializer(many=True))
    def get_lecturers(self, obj) -> list[dict]:
        shown = getattr(obj, "shown_lecturers", None)
        if shown is None:
            shown = services.lecturers_shown(self.context["request"].user, obj)
        return [{"id": lecturer.pk, "title": lecturer.title} for lecturer in shown]

    @extend_schema_field(ReportRefSerializer(allow_null=True))
    def get_training_class(self, obj) -> dict | None:
        if obj.training_class_id is None or not getattr(obj, "class_visible", False):
            return None
        return {"id": obj.training_class_id, "title": obj.training_class.title}

    @extend_schema_field(serializers.ChoiceField(choices=AdoptionLevel.choices, allow_null=True))
    def get_adoption_level(self, obj) -> str | None:
        return obj.adoption_level or None

    @extend_schema_field(ReportFileSerializer(allow_null=True))
    def get_file(self, obj) -> dict | None:
        if not obj.file:
            return None
        request = self.context.get("request")
        path = f"/api/v1/reports/{obj.pk}/attachment/"
        return {
            "name": obj.file_name,
            "size": obj.file_size or 0,
            "content_type": obj.file_type,
            "url": request.build_absolute_uri(path) if request else path,
        }

    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return policy.allowed_actions(request.user, obj) if request is not None else []


class ReportWriteSerializer(serializers.Serializer):
    """What a client sends (PATCH: any of it, but not ``owner``). JSON, or multipart with
    ``file``."""

    owner = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text="所属学校编码，创建后不能改。The owner school's code; fixed at creation.",
    )
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    lecturers = serializers.ListField(
        child=serializers.IntegerField(**ID),
        required=False,
        max_length=50,
        help_text="讲师作者的编号（须是您可见的）。Lecturer authors' ids (ones you may see).",
    )
    trainee_authors = serializers.ListField(
        child=serializers.CharField(max_length=50),
        required=False,
        max_length=30,
        help_text="学员作者姓名。Trainee authors' names.",
    )
    training_class = serializers.IntegerField(
        **ID,
        required=False,
        allow_null=True,
        help_text="来源班次编号（所属学校主办或合办的）。The class it came from.",
    )
    seminar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    domains = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=ThematicDomain.objects.all(),
        required=False,
        help_text="专题领域编码。Domains' codes.",
    )
    date = serializers.DateField()
    confidentiality = serializers.ChoiceField(
        choices=Confidentiality.choices,
        required=False,
        help_text="public 公开, internal 内部, restricted 限阅。",
    )
    file = serializers.FileField(
        required=False, help_text="PDF 或 Word 文件（multipart）。A PDF or Word file."
    )

    def validate(self, attrs):
        if self.partial and "owner" in attrs:
            raise serializers.ValidationError(
                {"owner": [_("The owner school of a report cannot be changed.")]}
            )
        if "trainee_authors" in attrs:
            given = attrs["trainee_authors"]
            names = [n.replace(",", " ").replace("，", " ").strip() for n in given]
            attrs["trainee_authors"] = ", ".join(n for n in names if n)
            if len(attrs["trainee_authors"]) > 500:
                raise serializers.ValidationError(
                    {"trainee_authors": [_("The names are longer than 500 characters.")]}
                )
        return attrs


class ReportAdoptSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=AdoptionLevel.choices,
        help_text="instruction 领导批示, department 部门采纳。",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    adopted_on = serializers.DateField()


class ReportDeclineSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReportFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        method="filter_year",
        min_value=1900,
        max_value=2100,
        max_digits=4,
        decimal_places=0,
        help_text="报告年份。The report's year.",
    )
    school = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(),
        to_field_name="code",
        field_name="owner",
        help_text="所属学校编码。The owner school's code.",
    )
    within = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(),
        to_field_name="code",
        method="filter_within",
        help_text="该单位及其下级学校的报告。The reports of it and the schools below it.",
    )
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    adoption_level = django_filters.ChoiceFilter(choices=AdoptionLevel.choices)
    confidentiality = django_filters.ChoiceFilter(choices=Confidentiality.choices)
    domain = django_filters.ModelChoiceFilter(
        queryset=ThematicDomain.objects.all(),
        to_field_name="code",
        field_name="domains",
        help_text="专题领域编码。A domain's code.",
    )

    class Meta:
        model = Report
        fields = []

    def filter_year(self, queryset, name, value):
        return queryset.filter(date__year=int(value))

    def filter_within(self, queryset, name, value: Organization):
        return queryset.filter(owner__path__startswith=value.path)


class ReportCursorPagination(CheckedCursorMixin, CursorPagination):
    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


HELP = (
    "谁可以看：公开的，全市各校和部门；内部的，所属学校成员和上级学校的审核员、管理员；限阅的，"
    "所属学校和市委党校的审核员、管理员及报送人。看不到的报告 404（标题也不会出现）。"
    " Who may see: public, every school and department of the city; internal, the owner"
    " school's members and the curators and admins above it; restricted, the owner school's"
    " and the municipal school's curators and admins and whoever filed it. Out of sight: 404."
)


@extend_schema_view(
    list=endpoint(
        400,
        404,
        responses={200: ReportSerializer(many=True)},
        summary="咨政报告 Consultation reports",
        description=HELP,
    ),
    retrieve=endpoint(
        404, etag=True, responses={200: ReportSerializer}, summary="一份报告 One report"
    ),
    create=endpoint(
        403,
        idempotent=True,
        etag=True,
        request={
            "application/json": ReportWriteSerializer,
            "multipart/form-data": ReportWriteSerializer,
        },
        responses={201: ReportSerializer},
        summary="报送咨政报告 File a report",
        description=(
            "所属学校的教师、审核员和管理员可以报送。 Teachers, curators and admins of the"
            " owner school file its reports. " + HELP
        ),
        examples=[
            OpenApiExample(
                "report",
                request_only=True,
                value={
                    "owner": "440600",
                    "title": "关于推动制造业数字化转型的建议",
                    "lecturers": [12],
                    "trainee_authors": ["王某", "李某"],
                    "training_class": 34,
                    "domains": ["industrial-system"],
                    "date": "2025-06-30",
                    "confidentiality": "internal",
                },
            )
        ],
    ),
    partial_update=endpoint(
        400,
        403,
        404,
        409,
        if_match=True,
        etag=True,
        request={
            "application/json": ReportWriteSerializer,
            "multipart/form-data": ReportWriteSerializer,
        },
        responses={200: ReportSerializer},
        summary="修改报告 Edit a report",
        description=(
            "所属学校的审核员、管理员随时可改；报送人在决定前可改（之后 409）。owner 不能改。"
            " The owner's curators and admins; whoever filed it until it is decided (then 409)."
        ),
    ),
    adopt=endpoint(
        400,
        403,
        404,
        409,
        if_match=True,
        idempotent=True,
        etag=True,
        request=ReportAdoptSerializer,
        responses={200: ReportSerializer},
        summary="记录采纳 Record the adoption",
        description=(
            "所属学校及其上级学校的审核员、管理员；已报送或未采纳的报告可以记为采纳，已采纳的 409。"
            " Curators and admins of the owner school and the schools above it; a submitted or"
            " not-adopted report may be adopted; an adopted one answers 409."
        ),
        examples=[
            OpenApiExample(
                "instruction",
                {"level": "instruction", "note": "市领导批示", "adopted_on": "2025-08-01"},
            )
        ],
    ),
    decline=endpoint(
        400,
        403,
        404,
        409,
        if_match=True,
        idempotent=True,
        etag=True,
        request=ReportDeclineSerializer,
        responses={200: ReportSerializer},
        summary="记为未采纳 Record it as not adopted",
    ),
    attachment=endpoint(
        404,
        parameters=[CONTENT_DISPOSITION],
        responses={(200, mime): OpenApiTypes.BINARY for mime in FILE_TYPES},
        summary="下载附件 Download the file",
        description="能看到报告的人才能下载。Only to those who may see the report.",
    ),
)
class ReportViewSet(viewsets.GenericViewSet):
    """Consultation reports (咨政报告)."""

    serializer_class = ReportSerializer
    pagination_class = ReportCursorPagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = ReportFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        visible_classes = classes_for(user).filter(pk=OuterRef("training_class_id"))
        return (
            services.reports_for(user)
            .select_related("owner", "training_class")
            .annotate(class_visible=Exists(visible_classes))
            .prefetch_related(
                "domains",
                Prefetch(
                    "lecturers",
                    queryset=Lecturer.objects.restrict(user, "view").order_by("pk"),
                    to_attr="shown_lecturers",
                ),
            )
        )

    def _report(self) -> Report:
        return services.report_get(self.request.user, _id(self.kwargs["pk"]))

    def _respond(self, pk, code=status.HTTP_200_OK) -> Response:
        obj = self.get_queryset().get(pk=pk)
        return Response(
            ReportSerializer(obj, context=self.get_serializer_context()).data,
            status=code,
            headers={"ETag": obj.etag},
        )

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._respond(self._report().pk)

    @idempotent
    def create(self, request):
        given = ReportWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        owner = data.pop("owner")
        upload = data.pop("file", None)
        obj = services.report_create(user=request.user, owner=owner, data=data, upload=upload)
        return self._respond(obj.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = self._report()
        version = expected_version(request)
        policy.check_edit(request.user, obj)  # the role before the input
        given = ReportWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        upload = data.pop("file", None)
        services.report_update(
            user=request.user, pk=obj.pk, data=data, upload=upload, expected_version=version
        )
        return self._respond(obj.pk)

    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[JSONParser])
    @idempotent
    def adopt(self, request, pk=None):
        obj = self._report()
        version = expected_version(request)
        given = ReportAdoptSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.report_adopt(
            user=request.user,
            pk=obj.pk,
            level=given.validated_data["level"],
            note=given.validated_data.get("note", ""),
            adopted_on=given.validated_data["adopted_on"],
            expected_version=version,
        )
        return self._respond(obj.pk)

    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[JSONParser])
    @idempotent
    def decline(self, request, pk=None):
        obj = self._report()
        version = expected_version(request)
        given = ReportDeclineSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.report_decline(
            user=request.user,
            pk=obj.pk,
            note=given.validated_data.get("note", ""),
            expected_version=version,
        )
        return self._respond(obj.pk)

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def attachment(self, request, pk=None):
        obj = services.report_file(request.user, _id(pk))
        return file_response(obj)
