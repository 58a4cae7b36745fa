"""``/api/v1/surveys/``, ``/api/v1/survey-responses/`` and ``/api/v1/gap-map/``: needs
surveys (需求调研), their anonymous answers and the gap map (短板地图) over HTTP.

The rules are in ``apps.surveys.services`` (and ``policy``); this module only reads HTTP into
service calls and answers them: problem+json errors naming the field, ``ETag`` and
``If-Match`` on a survey's changes. One-time links are returned once (only their digests are
kept). Answers are the respondents': no account, no CSRF, rate-limited per address like every
anonymous request, and locked for an address that guessed too many unknown links (the guard
the trainees' evaluation codes use, ``apps.classes.guard``).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.client import client_address
from apps.classes import guard
from apps.organizations.models import Organization
from apps.sharing.api import expected_version
from apps.sharing.exceptions import ActionDenied, InvalidInput, ResourceNotFound
from apps.sharing.openapi import endpoint
from apps.surveys import gaps, policy, services
from apps.surveys.models import Question, Survey, SurveyStatus
from apps.taxonomy.models import ThematicDomain

BIGINT = 2**63


def _id(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ResourceNotFound() from None
    if not 0 < pk < BIGINT:
        raise ResourceNotFound()
    return pk


# ---- serializers -------------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.code", read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "text", "domain", "kind", "options"]
        read_only_fields = fields


class SurveySerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.code", read_only=True, help_text="所属学校编码。")
    actions = serializers.SerializerMethodField(
        help_text="您现在可以做的：edit、questions、move:<status>。What you may do now."
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "owner",
            "title",
            "intro",
            "audience",
            "status",
            "opens_on",
            "closes_on",
            "version",
            "created_at",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return policy.allowed_actions(request.user, obj) if request is not None else []


class SurveyWriteSerializer(serializers.Serializer):
    owner = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text="市委党校或区委党校的编码（新建时必填）。The owner school (on create).",
    )
    title = serializers.CharField(max_length=200)
    intro = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    audience = serializers.CharField(
        max_length=16, help_text="schools 学校 | departments 部门 | trainees 学员"
    )
    opens_on = serializers.DateField(required=False, allow_null=True)
    closes_on = serializers.DateField(required=False, allow_null=True)


class SurveyMoveSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=16, help_text="open 发布 | closed 结束")

    def validate_status(self, value):
        if value not in SurveyStatus.values:
            raise serializers.ValidationError(_("draft, open or closed."))
        return value


class OptionSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    weight = serializers.FloatField(
        min_value=0, max_value=100, required=False, allow_null=True, help_text="需求权重 0–100。"
    )


class QuestionWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    domain = serializers.SlugRelatedField(
        slug_field="code", queryset=ThematicDomain.objects.active(), help_text="专题领域编码。"
    )
    kind = serializers.CharField(max_length=16, help_text="rating 评分 | choice 选择 | text 文本")
    options = OptionSerializer(many=True, required=False)


class LinksRequestSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_LINKS)
    organization = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="答卷人所在单位（可选，用于按区汇总），从不记录个人。",
    )


class LinkSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()


class LinksIssuedSerializer(serializers.Serializer):
    links = LinkSerializer(many=True)


class ResultValueSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class ResultQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question.id")
    text = serializers.CharField(source="question.text")
    domain = serializers.CharField(source="question.domain.code")
    kind = serializers.CharField(source="question.kind")
    answers = serializers.IntegerField()
    need = serializers.FloatField(allow_null=True)
    values = ResultValueSerializer(many=True)
    texts = serializers.ListField(child=serializers.CharField())


class ResultsSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    questions = ResultQuestionSerializer(many=True)


class AnswerRequestSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64, help_text="一次性链接中的令牌。")
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="{问题 id: 评分 1–5 | 选项序号 | 文本}。{question id: value}",
    )


class AnswerRecordedSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    answers = serializers.IntegerField()


class GapCellSerializer(serializers.Serializer):
    area = serializers.CharField()
    need = serializers.FloatField(allow_null=True)
    answers = serializers.IntegerField()
    gap = serializers.FloatField(allow_null=True)
    level = serializers.IntegerField(allow_null=True)
    is_gap = serializers.BooleanField()


class GapDomainSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    resources = serializers.IntegerField()
    classes = serializers.IntegerField()
    supply = serializers.FloatField()
    cells = GapCellSerializer(many=True)


class GapAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class GapMapSerializer(serializers.Serializer):
    areas = GapAreaSerializer(many=True)
    domains = GapDomainSerializer(many=True)
    threshold = serializers.IntegerField()
    definitions = serializers.DictField(child=serializers.CharField())


# ---- surveys -----------------------------------------------------------------------------------

SURVEY_HELP = (
    "所属学校（市委或区委党校）的审核员和管理员可以修改调研；上级学校的审核员和管理员可以查看"
    "（修改 403）；其他人 404。问题只能在草稿时修改（409）。"
    " The owner's curators and admins change a survey; curators above read it (403 on"
    " changes); nobody else sees it (404). Questions change only while a draft (409)."
)


@extend_schema_view(
    list=endpoint(responses={200: SurveySerializer(many=True)}, summary="需求调研 Surveys"),
    retrieve=endpoint(404, etag=True, responses={200: SurveySerializer}, summary="一项调研"),
    create=endpoint(
        403,
        etag=True,
        request=SurveyWriteSerializer,
        responses={201: SurveySerializer},
        summary="新建调研 Create a survey",
        description=SURVEY_HELP,
    ),
    partial_update=endpoint(
        403,
        404,
        409,
        if_match=True,
        etag=True,
        request=SurveyWriteSerializer,
        responses={200: SurveySerializer},
        summary="修改调研 Edit a survey",
        description=SURVEY_HELP,
    ),
    destroy=endpoint(
        403, 404, 409, responses={204: None}, summary="删除草稿 Delete a draft survey"
    ),
    move=endpoint(
        403,
        404,
        409,
        if_match=True,
        etag=True,
        request=SurveyMoveSerializer,
        responses={200: SurveySerializer},
        summary="发布或结束 Open or close a survey",
    ),
    questions=endpoint(
        403,
        404,
        409,
        request=QuestionWriteSerializer,
        responses={200: QuestionSerializer(many=True), 201: QuestionSerializer},
        summary="问题 Questions (GET: list; POST: add, while a draft)",
    ),
    question=endpoint(403, 404, 409, responses={204: None}, summary="删除问题 Remove a question"),
    links=endpoint(
        403,
        404,
        409,
        request=LinksRequestSerializer,
        responses={201: LinksIssuedSerializer},
        summary="发放一次性链接 Issue one-time links",
        description=(
            "令牌只在此返回一次（平台只保存其摘要）。"
            " The tokens are returned once: only their digests are kept."
        ),
    ),
    results=endpoint(404, responses={200: ResultsSerializer}, summary="调研结果 Results"),
)
class SurveyViewSet(viewsets.GenericViewSet):
    """Needs surveys (需求调研)."""

    serializer_class = SurveySerializer
    pagination_class = None
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return services.surveys_for(self.request.user).select_related("owner")

    def _survey(self) -> Survey:
        return services.survey_get(self.request.user, _id(self.kwargs["pk"]))

    def _respond(self, pk, code=status.HTTP_200_OK) -> Response:
        obj = self.get_queryset().get(pk=pk)
        return Response(
            SurveySerializer(obj, context=self.get_serializer_context()).data,
            status=code,
            headers={"ETag": obj.etag},
        )

    def list(self, request):
        surveys = self.get_queryset().order_by("-created_at", "-id")[:500]
        return Response(self.get_serializer(surveys, many=True).data)

    def retrieve(self, request, pk=None):
        return self._respond(self._survey().pk)

    def create(self, request):
        given = SurveyWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        owner = data.pop("owner")
        obj = services.survey_create(user=request.user, owner=owner, data=data)
        return self._respond(obj.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = self._survey()
        version = expected_version(request)
        policy.check_edit(request.user, obj)  # the role before the input
        given = SurveyWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("owner", None)
        services.survey_update(user=request.user, pk=obj.pk, data=data, expected_version=version)
        return self._respond(obj.pk)

    def destroy(self, request, pk=None):
        services.survey_delete(user=request.user, pk=self._survey().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        obj = self._survey()
        version = expected_version(request)
        given = SurveyMoveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.survey_move(
            user=request.user,
            pk=obj.pk,
            status=given.validated_data["status"],
            expected_version=version,
        )
        return self._respond(obj.pk)

    @action(detail=True, methods=["get", "post"])
    def questions(self, request, pk=None):
        obj = self._survey()
        if request.method == "GET":
            return Response(
                QuestionSerializer(obj.questions.select_related("domain"), many=True).data
            )
        policy.check_questions(request.user, obj)
        given = QuestionWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data["options"] = [dict(o) for o in data.get("options", [])]
        question = services.question_add(user=request.user, survey_pk=obj.pk, data=data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @action(
        detail=True,
        methods=["delete"],
        url_path=r"questions/(?P<qid>[0-9]+)",
        url_name="question",
    )
    def question(self, request, pk=None, qid=None):
        obj = self._survey()
        services.question_remove(user=request.user, survey_pk=obj.pk, pk=_id(qid))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def links(self, request, pk=None):
        obj = self._survey()
        policy.check_edit(request.user, obj)
        given = LinksRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        tokens = services.links_issue(
            user=request.user,
            survey_pk=obj.pk,
            count=given.validated_data["count"],
            organization=given.validated_data.get("organization"),
        )
        links = [
            {
                "token": t.secret,
                "url": request.build_absolute_uri(reverse("web:survey-answer", args=[t.secret])),
            }
            for t in tokens
        ]
        response = Response({"links": links}, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "private, no-store"
        return response

    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        obj = self._survey()
        return Response(ResultsSerializer(services.results(obj)).data)


# ---- the gap map ---------------------------------------------------------------------------------


class GapMapView(APIView):
    """The gap map (短板地图): need per domain × area against supply (``apps.surveys.gaps``)."""

    @endpoint(
        403,
        responses={200: GapMapSerializer},
        summary="短板地图 The gap map",
        description=(
            "市、区党校的成员可读（汇总数字，不涉及答卷人）。?survey=<id> 只计这些调研（可重复）。"
            " Members of the municipal and district schools. ?survey=<id> (repeatable) counts"
            " those surveys only (ones you may see)."
        ),
        parameters=[
            OpenApiParameter("survey", OpenApiTypes.INT, many=True, description="调研 id。")
        ],
    )
    def get(self, request):
        if not policy.can_see_gap_map(request.user):
            raise ActionDenied(_("The gap map is for the municipal and district schools."))
        survey_ids = None
        asked = request.query_params.getlist("survey")
        if asked:
            try:
                wanted = [_id(v) for v in asked]
            except ResourceNotFound:
                raise InvalidInput(errors={"survey": [_("A survey's id.")]}) from None
            survey_ids = list(
                services.surveys_for(request.user)
                .filter(pk__in=wanted)
                .values_list("pk", flat=True)
            )
            if len(survey_ids) != len(set(wanted)):
                raise InvalidInput(errors={"survey": [_("No such survey.")]})
        return Response(gaps.gap_map(survey_ids=survey_ids).as_dict())


# ---- answers (no account) ----------------------------------------------------------------------


class _Locked(Throttled):
    def __init__(self, *, wait: int, detail: str):
        super().__init__(detail=detail)
        self.wait = wait


@extend_schema_view(
    create=endpoint(
        404,
        409,
        request=AnswerRequestSerializer,
        responses={201: AnswerRecordedSerializer},
        auth=[],
        summary="回答调研 Answer a survey",
        description=(
            "无需登录：一次性链接的令牌只能回答一次，匿名。令牌无效 404；已用过或调研未开放 409。"
            "同一地址无效令牌过多后暂停受理 429。"
            " No account: a one-time link answers its survey once, anonymously. Unknown token"
            " 404; spent, or the survey not open, 409; too many unknown tokens from one"
            " address, 429."
        ),
    ),
)
class SurveyResponseViewSet(viewsets.GenericViewSet):
    """Respondents' anonymous answers: no account, no CSRF, guarded against guessing."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = AnswerRequestSerializer
    pagination_class = None
    filter_backends: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if guard.locked(client_address(request)):
            minutes = guard.lockout_minutes()
            raise _Locked(
                wait=guard.EVALUATE_LOCKOUT_SECONDS,
                detail=ngettext(
                    "Too many unknown survey links from this address. Try again in"
                    " %(minutes)d minute.",
                    "Too many unknown survey links from this address. Try again in"
                    " %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )

    def handle_exception(self, exc):
        if isinstance(exc, ResourceNotFound):
            guard.failed(client_address(self.request))
        return super().handle_exception(exc)

    def create(self, request):
        given = AnswerRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        response = services.response_submit(token=data["token"], answers=data["answers"])
        return Response(
            {"survey": response.survey_id, "answers": response.answers.count()},
            status=status.HTTP_201_CREATED,
        )


__all__ = ["GapMapView", "SurveyResponseViewSet", "SurveyViewSet"]
