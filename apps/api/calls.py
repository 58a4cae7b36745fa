"""``/api/v1/calls/``: calls for contributions (征集) over HTTP, and the ``call`` a library POST
may carry to answer one.

The rules are in ``apps.calls.services`` (and ``policy``); this module only reads HTTP into
service calls and answers them: problem+json errors naming the field, ``ETag: "<version>"``,
``If-Match`` on changes, ``Idempotency-Key`` on token POSTs, cursor pages.

``CallAnswerMixin`` is mixed into every library's served viewset (``apps.api.viewsets``): a
``POST /api/v1/<library>/`` with ``"call": <id>`` creates the resource and records it as the
owner's answer in one transaction; a call that is unknown, closed, not asking for this kind or
not inviting the owner answers 400 naming ``call``, and nothing is created.
"""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.actor import actor_for
from apps.calls import policy, services
from apps.calls.models import Call, CallStatus
from apps.organizations.models import Organization
from apps.sharing.api import expected_version
from apps.sharing.exceptions import ActionDenied, ResourceNotFound
from apps.sharing.fields import BulkManyRelatedField
from apps.sharing.openapi import endpoint
from apps.sharing.registry import find_library
from apps.taxonomy.models import ThematicDomain

from .idempotency import idempotent
from .pagination import NewestFirstCursorPagination

BIGINT = 2**63


def _id(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ResourceNotFound() from None
    if not 0 < pk < BIGINT:
        raise ResourceNotFound()
    return pk


class AnswerSerializer(serializers.Serializer):
    library = serializers.CharField(help_text="资源库：cases, courses, faculty, sites。")
    id = serializers.IntegerField(help_text="资源编号（您可见时）。The resource's id.")
    title = serializers.CharField(help_text="资源标题（您可见时）。Its title, if you may see it.")
    answered_at = serializers.DateTimeField()


class InviteeSerializer(serializers.Serializer):
    organization = serializers.CharField(help_text="受邀单位编码。The invitee's code.")
    name = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["answered", "late", "waiting"],
        help_text="answered 已响应, late 已逾期未响应, waiting 待响应。",
    )
    answers = AnswerSerializer(many=True, help_text="您可见的响应资源。The answers you may see.")


class CallSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(
        source="organization.code", read_only=True, help_text="发布学校编码。The publisher's code."
    )
    domains = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="专题领域编码。Domains' codes."
    )
    invited = serializers.SerializerMethodField(
        help_text="受邀单位编码（受邀单位只看到自己）。Invitees' codes: all of them for the"
        " publisher's members and the curators above, an invitee's own otherwise."
    )
    kinds = serializers.ListField(
        child=serializers.CharField(), help_text="征集的资源类型（资源库）。Libraries wanted."
    )
    status = serializers.ChoiceField(
        choices=CallStatus.choices, help_text="open 征集中, closed 已截止。"
    )
    answered = serializers.IntegerField(
        read_only=True, help_text="已响应的受邀单位数。Invitees that have answered."
    )
    actions = serializers.SerializerMethodField(
        help_text="您现在可以做的：edit, close。What you may do now."
    )

    class Meta:
        model = Call
        fields = [
            "id",
            "organization",
            "topic",
            "description",
            "domains",
            "kinds",
            "invited",
            "due_on",
            "status",
            "answered",
            "version",
            "created_at",
            "closed_at",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return policy.allowed_actions(request.user, obj) if request is not None else []

    def get_invited(self, obj) -> list[str]:
        shown = services.invitee_shown(self.context["request"].user, obj)
        return [o.code for o in obj.invited.all() if shown(o.pk)]


class CallDetailSerializer(CallSerializer):
    invitees = serializers.SerializerMethodField(
        help_text=(
            "受邀单位及其响应情况：发布学校及上级审核员看到全部，受邀单位只看到自己。"
            " The invitees and how they stand: all of them for the publisher and the curators"
            " above; an invitee sees its own row."
        )
    )

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "invitees"]
        read_only_fields = fields

    @extend_schema_field(InviteeSerializer(many=True))
    def get_invitees(self, obj) -> list[dict]:
        user = self.context["request"].user
        rows = services.invitees_for(user, obj)
        readable = services.readable_answers(user, [a for row in rows for a in row.answers])
        return [
            {
                "organization": row.organization.code,
                "name": row.organization.name,
                "state": row.state,
                "answers": [
                    {
                        "library": a.library,
                        "id": a.object_id,
                        "title": a.title,
                        "answered_at": a.answered_at,
                    }
                    for a in row.answers
                    if (a.library, a.object_id) in readable
                ],
            }
            for row in rows
        ]


def _codes(model, **kwargs) -> BulkManyRelatedField:
    return BulkManyRelatedField(
        child_relation=serializers.SlugRelatedField(
            slug_field="code", queryset=model.objects.all()
        ),
        **kwargs,
    )


class CallWriteSerializer(serializers.Serializer):
    """What a client sends to publish a call (PATCH: any of it, but not ``organization``)."""

    organization = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text="发布学校编码（市委党校或区委党校），创建后不能改。The publisher; fixed.",
    )
    topic = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    domains = _codes(ThematicDomain, required=False, help_text="专题领域编码。Domains' codes.")
    kinds = serializers.ListField(
        child=serializers.CharField(max_length=16),
        max_length=10,
        help_text="资源库：cases, courses, faculty (或 lecturers), sites。",
    )
    invited = _codes(
        Organization, help_text="受邀单位编码：发布学校下属的部门和学校。Invitees' codes."
    )
    due_on = serializers.DateField(help_text="截止日期。The due date.")

    def validate(self, attrs):
        if self.partial and "organization" in attrs:
            raise serializers.ValidationError(
                {"organization": [_("The publishing school of a call cannot be changed.")]}
            )
        return attrs


