"""``/api/v1/classes/``, ``/api/v1/site-visits/`` and ``/api/v1/evaluations/``: training
classes (班次), their timetables, site visits and trainees' evaluations over HTTP.

The rules are in ``apps.classes.services`` (and ``policy``); this module only reads HTTP into
service calls and answers them. The contract is the libraries': problem+json errors naming the
field, ``ETag: "<version>"`` on reads and writes, ``If-Match`` on changes (412 stale; 428 when
a token omits it), ``Idempotency-Key`` on token POSTs, cursor pages ``{next, previous,
results}``. A timetable clash answers 409 with ``errors.lecturers`` or ``errors.site`` and a
``clash`` object naming the class, the session and the time.

Evaluations are the trainees': no account, no session, no CSRF cookie (the views have no
authentication class), rate-limited per address like every anonymous request.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.accounts.client import client_address
from apps.classes import guard, policy, services, stats
from apps.classes.models import (
    CadreLevel,
    ClassStatus,
    ClassTheme,
    ClassType,
    EvaluationCode,
    Session,
    SiteVisit,
    TrainingClass,
    VisitStatus,
)
from apps.organizations.models import Organization
from apps.sharing.api import expected_version
from apps.sharing.exceptions import ActionDenied, ResourceNotFound
from apps.sharing.fields import BulkManyRelatedField
from apps.sharing.openapi import PROBLEM_CONTENT_TYPE, ProblemSerializer, endpoint
from apps.taxonomy.models import ThematicDomain

from .idempotency import idempotent
from .pagination import CheckedCursorMixin, NewestFirstCursorPagination

BIGINT = 2**63  # ids are 64-bit: a longer number names nothing (and is no query)
ID = {"min_value": 1, "max_value": BIGINT - 1}


def _id(value) -> int:
    pk = int(value)
    if pk >= BIGINT:
        raise ResourceNotFound()
    return pk


def _status_field(choices, help_text: str) -> serializers.ChoiceField:
    """A class's or a visit's ``status`` (named ClassStatusEnum and VisitStatusEnum in the
    schema by SPECTACULAR_SETTINGS, apart from the libraries' StatusEnum)."""
    return serializers.ChoiceField(choices=choices, help_text=help_text)


# ---- classes ----------------------------------------------------------------------------------


class TrainingClassSerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.code", read_only=True, help_text="主办学校编码。")
    partners = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="合办学校编码（可含外市党校）。Partner schools' codes.",
    )
    theme = serializers.CharField(
        source="theme.code",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="主题编码，如 manufacturing-first（制造业当家）。The theme's code.",
    )
    domains = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="专题领域编码。Thematic domains' codes.",
    )
    status = _status_field(
        ClassStatus.choices,
        "planned 计划中 → running 进行中 → finished 已结束 → archived 已归档。",
    )
    actions = serializers.SerializerMethodField(
        help_text=(
            "您现在可以做的：edit 修改班次和课表，move:<status> 改变状态。"
            " What you may do now: edit, move:<status>."
        )
    )

    class Meta:
        model = TrainingClass
        fields = [
            "id",
            "host",
            "partners",
            "title",
            "class_type",
            "theme",
            "domains",
            "start_date",
            "end_date",
            "trainee_count",
            "cadre_level",
            "trainee_units",
            "venue",
            "status",
            "version",
            "created_at",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return policy.allowed_actions(request.user, obj) if request is not None else []


def _codes(model, **kwargs) -> BulkManyRelatedField:
    """A list of codes read with one query (``apps.sharing.fields.BulkManyRelatedField``)."""
    return BulkManyRelatedField(
        child_relation=serializers.SlugRelatedField(
            slug_field="code", queryset=model.objects.all()
        ),
        **kwargs,
    )


class TrainingClassWriteSerializer(serializers.Serializer):
    """What a client sends to create a class (PATCH: any of it, but not ``host``)."""

    host = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text="主办学校编码，创建后不能改。The host school's code; fixed at creation.",
    )
    partners = _codes(
        Organization,
        required=False,
        help_text="合办学校编码。Partner schools' codes (another city's school included).",
    )
    title = serializers.CharField(max_length=200)
    class_type = serializers.ChoiceField(choices=ClassType.choices, required=False)
    theme = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ClassTheme.objects.all(),
        required=False,
        allow_null=True,
        help_text="主题编码。The theme's code.",
    )
    domains = _codes(ThematicDomain, required=False, help_text="专题领域编码。Domains' codes.")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    trainee_count = serializers.IntegerField(min_value=1, max_value=2000)
    cadre_level = serializers.ChoiceField(choices=CadreLevel.choices, required=False)
    trainee_units = serializers.CharField(max_length=300, required=False, allow_blank=True)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs):
        if self.partial and "host" in attrs:
            raise serializers.ValidationError(
                {"host": [_("The host school of a class cannot be changed.")]}
            )
        return attrs


