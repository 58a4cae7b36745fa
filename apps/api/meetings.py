"""``/api/v1/partners/``, ``/api/v1/meetings/``, ``/api/v1/decisions/``, ``/api/v1/plans/``
and ``/api/v1/plan-items/``: the joint meeting (联席会议) over HTTP.

The rules are in ``apps.meetings.services`` (and ``policy``); this module only reads HTTP into
service calls and answers them. A department's contact person is ``null`` for anyone who may
not read it (only curators above the department and its own members may); that it is null
says nothing about whether one is recorded. Out of reach 404, role 403, state 409, input 400
(problem+json naming the field).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.classes.models import ClassTheme, TrainingClass
from apps.meetings import policy, services
from apps.meetings.models import (
    Decision,
    ItemStatus,
    Meeting,
    MeetingStatus,
    PlanItem,
    TrainingPlan,
)
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import ActionDenied, ResourceNotFound
from apps.sharing.fields import BulkManyRelatedField
from apps.sharing.openapi import endpoint
from apps.taxonomy.models import ThematicDomain

from .idempotency import idempotent
from .pagination import NewestFirstCursorPagination

BIGINT = 2**63
ID = {"min_value": 1, "max_value": BIGINT - 1}


def _id(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ResourceNotFound() from None
    if pk >= BIGINT:
        raise ResourceNotFound()
    return pk


def _codes(model, **kwargs) -> BulkManyRelatedField:
    return BulkManyRelatedField(
        child_relation=serializers.SlugRelatedField(
            slug_field="code", queryset=model.objects.all()
        ),
        **kwargs,
    )


# ---- partners ----------------------------------------------------------------------------------


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="联络人。The contact person.")
    title = serializers.CharField(help_text="职务。Their position.")
    phone = serializers.CharField()
    email = serializers.CharField()


class PartnerSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="单位编码。The department's code.")
    name = serializers.CharField()
    short_name = serializers.CharField()
    level = serializers.SerializerMethodField(help_text="city 市直部门 / district 区直部门。")
    parent = serializers.CharField(source="parent.code", help_text="上级单位编码。")
    member = serializers.SerializerMethodField(help_text="联席会议成员单位。A member.")
    member_since = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField(
        help_text=(
            "联络人，仅上级党校的审核员、管理员和本部门成员可见，其他人为 null。"
            " The contact person: null for anyone who may not read it."
        )
    )

    def get_level(self, org) -> str:
        municipal = org.parent is not None and org.parent.kind == OrganizationKind.MUNICIPAL
        return "city" if municipal else "district"

    def _partner(self, org):
        return getattr(org, "partner", None) if hasattr(org, "partner") else None

    def get_member(self, org) -> bool:
        partner = self._partner(org)
        return bool(partner and partner.member)

    def get_member_since(self, org) -> str | None:
        partner = self._partner(org)
        return partner.member_since.isoformat() if partner and partner.member_since else None

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, org) -> dict | None:
        if org.pk not in self.context.get("contact_ids", ()):
            return None
        partner = self._partner(org)
        if partner is None:
            return {"name": "", "title": "", "phone": "", "email": ""}
        return {
            "name": partner.contact_name,
            "title": partner.contact_title,
            "phone": partner.contact_phone,
            "email": partner.contact_email,
        }


class PartnerWriteSerializer(serializers.Serializer):
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    member = serializers.BooleanField(required=False)
    member_since = serializers.DateField(required=False, allow_null=True)


@extend_schema_view(
    list=endpoint(
        responses={200: PartnerSerializer(many=True)},
        summary="联席会议成员单位 Partner departments",
        description=(
            "市直和区直部门及其联席会议成员资格，网络内任何有岗位的人可见；联络人仅上级党校的"
            "审核员、管理员和本部门成员可见。"
            " The departments and their membership; the contact person only for curators above"
            " the department and its own members."
        ),
    ),
    retrieve=endpoint(404, responses={200: PartnerSerializer}, summary="一个部门 One department"),
    partial_update=endpoint(
        400,
        403,
        404,
        request=PartnerWriteSerializer,
        responses={200: PartnerSerializer},
        summary="修改联络人和成员资格 Edit contact and membership",
        description="市委党校的审核员和管理员。The municipal school's curators and admins.",
        examples=[
            OpenApiExample(
                "member",
                request_only=True,
                value={
                    "contact_name": "陈立新",
                    "contact_title": "人事科科长",
                    "contact_phone": "0757-83031234",
                    "member": True,
                    "member_since": "2024-03-01",
                },
            )
        ],
    ),
)
class PartnerViewSet(viewsets.GenericViewSet):
    """The partner departments of the joint meeting (联席会议成员单位)."""

    serializer_class = PartnerSerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z-]{1,32}"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return services.departments_for(self.request.user).order_by("path")

    def _answer(self, orgs, *, many=False):
        ids = services.contact_ids(self.request.user, orgs if many else [orgs])
        context = {**self.get_serializer_context(), "contact_ids": ids}
        return Response(PartnerSerializer(orgs, many=many, context=context).data)

    def _department(self) -> Organization:
        try:
            return self.get_queryset().get(code=self.kwargs["code"])
        except Organization.DoesNotExist:
            raise ResourceNotFound() from None

    def list(self, request):
        return self._answer(list(self.get_queryset()), many=True)

    def retrieve(self, request, code=None):
        return self._answer(self._department())

    def partial_update(self, request, code=None):
        department = self._department()
        policy.check_record(request.user)  # the role before the input
        given = PartnerWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        services.partner_update(
            user=request.user, department=department, data=dict(given.validated_data)
        )
        return self._answer(self._department())


# ---- meetings ----------------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.code", help_text="责任单位编码。The owner.")
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    done = serializers.BooleanField(source="is_done", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "meeting", "text", "owner", "due_on", "done_on", "done", "overdue"]
        read_only_fields = fields


class DecisionWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    owner = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text="责任单位编码。The owning organisation's code.",
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    done_on = serializers.DateField(required=False, allow_null=True)


class MeetingSerializer(serializers.ModelSerializer):
    convened_by = serializers.CharField(source="convened_by.code", read_only=True)
    attendees = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "held_on",
            "convened_by",
            "status",
            "attendees",
            "attendee_names",
            "minutes",
            "decisions",
        ]
        read_only_fields = fields


class MeetingWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices, required=False)
    attendees = _codes(Organization, required=False, help_text="出席单位编码。Attendees' codes.")
    attendee_names = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    minutes = serializers.CharField(max_length=50000, required=False, allow_blank=True)


MEETING_HELP = (
    "市委党校成员、各区党校的审核员和管理员、出席单位的成员可见；由市委党校的审核员和管理员"
    "记录。 Seen by the municipal school's members, district curators and admins, and members"
    " of an attending organisation; recorded by the municipal school's curators and admins."
)


@extend_schema_view(
    list=endpoint(
        404,
        responses={200: MeetingSerializer(many=True)},
        summary="联席会议 Joint meetings",
        description=MEETING_HELP,
    ),
    retrieve=endpoint(404, responses={200: MeetingSerializer}, summary="一次会议 One meeting"),
    create=endpoint(
        403,
        idempotent=True,
        request=MeetingWriteSerializer,
        responses={201: MeetingSerializer},
        summary="记录会议 Record a meeting",
        description=MEETING_HELP,
    ),
    partial_update=endpoint(
        403,
        404,
        request=MeetingWriteSerializer,
        responses={200: MeetingSerializer},
        summary="修改会议 Edit a meeting",
    ),
    decisions=endpoint(
        403,
        404,
        409,
        idempotent=True,
        request=DecisionWriteSerializer,
        responses={201: DecisionSerializer},
        summary="记录议定事项 Record a decision",
        description="已取消的会议不能议定事项（409）。A cancelled meeting takes none (409).",
    ),
)
class MeetingViewSet(viewsets.GenericViewSet):
    """Joint meetings (联席会议) and their decisions (议定事项)."""

    serializer_class = MeetingSerializer
    pagination_class = NewestFirstCursorPagination
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            services.meetings_for(self.request.user)
            .select_related("convened_by")
            .prefetch_related("attendees", "decisions__owner")
        )

    def _respond(self, pk, code=status.HTTP_200_OK) -> Response:
        obj = self.get_queryset().get(pk=pk)
        return Response(MeetingSerializer(obj).data, status=code)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._respond(services.meeting_get(request.user, _id(pk)).pk)

    @idempotent
    def create(self, request):
        policy.check_record(request.user)
        given = MeetingWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        obj = services.meeting_create(user=request.user, data=dict(given.validated_data))
        return self._respond(obj.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = services.meeting_get(request.user, _id(pk))
        policy.check_record(request.user)
        given = MeetingWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        services.meeting_update(user=request.user, pk=obj.pk, data=dict(given.validated_data))
        return self._respond(obj.pk)

    @action(detail=True, methods=["post"])
    @idempotent
    def decisions(self, request, pk=None):
        meeting = services.meeting_get(request.user, _id(pk))
        policy.check_record(request.user)
        given = DecisionWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        obj = services.decision_add(
            user=request.user, meeting_pk=meeting.pk, data=dict(given.validated_data)
        )
        return Response(DecisionSerializer(obj).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=endpoint(404, responses={200: DecisionSerializer}, summary="一项议定事项 A decision"),
    partial_update=endpoint(
        403,
        404,
        request=DecisionWriteSerializer,
        responses={200: DecisionSerializer},
        summary="修改议定事项（如办结）Edit a decision (mark it done)",
    ),
)
class DecisionViewSet(viewsets.GenericViewSet):
    """A meeting's decisions, seen by who sees the meeting."""

    serializer_class = DecisionSerializer
    pagination_class = None
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Decision.objects.none()

    def retrieve(self, request, pk=None):
        return Response(DecisionSerializer(services.decision_get(request.user, _id(pk))).data)

    def partial_update(self, request, pk=None):
        obj = services.decision_get(request.user, _id(pk))
        policy.check_record(request.user)
        given = DecisionWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        services.decision_update(user=request.user, pk=obj.pk, data=dict(given.validated_data))
        return Response(DecisionSerializer(services.decision_get(request.user, obj.pk)).data)