class CallFilterSet(django_filters.FilterSet):
    open = django_filters.BooleanFilter(
        method="filter_open", help_text="true：征集中；false：已截止。Open or closed calls."
    )
    invited = django_filters.ChoiceFilter(
        choices=[("me", "me")],
        method="filter_invited",
        help_text="me：邀请我所在单位的征集。Calls inviting one of my organisations.",
    )
    published = django_filters.ChoiceFilter(
        choices=[("me", "me")],
        method="filter_published",
        help_text="me：我所在学校发布的征集。Calls published by one of my schools.",
    )

    class Meta:
        model = Call
        fields = []

    def filter_open(self, queryset, name, value):
        return queryset.filter(status=CallStatus.OPEN if value else CallStatus.CLOSED)

    def filter_invited(self, queryset, name, value):
        orgs = sorted(actor_for(self.request.user).org_ids)
        return queryset.filter(
            pk__in=Call.invited.through.objects.filter(organization_id__in=orgs).values("call_id")
        )

    def filter_published(self, queryset, name, value):
        return queryset.filter(organization_id__in=sorted(actor_for(self.request.user).org_ids))


class CallCursorPagination(NewestFirstCursorPagination):
    pass


EXAMPLE = {
    "organization": "440604",
    "topic": "制造业当家典型案例征集",
    "description": "请各部门报送本系统推动制造业高质量发展的典型案例。",
    "domains": ["industrial-system"],
    "kinds": ["cases"],
    "invited": ["440604-gxj"],
    "due_on": "2026-12-31",
}


@extend_schema_view(
    list=endpoint(
        400,
        404,
        responses={200: CallSerializer(many=True)},
        summary="征集 Calls for contributions",
        description=(
            "您可见的征集：发布学校的成员、受邀单位的成员、上级学校的审核员和管理员。"
            " The calls you may see: members of the publisher and of the invitees; curators"
            " and admins of the schools above. ?open=true, ?invited=me, ?published=me."
        ),
    ),
    retrieve=endpoint(
        404, etag=True, responses={200: CallDetailSerializer}, summary="一个征集 One call"
    ),
    create=endpoint(
        403,
        idempotent=True,
        etag=True,
        request=CallWriteSerializer,
        responses={201: CallDetailSerializer},
        summary="发布征集 Publish a call",
        description=(
            "市委党校或区委党校的审核员和管理员发布，邀请本校下属的部门和学校；受邀单位收到通知。"
            " Curators and admins of the municipal or a district school; the invitees are told."
        ),
        examples=[OpenApiExample("call", EXAMPLE, request_only=True)],
    ),
    partial_update=endpoint(
        400,
        403,
        404,
        409,
        if_match=True,
        etag=True,
        request=CallWriteSerializer,
        responses={200: CallDetailSerializer},
        summary="修改征集 Edit a call",
        description="已截止的征集不能改（409）。A closed call cannot change (409).",
    ),
    close=endpoint(
        403,
        404,
        409,
        if_match=True,
        idempotent=True,
        etag=True,
        request=None,
        responses={200: CallDetailSerializer},
        summary="截止征集 Close a call",
    ),
)
class CallViewSet(viewsets.GenericViewSet):
    """Calls for contributions (征集)."""

    serializer_class = CallSerializer
    pagination_class = CallCursorPagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = CallFilterSet
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            services.calls_for(self.request.user)
            .select_related("organization")
            .prefetch_related("domains", "invited")
            .annotate(answered=Count("answers__organization", distinct=True))
        )

    def _respond(self, pk, code=status.HTTP_200_OK) -> Response:
        obj = self.get_queryset().get(pk=pk)
        data = CallDetailSerializer(obj, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": obj.etag})

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._respond(services.call_get(request.user, _id(pk)).pk)

    @idempotent
    def create(self, request):
        given = CallWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        call = services.call_create(user=request.user, **data)
        return self._respond(call.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        call = services.call_get(request.user, _id(pk))
        version = expected_version(request)
        if not policy.can_edit(request.user, call):  # the role before the input
            raise ActionDenied(_("Only the publishing school's curators may change this call."))
        given = CallWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        services.call_update(
            user=request.user, pk=call.pk, data=dict(given.validated_data), expected_version=version
        )
        return self._respond(call.pk)

    @action(detail=True, methods=["post"], filter_backends=[])
    @idempotent
    def close(self, request, pk=None):
        call = services.call_get(request.user, _id(pk))
        services.call_close(
            user=request.user, pk=call.pk, expected_version=expected_version(request)
        )
        return self._respond(call.pk)


class CallAnswerMixin:
    """A library's create with ``"call": <id>``: the resource and its answer, or neither."""

    def create(self, request, *args, **kwargs):
        call_id = request.data.get("call") if hasattr(request.data, "get") else None
        if call_id in (None, ""):
            return super().create(request, *args, **kwargs)
        library = find_library(self.model)
        with transaction.atomic():
            call = services.call_for_answer(request.user, call_id, kind=library.key)
            response = super().create(request, *args, **kwargs)
            resource = self.model.objects.get(pk=response.data["id"])
            services.answer_record(call=call, resource=resource, user=request.user)
        return response

    create.idempotent = True  # the API layer makes it replay retries (apps.api.viewsets)