class MoveSerializer(serializers.Serializer):
    status = _status_field(
        ClassStatus.choices,
        "planned → running → finished → archived，一次一步。One step at a time.",
    )


class ClassFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        method="filter_year",
        min_value=1900,
        max_value=2100,
        max_digits=4,
        decimal_places=0,
        help_text="开班年份（按第一天）。The year of the class's first day.",
    )
    status = django_filters.ChoiceFilter(choices=ClassStatus.choices)
    class_type = django_filters.ChoiceFilter(choices=ClassType.choices)
    host = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(),
        to_field_name="code",
        field_name="host",
        help_text="主办学校编码。The host school's code.",
    )
    within = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(),
        to_field_name="code",
        method="filter_within",
        help_text=(
            "该单位及其下级学校主办的班次（如 440604 禅城区）。Hosted by it or a school below it."
        ),
    )

    class Meta:
        model = TrainingClass
        fields = []

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_date__year=int(value))

    def filter_within(self, queryset, name, value: Organization):
        return queryset.filter(host__path__startswith=value.path)


class StatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False)
    within = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.all(), required=False
    )


class ClassStatsSerializer(serializers.Serializer):
    classes = serializers.IntegerField(help_text=str(stats.DEFINITIONS["classes"]))
    trainee_times = serializers.IntegerField(help_text=str(stats.DEFINITIONS["trainee_times"]))
    sessions = serializers.IntegerField(help_text=str(stats.DEFINITIONS["sessions"]))
    hours = serializers.FloatField(help_text=str(stats.DEFINITIONS["hours"]))
    manufacturing_share = serializers.FloatField(
        allow_null=True,
        help_text=str(stats.DEFINITIONS["manufacturing_share"]) + " 无专业化班次时为 null。",
    )


# ---- the timetable ----------------------------------------------------------------------------


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class VisitInSessionSerializer(serializers.Serializer):
    site = RefSerializer(help_text="现场教学点。The teaching site.")
    visitors = serializers.IntegerField()
    status = _status_field(
        VisitStatus.choices, "requested 待基地确认, confirmed 已确认, declined 已婉拒。"
    )
    reason = serializers.CharField(help_text="婉拒理由。Why it was declined.")