# ---- the plan ----------------------------------------------------------------------------------


class ClassRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    start_date = serializers.DateField()


class PlanItemSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan.year", read_only=True, help_text="年度。")
    theme = serializers.CharField(source="theme.code", default=None, allow_null=True)
    domains = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.code")
    meeting = serializers.SerializerMethodField(
        help_text="批准（或不予列入）的会议；您看不到该会议时为 null。The deciding meeting."
    )
    classes = serializers.SerializerMethodField(
        help_text="落实该项目的班次（仅您可见的）。The classes that carried it out, those you see."
    )

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "title",
            "theme",
            "domains",
            "proposed_by",
            "target_trainees",
            "trainee_count",
            "quarter",
            "status",
            "meeting",
            "classes",
        ]
        read_only_fields = fields

    def get_meeting(self, item) -> int | None:
        meeting = getattr(item, "visible_meeting", None)
        return meeting.pk if meeting is not None else None

    @extend_schema_field(ClassRefSerializer(many=True))
    def get_classes(self, item) -> list[dict]:
        return ClassRefSerializer(getattr(item, "visible_classes", []), many=True).data


class PlanItemWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    proposed_by = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text="提出单位编码（部门或党校）。The proposing department or school.",
    )
    theme = serializers.SlugRelatedField(
        slug_field="code", queryset=ClassTheme.objects.all(), required=False, allow_null=True
    )
    domains = _codes(ThematicDomain, required=False)
    target_trainees = serializers.CharField(max_length=200, required=False, allow_blank=True)
    trainee_count = serializers.IntegerField(
        min_value=1, max_value=2000, required=False, allow_null=True
    )
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)


class DecideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[ItemStatus.APPROVED, ItemStatus.DECLINED], help_text="approved / declined"
    )
    meeting = serializers.IntegerField(help_text="已召开的会议。A meeting that was held.", **ID)


class LinkClassesSerializer(serializers.Serializer):
    classes = serializers.ListField(
        child=serializers.IntegerField(**ID), max_length=200, help_text="班次 id。Class ids."
    )


class PlanSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = TrainingPlan
        fields = ["year", "title", "note", "items"]
        read_only_fields = fields

    @extend_schema_field(PlanItemSerializer(many=True))
    def get_items(self, plan) -> list[dict]:
        items = self.context.get("items")
        return PlanItemSerializer(items or [], many=True).data if items is not None else []


class PlanWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True)


@extend_schema_view(
    list=endpoint(
        responses={200: PlanSerializer(many=True)},
        summary="年度培训计划 Annual training plans",
        description="网络内有岗位的人可见（不含项目）。Anyone in the network; items on the detail.",
    ),
    retrieve=endpoint(404, responses={200: PlanSerializer}, summary="一年的计划 One year's plan"),
    create=endpoint(
        403,
        409,
        idempotent=True,
        request=PlanWriteSerializer,
        responses={201: PlanSerializer},
        summary="新建年度计划 Create a year's plan",
        description="市委党校的审核员和管理员；同一年只有一个（409）。One per year (409).",
    ),
    items=endpoint(
        403,
        404,
        idempotent=True,
        request=PlanItemWriteSerializer,
        responses={201: PlanItemSerializer},
        summary="提出计划项目 Propose an item",
        description=(
            "党校的审核员、管理员或部门的报送员为本单位提出；市委党校审核员可为任何单位提出。"
            " A school's curators or a department's submitters, for their own organisation;"
            " the municipal school's curators for any."
        ),
    ),
)
class PlanViewSet(viewsets.GenericViewSet):
    """Each year's training plan (年度培训计划)."""

    serializer_class = PlanSerializer
    pagination_class = None
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return services.plans_for(self.request.user)

    def list(self, request):
        return Response(PlanSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, year=None):
        plan = services.plan_get(request.user, year)
        items = services.plan_items(request.user, plan)
        return Response(PlanSerializer(plan, context={"items": items}).data)

    @idempotent
    def create(self, request):
        policy.check_record(request.user)
        given = PlanWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        plan = services.plan_create(user=request.user, year=data.pop("year"), data=data)
        return Response(
            PlanSerializer(plan, context={"items": []}).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"])
    @idempotent
    def items(self, request, year=None):
        plan = services.plan_get(request.user, year)
        if "propose" not in policy.allowed_actions(request.user):  # the role before the input
            raise ActionDenied(_("You may not propose items of the plan."))
        given = PlanItemWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        item = services.item_propose(user=request.user, plan=plan, data=dict(given.validated_data))
        return Response(_item_data(request.user, item.pk), status=status.HTTP_201_CREATED)


def _item_data(user, pk) -> dict:
    item = services.item_get(user, pk)
    items = [i for i in services.plan_items(user, item.plan) if i.pk == pk]
    return PlanItemSerializer(items[0]).data


@extend_schema_view(
    retrieve=endpoint(404, responses={200: PlanItemSerializer}, summary="一个计划项目 One item"),
    partial_update=endpoint(
        403,
        404,
        request=PlanItemWriteSerializer,
        responses={200: PlanItemSerializer},
        summary="修改计划项目 Edit an item",
    ),
    decide=endpoint(
        403,
        404,
        409,
        idempotent=True,
        request=DecideSerializer,
        responses={200: PlanItemSerializer},
        summary="在会上批准或不予列入 Approve or decline at a meeting",
        description="只有待定的项目（409），在已召开的会议上。Only a proposed item (409).",
        examples=[OpenApiExample("approve", {"status": "approved", "meeting": 1})],
    ),
    classes=endpoint(
        403,
        404,
        409,
        request=LinkClassesSerializer,
        responses={200: PlanItemSerializer},
        summary="关联落实的班次 Link the classes that carried it out",
        description="只有已批准的项目（409）；列表整体替换。Approved items only (409); replaces.",
    ),
)
class PlanItemViewSet(viewsets.GenericViewSet):
    """The items of the plans: proposed classes, decided at a meeting, carried out by classes."""

    serializer_class = PlanItemSerializer
    pagination_class = None
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return PlanItem.objects.none()

    def retrieve(self, request, pk=None):
        return Response(_item_data(request.user, services.item_get(request.user, _id(pk)).pk))

    def partial_update(self, request, pk=None):
        item = services.item_get(request.user, _id(pk))
        policy.check_record(request.user)
        given = PlanItemWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("proposed_by", None)
        services.item_update(user=request.user, pk=item.pk, data=data)
        return Response(_item_data(request.user, item.pk))

    @action(detail=True, methods=["post"])
    @idempotent
    def decide(self, request, pk=None):
        item = services.item_get(request.user, _id(pk))
        policy.check_record(request.user)
        given = DecideSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            meeting = services.meeting_get(request.user, given.validated_data["meeting"])
        except ResourceNotFound:
            raise serializers.ValidationError({"meeting": [_("No such meeting.")]}) from None
        services.item_decide(
            user=request.user, pk=item.pk, status=given.validated_data["status"], meeting=meeting
        )
        return Response(_item_data(request.user, item.pk))

    @action(detail=True, methods=["post"])
    def classes(self, request, pk=None):
        item = services.item_get(request.user, _id(pk))
        policy.check_record(request.user)
        given = LinkClassesSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        ids = given.validated_data["classes"]
        found = list(TrainingClass.objects.filter(pk__in=ids))
        if len(found) != len(set(ids)):
            raise serializers.ValidationError({"classes": [_("No such class.")]})
        services.item_link_classes(user=request.user, pk=item.pk, classes=found)
        return Response(_item_data(request.user, item.pk))