class SessionSerializer(serializers.ModelSerializer):
    course = RefSerializer(help_text="所授课程。The course taught.")
    lecturers = RefSerializer(many=True, help_text="授课讲师。The lecturers.")
    visit = serializers.SerializerMethodField(
        help_text="现场教学预约，没有则为 null。The site visit, or null."
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "course",
            "course_version",
            "lecturers",
            "visit",
            "note",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(VisitInSessionSerializer(allow_null=True))
    def get_visit(self, session) -> dict | None:
        visit = getattr(session, "visit", None)
        return VisitInSessionSerializer(visit).data if visit is not None else None


class SessionWriteSerializer(serializers.Serializer):
    """A session as sent: ids of what the class may use (else 400 naming the field)."""

    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    course = serializers.IntegerField(**ID, help_text="课程编号。The course's id.")
    lecturers = serializers.ListField(
        child=serializers.IntegerField(**ID),
        min_length=1,
        max_length=20,
        help_text="讲师编号，至少一位。The lecturers' ids, at least one.",
    )
    site = serializers.IntegerField(
        **ID, required=False, allow_null=True, help_text="现场教学点编号。A site to visit."
    )
    visitors = serializers.IntegerField(
        min_value=1,
        max_value=2000,
        required=False,
        allow_null=True,
        help_text="参观人数，默认为学员人数。Visitors; the class's trainees by default.",
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SessionCursorPagination(CheckedCursorMixin, CursorPagination):
    """A timetable in time order."""

    ordering = ("starts_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 200


class ClashSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["lecturer", "site"])
    name = serializers.CharField(help_text="讲师或基地的名称。The lecturer's or site's name.")
    klass = serializers.IntegerField(
        allow_null=True, help_text="冲突的班次（您看不到时为 null）。The class, if you may see it."
    )
    class_title = serializers.CharField(allow_null=True)
    host = serializers.CharField(help_text="该班次的主办学校。Its host school.")
    session = serializers.IntegerField(allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = fields.pop("klass")
        return fields


class ClashProblemSerializer(ProblemSerializer):
    """A timetable clash: the problem, and with what it clashes. 课表冲突。"""

    clash = ClashSerializer(required=False)


CLASH = OpenApiResponse(
    ClashProblemSerializer,
    description=(
        "课表冲突：同一讲师或同一基地在重叠的时段已有安排（errors.lecturers 或 errors.site，"
        "clash 说明与哪个班次、哪一节、什么时间冲突）；或当前状态不允许（如已归档）。"
        " A clash: the lecturer or the site is taken in an overlapping slot (errors.lecturers"
        " or errors.site; clash names the class, the session and the time); or the class's"
        " status does not allow it (archived)."
    ),
    examples=[
        OpenApiExample(
            "clash",
            summary="讲师时间冲突 A lecturer's clash",
            value={
                "type": "about:blank",
                "title": "与当前状态冲突",
                "status": 409,
                "detail": "张三 已在 “制造业当家专题班”（中共佛山市委党校）授课，"
                "2026-05-12 09:00–11:00。",
                "errors": {"lecturers": ["张三 已在 …授课，2026-05-12 09:00–11:00。"]},
                "clash": {
                    "kind": "lecturer",
                    "name": "张三",
                    "class": 12,
                    "class_title": "制造业当家专题班",
                    "host": "中共佛山市委党校",
                    "session": 88,
                    "starts_at": "2026-05-12T09:00:00+08:00",
                    "ends_at": "2026-05-12T11:00:00+08:00",
                },
            },
        )
    ],
)


# ---- evaluation codes --------------------------------------------------------------------------


class EvaluationCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationCode
        fields = ["code", "created_at"]
        read_only_fields = fields


class CodesRequestSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        min_value=1, max_value=services.MAX_CODES, help_text="一次最多 500 个。At most 500."
    )


class CodesIssuedSerializer(serializers.Serializer):
    codes = EvaluationCodeSerializer(many=True)


class CodeCursorPagination(CheckedCursorMixin, CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


# ---- the viewset --------------------------------------------------------------------------------

CLASS_HELP = (
    "主办学校的教师、审核员和管理员可以修改班次和课表（已归档的不能改，409）；主办学校的"
    "审核员和管理员可以改变状态。看不到的班次 404。"
    " The host's teachers, curators and admins edit a class and its timetable (not once"
    " archived: 409); its curators and admins move its status. Out of sight: 404."
)


@extend_schema_view(
    list=endpoint(
        400,
        404,
        responses={200: TrainingClassSerializer(many=True)},
        summary="班次 Training classes",
        description=(
            "您可见的班次：主办学校和合办学校的成员、上级学校的审核员和管理员。按游标分页"
            "（next/previous）。筛选值无效时 400（errors 指明字段），游标无效时 404。"
            " The classes you may see (members of the host and of partner schools; curators"
            " and admins of the schools above). Cursor pages; an invalid filter answers 400"
            " naming it, an invalid cursor 404."
        ),
    ),
    retrieve=endpoint(
        404, etag=True, responses={200: TrainingClassSerializer}, summary="一个班次 One class"
    ),
    create=endpoint(
        403,
        idempotent=True,
        etag=True,
        request=TrainingClassWriteSerializer,
        responses={201: TrainingClassSerializer},
        summary="新建班次 Create a class",
        description=CLASS_HELP,
        examples=[
            OpenApiExample(
                "class",
                summary="专业化能力提升班 A specialised class",
                request_only=True,
                value={
                    "host": "440604010",
                    "title": "制造业当家专题班",
                    "class_type": "specialised",
                    "theme": "manufacturing-first",
                    "domains": ["industrial-system"],
                    "start_date": "2026-05-12",
                    "end_date": "2026-05-14",
                    "trainee_count": 45,
                    "cadre_level": "section",
                    "trainee_units": "祖庙街道各社区",
                    "venue": "祖庙街道党校",
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
        request=TrainingClassWriteSerializer,
        responses={200: TrainingClassSerializer},
        summary="修改班次 Edit a class",
        description=CLASS_HELP + " host 不能改。The host cannot change.",
    ),
    destroy=endpoint(
        403,
        404,
        409,
        if_match=True,
        responses={204: None},
        summary="删除班次 Delete a class",
        description=(
            "只有计划中的班次可以删除，其他的请归档（409）。"
            " Only a planned class can be deleted; archive any other (409)."
        ),
    ),
    move=endpoint(
        400,
        403,
        404,
        409,
        if_match=True,
        idempotent=True,
        etag=True,
        request=MoveSerializer,
        responses={200: TrainingClassSerializer},
        summary="改变状态 Move a class",
        description=(
            "planned → running → finished → archived，一次一步，由主办学校的审核员或管理员操作。"
            " One step at a time, by the host's curators and admins."
        ),
        examples=[OpenApiExample("running", {"status": "running"}, summary="开班 Running")],
    ),
    stats=endpoint(
        400,
        403,
        responses={200: ClassStatsSerializer},
        summary="培训统计 Training figures",
        description=(
            "全网公开的汇总数字：任何在平台有岗位的人都可以读取（无岗位 403）。"
            " Aggregates the network publishes: anyone with a seat may read them."
        ),
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="开班年份。The year."),
            OpenApiParameter(
                "within", OpenApiTypes.STR, description="单位编码及其下级。An organisation."
            ),
        ],
    ),
    sessions=endpoint(
        400,
        404,
        responses={200: SessionSerializer(many=True)},
        summary="课表 Timetable",
        description="按时间排序。In time order.",
    ),
    session=endpoint(
        404,
        etag=True,
        responses={200: SessionSerializer},
        summary="一节课 One session",
        # The path reads like the timetable's ("…/sessions/{sid}/"): name it apart.
        operation_id="v1_classes_session_retrieve",
    ),
    codes=endpoint(
        403,
        404,
        responses={200: EvaluationCodeSerializer(many=True)},
        summary="评教码 Evaluation codes",
        description="主办学校的教师、审核员和管理员可见。The host's editors.",
    ),
)
class TrainingClassViewSet(viewsets.GenericViewSet):
    """Training classes (班次) and their timetables (课表)."""

    serializer_class = TrainingClassSerializer
    pagination_class = NewestFirstCursorPagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = ClassFilterSet
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):
        return (
            services.classes_for(self.request.user)
            .select_related("host", "theme")
            .prefetch_related("partners", "domains")
        )

    def _class(self) -> TrainingClass:
        return services.class_get(self.request.user, _id(self.kwargs["pk"]))

    def _respond(self, pk, code=status.HTTP_200_OK) -> Response:
        obj = self.get_queryset().get(pk=pk)
        return Response(
            TrainingClassSerializer(obj, context=self.get_serializer_context()).data,
            status=code,
            headers={"ETag": obj.etag},
        )

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._respond(self._class().pk)

    @idempotent
    def create(self, request):
        given = TrainingClassWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        host = data.pop("host")
        obj = services.class_create(user=request.user, host=host, data=data)
        return self._respond(obj.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = self._class()
        version = expected_version(request)
        policy.check_edit(request.user, obj)  # the role before the input
        given = TrainingClassWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        services.class_update(
            user=request.user, pk=obj.pk, data=dict(given.validated_data), expected_version=version
        )
        return self._respond(obj.pk)

    def destroy(self, request, pk=None):
        obj = self._class()
        services.class_delete(
            user=request.user, pk=obj.pk, expected_version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], filter_backends=[])
    @idempotent
    def move(self, request, pk=None):
        obj = self._class()
        version = expected_version(request)
        given = MoveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.class_move(
            user=request.user,
            pk=obj.pk,
            status=given.validated_data["status"],
            expected_version=version,
        )
        return self._respond(obj.pk)

    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def stats(self, request):
        if not policy.can_read_stats(request.user):
            raise ActionDenied(_("The training figures are for members of the network."))
        given = StatsQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        figures = stats.class_stats(
            year=given.validated_data.get("year"), within=given.validated_data.get("within")
        )
        return Response(figures.as_api())

    # ---- the timetable ----------------------------------------------------------------------

    def _session_response(self, session: Session, code=status.HTTP_200_OK) -> Response:
        return Response(
            SessionSerializer(session).data, status=code, headers={"ETag": session.etag}
        )

    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=SessionCursorPagination,
    )
    def sessions(self, request, pk=None):
        page = self.paginate_queryset(services.timetable(self._class()))
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @endpoint(
        403,
        404,
        idempotent=True,
        etag=True,
        request=SessionWriteSerializer,
        responses={201: SessionSerializer, (409, PROBLEM_CONTENT_TYPE): CLASH},
        summary="排一节课 Add a session",
        description=(
            "课程、讲师和基地必须是主办学校（或合办学校）自己的，或发布范围包含它们的，否则 400"
            "（errors 指明 course、lecturers 或 site）。讲师或基地时间冲突时 409，带 clash。"
            " The course, lecturers and site must be the host's (or a partner's) own or"
            " published to an audience containing it, else 400 naming the field. A clash"
            " answers 409 with clash."
        ),
    )
    @sessions.mapping.post
    @idempotent
    def session_create(self, request, pk=None):
        obj = self._class()
        policy.check_edit(request.user, obj)  # the role before the input
        given = SessionWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        session = services.session_add(
            user=request.user, class_pk=obj.pk, data=services.SessionInput(**given.validated_data)
        )
        return self._session_response(
            services.session_get(request.user, obj.pk, session.pk), status.HTTP_201_CREATED
        )

    @action(
        detail=True,
        methods=["get"],
        url_path=r"sessions/(?P<sid>[0-9]+)",
        url_name="session",
        filter_backends=[],
        pagination_class=None,
    )
    def session(self, request, pk=None, sid=None):
        return self._session_response(services.session_get(request.user, _id(pk), _id(sid)))

    def _session_write(self, request, pk, sid, *, partial: bool) -> Response:
        current = services.session_get(request.user, _id(pk), _id(sid))
        version = expected_version(request)
        policy.check_edit(request.user, current.training_class)  # the role before the input
        given = SessionWriteSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        data = {
            "starts_at": current.starts_at,
            "ends_at": current.ends_at,
            "course": current.course_id,
            "lecturers": [lecturer.pk for lecturer in current.lecturers.all()],
            "site": getattr(getattr(current, "visit", None), "site_id", None),
            "visitors": getattr(getattr(current, "visit", None), "visitors", None),
            "note": current.note,
        }
        if not partial:
            data.update(site=None, visitors=None, note="")
        data.update(given.validated_data)
        session = services.session_update(
            user=request.user,
            class_pk=current.training_class_id,
            pk=current.pk,
            data=services.SessionInput(**data),
            expected_version=version,
        )
        return self._session_response(session)

    @endpoint(
        400,
        403,
        404,
        if_match=True,
        etag=True,
        request=SessionWriteSerializer,
        responses={200: SessionSerializer, (409, PROBLEM_CONTENT_TYPE): CLASH},
        summary="修改一节课 Edit a session",
        description=(
            "PUT 替换全部内容；PATCH 只改所发的字段。时间或基地变化时重新向基地预约。"
            " PUT replaces it all; PATCH the fields sent. A new time or site asks the site"
            " again."
        ),
    )
    @session.mapping.patch
    def session_update(self, request, pk=None, sid=None):
        return self._session_write(request, pk, sid, partial=True)

    @endpoint(
        400,
        403,
        404,
        if_match=True,
        etag=True,
        request=SessionWriteSerializer,
        responses={200: SessionSerializer, (409, PROBLEM_CONTENT_TYPE): CLASH},
        summary="替换一节课 Replace a session",
    )
    @session.mapping.put
    def session_replace(self, request, pk=None, sid=None):
        return self._session_write(request, pk, sid, partial=False)

    @endpoint(
        403,
        404,
        409,
        if_match=True,
        responses={204: None},
        summary="删除一节课 Remove a session",
        description="已有学员评教的不能删（409）。Not once evaluated (409).",
    )
    @session.mapping.delete
    def session_delete(self, request, pk=None, sid=None):
        current = services.session_get(request.user, _id(pk), _id(sid))
        services.session_remove(
            user=request.user,
            class_pk=current.training_class_id,
            pk=current.pk,
            expected_version=expected_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    # ---- evaluation codes -------------------------------------------------------------------

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=CodeCursorPagination)
    def codes(self, request, pk=None):
        obj = self._class()
        policy.check_read_codes(request.user, obj)
        page = self.paginate_queryset(obj.evaluation_codes.all())
        return self.get_paginated_response(EvaluationCodeSerializer(page, many=True).data)

    @endpoint(
        403,
        404,
        409,
        idempotent=True,
        request=CodesRequestSerializer,
        responses={201: CodesIssuedSerializer},
        summary="生成评教码 Issue codes",
        description="一次 1–500 个，一人一码。1–500 at a time, one per trainee.",
        examples=[OpenApiExample("forty", {"count": 40}, summary="40 个 Forty")],
    )
    @codes.mapping.post
    @idempotent
    def codes_issue(self, request, pk=None):
        obj = self._class()
        policy.check_edit(request.user, obj)  # the role before the input
        given = CodesRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        codes = services.codes_issue(
            user=request.user, class_pk=obj.pk, count=given.validated_data["count"]
        )
        return Response(
            {"codes": EvaluationCodeSerializer(codes, many=True).data},
            status=status.HTTP_201_CREATED,
        )


# ---- site visits --------------------------------------------------------------------------------


class VisitClassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    host = serializers.CharField(source="host.code", help_text="主办学校编码。")
    host_name = serializers.CharField(source="host.name")


class SiteVisitSerializer(serializers.ModelSerializer):
    site = RefSerializer(help_text="被预约的现场教学点。The site asked.")
    training_class = VisitClassSerializer(
        source="session.training_class", help_text="预约的班次。The class that asks."
    )
    session = serializers.IntegerField(source="session_id")
    course = serializers.CharField(source="session.course.title", help_text="课程。The course.")
    status = _status_field(
        VisitStatus.choices, "requested 待基地确认, confirmed 已确认, declined 已婉拒。"
    )

    class Meta:
        model = SiteVisit
        fields = [
            "id",
            "site",
            "training_class",
            "session",
            "course",
            "starts_at",
            "ends_at",
            "visitors",
            "status",
            "reason",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="婉拒理由（必填）。Why.")


class VisitFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices)

    class Meta:
        model = SiteVisit
        fields = []


class VisitCursorPagination(CheckedCursorMixin, CursorPagination):
    ordering = ("starts_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


DECIDE_HELP = (
    "基地所属单位的审核员和管理员（职能部门的报送员）可以答复；同单位其他成员 403，其他人 404；"
    "已答复的 409。"
    " The site owner's curators and admins (a department's submitters) answer; its other"
    " members 403, anyone else 404; an answered visit 409."
)


@extend_schema_view(
    list=endpoint(
        400,
        404,
        responses={200: SiteVisitSerializer(many=True)},
        summary="待答复的现场教学预约 Site visits to answer",
        description=(
            "向您所答复的基地提出的预约，按时间排序。"
            " Visits asked of the sites you answer for, in time order."
        ),
    ),
    confirm=endpoint(
        403,
        404,
        409,
        idempotent=True,
        request=None,
        responses={200: SiteVisitSerializer},
        summary="确认预约 Confirm a visit",
        description=DECIDE_HELP,
    ),
    decline=endpoint(
        403,
        404,
        409,
        idempotent=True,
        request=DeclineSerializer,
        responses={200: SiteVisitSerializer},
        summary="婉拒预约 Decline a visit",
        description=DECIDE_HELP + " 婉拒须写理由，时段随即释放。A reason; the slot is freed.",
    ),
)
class SiteVisitViewSet(viewsets.GenericViewSet):
    """Site visits (现场教学预约) asked of the caller's sites."""

    serializer_class = SiteVisitSerializer
    pagination_class = VisitCursorPagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = VisitFilterSet
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return services.visits_to_decide(self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SiteVisitSerializer(page, many=True).data)

    def _answer(self, visit) -> Response:
        return Response(SiteVisitSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @action(detail=True, methods=["post"], filter_backends=[])
    @idempotent
    def confirm(self, request, pk=None):
        return self._answer(services.visit_decide(user=request.user, pk=_id(pk), confirm=True))

    @action(detail=True, methods=["post"], filter_backends=[])
    @idempotent
    def decline(self, request, pk=None):
        given = DeclineSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return self._answer(
            services.visit_decide(
                user=request.user, pk=_id(pk), confirm=False, reason=given.validated_data["reason"]
            )
        )


# ---- trainees' evaluations (no account) ---------------------------------------------------------


class EvaluationSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text="评教码。The evaluation code.")
    session = serializers.IntegerField(**ID, help_text="所评的一节课。The session.")
    content = serializers.IntegerField(min_value=1, max_value=5, help_text="内容 1–5。")
    delivery = serializers.IntegerField(min_value=1, max_value=5, help_text="讲授 1–5。")
    comment = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="意见（选填）。"
    )


class EvaluationRecordedSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    content = serializers.IntegerField()
    delivery = serializers.IntegerField()
    comment = serializers.CharField()


class CodeQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class SessionToRateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    course = serializers.CharField(source="course.title")
    lecturers = serializers.SerializerMethodField()
    answered = serializers.SerializerMethodField()

    def get_lecturers(self, session) -> list[str]:
        return [lecturer.title for lecturer in session.lecturers.all()]

    def get_answered(self, session) -> bool:
        return session.pk in self.context["answered"]


class SessionsToRateSerializer(serializers.Serializer):
    class_title = serializers.CharField()
    sessions = SessionToRateSerializer(many=True)


EVALUATION_HELP = (
    "学员无需登录：凭评教码（一人一码）为本班次每节课评一次，内容和讲授各 1–5 分，匿名。"
    "评教码无效 404；尚未上课或已评过 409。"
    " No account: a trainee's one-time code rates each session of its class once, content"
    " and delivery 1–5, anonymously. Unknown code 404; a session not yet held or already"
    " rated 409."
    " 同一地址无效评教码过多（页面与接口合计）后暂停受理 429（Retry-After）。"
    " After too many unknown codes from one address (pages and API together), that address"
    " is refused for a while: 429 with Retry-After."
)


class _Locked(Throttled):
    """429 with Retry-After, its detail as given (no "expected available in" appended)."""

    def __init__(self, *, wait: int, detail: str):
        super().__init__(detail=detail)
        self.wait = wait


@extend_schema_view(
    create=endpoint(
        404,
        409,
        request=EvaluationSerializer,
        responses={201: EvaluationRecordedSerializer},
        auth=[],
        summary="学员评教 Evaluate a session",
        description=EVALUATION_HELP,
    ),
    sessions=endpoint(
        404,
        responses={200: SessionsToRateSerializer},
        auth=[],
        summary="评教码对应的课程 Sessions a code may rate",
        description=EVALUATION_HELP,
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, required=True)],
    ),
)
class EvaluationViewSet(viewsets.GenericViewSet):
    """Trainees' anonymous evaluations (评教): no account, no CSRF, throttled per address,
    and locked for an address that guessed too many unknown codes (``apps.classes.guard``,
    shared with the pages): every 404 here counts as one guess."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = EvaluationSerializer
    pagination_class = None
    filter_backends: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if guard.locked(client_address(request)):
            minutes = guard.lockout_minutes()
            raise _Locked(
                wait=guard.EVALUATE_LOCKOUT_SECONDS,
                detail=ngettext(
                    "Too many unknown evaluation codes from this address. Try again in"
                    " %(minutes)d minute.",
                    "Too many unknown evaluation codes from this address. Try again in"
                    " %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )

    def handle_exception(self, exc):
        if isinstance(exc, ResourceNotFound):  # an unknown code (or a session not of its class)
            guard.failed(client_address(self.request))
        return super().handle_exception(exc)

    def create(self, request):
        given = EvaluationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        evaluation = services.evaluation_submit(
            code=data["code"],
            session_pk=data["session"],
            content=data["content"],
            delivery=data["delivery"],
            comment=data.get("comment", ""),
        )
        return Response(
            {
                "session": evaluation.session_id,
                "content": evaluation.content,
                "delivery": evaluation.delivery,
                "comment": evaluation.comment,
            },
            status=status.HTTP_201_CREATED,
        )

    @action(detail=False, methods=["get"])
    def sessions(self, request):
        given = CodeQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        found = services.code_lookup(given.validated_data["code"])
        sessions = (
            found.training_class.sessions.select_related("course")
            .prefetch_related("lecturers")
            .order_by("starts_at", "id")
        )
        answered = set(found.evaluations.values_list("session_id", flat=True))
        body = {"class_title": found.training_class.title, "sessions": sessions}
        return Response(SessionsToRateSerializer(body, context={"answered": answered}).data)


__all__ = ["EvaluationViewSet", "SiteVisitViewSet", "TrainingClassViewSet"]
