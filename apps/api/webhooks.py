"""``/api/v1/webhooks/``: a partner department's webhooks and their delivery log
(``apps.webhooks``) over HTTP. The rules are in ``apps.webhooks.services``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.notifications.models import Kind
from apps.sharing.exceptions import ResourceNotFound
from apps.sharing.openapi import endpoint
from apps.webhooks import services
from apps.webhooks.models import Attempt, Delivery, DeliveryStatus, Webhook

from .idempotency import idempotent
from .pagination import NewestFirstCursorPagination

BIGINT = 2**63  # ids are 64-bit: a longer number names nothing (and is no query)

KINDS_HELP = (
    "submitted 已提交待审核, published 已发布, rejected 已退回, withdrawn 已撤回, reused 被复用,"
    " source_updated 来源已更新, source_withdrawn 来源已撤回, site_lifecycle 基地状态变化,"
    " visit_requested 班次申请现场教学, visit_decided 基地答复现场教学申请。"
)


class WebhookSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(
        source="organization.code", read_only=True, help_text="所属单位编码。Its department."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices),
        read_only=True,
        help_text="接收的事件种类。The kinds of event it receives. " + KINDS_HELP,
    )

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "active", "organization", "created_at"]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text=(
            "签名密钥：只在这一次响应中出现，请妥善保存。"
            " The signing secret: shown in this answer only, keep it safe."
        ),
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=500,
        help_text=(
            "接收地址，http:// 或 https://；不能是内网、回环、链路本地、组播或保留地址。"
            " The receiver: http:// or https://, not a private, loopback, link-local,"
            " multicast or reserved address."
        ),
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices),
        min_length=1,
        max_length=len(Kind.choices),
        help_text="至少一种。At least one. " + KINDS_HELP,
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["number", "at", "response_status", "error", "duration_ms"]
        read_only_fields = fields
        extra_kwargs = {
            "response_status": {"help_text": "接收方的 HTTP 状态码。The receiver's HTTP status."},
            "error": {"help_text": "失败原因（成功时为空）。Why it failed (empty on success)."},
        }


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(
        source="event_key", read_only=True, help_text="事件编号（请求体的 id）。The body's id."
    )
    kind = serializers.ChoiceField(choices=Kind.choices, read_only=True)
    status = serializers.ChoiceField(
        choices=DeliveryStatus.choices,
        read_only=True,
        help_text="pending 发送中（含等待重试）, succeeded 已送达, failed 已放弃。",
    )
    log = AttemptSerializer(many=True, read_only=True, help_text="每次尝试。Every attempt.")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "kind",
            "status",
            "attempts",
            "response_status",
            "last_error",
            "created_at",
            "last_attempt_at",
            "delivered_at",
            "payload",
            "log",
        ]
        read_only_fields = fields


CREATED_EXAMPLE = OpenApiExample(
    "registered",
    summary="已登记 Registered",
    value={
        "id": 3,
        "url": "https://hooks.fgj.example.cn/platform",
        "events": ["published", "rejected"],
        "active": True,
        "organization": "440600-fgj",
        "created_at": "2026-11-27T10:00:00+08:00",
        "secret": "Yc2x3n0m4J9v…",
    },
    response_only=True,
    status_codes=["201"],
)
REQUEST_EXAMPLE = OpenApiExample(
    "register",
    summary="登记回调地址 Register a receiver",
    value={"url": "https://hooks.fgj.example.cn/platform", "events": ["published", "rejected"]},
    request_only=True,
)


@extend_schema_view(
    list=endpoint(
        responses={200: WebhookSerializer(many=True)},
        summary="本单位的回调 Our webhooks",
        description=(
            "职能部门报送员看到本单位的全部回调（不含密钥）；其他人得到空列表。"
            " A department's submitters see its webhooks (without secrets); others, none."
        ),
    ),
    create=endpoint(
        403,
        idempotent=True,
        request=WebhookCreateSerializer,
        responses={201: WebhookCreatedSerializer},
        examples=[REQUEST_EXAMPLE, CREATED_EXAMPLE],
        summary="登记回调 Register a webhook",
        description=(
            "只有职能部门的报送员可以登记（其他人 403）。密钥只在这次响应中返回。"
            "地址先解析，所有解析结果都必须是公网地址，否则 400（errors.url）。"
            " Only a department's submitters (403 for others). The secret is in this answer"
            " only. The host is resolved and every address must be public, else 400 (url)."
        ),
    ),
    retrieve=endpoint(
        404,
        responses={200: WebhookSerializer},
        summary="一个回调 One webhook",
    ),
    destroy=endpoint(
        403,
        404,
        responses={204: None},
        summary="删除回调 Delete a webhook",
        description=(
            "连同投递记录一起删除；尚未送达的不再发送。"
            " Its delivery log goes with it; nothing pending is sent any more."
        ),
    ),
    deliveries=endpoint(
        404,
        responses={200: DeliverySerializer(many=True)},
        summary="投递记录 Delivery log",
        description=(
            "最新的在前：状态、尝试次数和每次尝试的结果（状态码或错误、耗时）。"
            " Newest first: status, attempts, and each attempt's answer (status or error,"
            " duration)."
        ),
    ),
)
class WebhookViewSet(viewsets.GenericViewSet):
    """A partner department's webhooks (回调)."""

    serializer_class = WebhookSerializer
    pagination_class = None
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return services.webhooks_of(self.request.user)

    def _pk(self) -> int:
        pk = int(self.kwargs["pk"])
        if pk >= BIGINT:
            raise ResourceNotFound()
        return pk

    def list(self, request):
        return Response(WebhookSerializer(self.get_queryset(), many=True).data)

    @idempotent
    def create(self, request):
        services.registering_organization(request.user)  # the role before the input
        given = WebhookCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        webhook, secret = services.webhook_create(
            user=request.user,
            url=given.validated_data["url"],
            events=given.validated_data["events"],
        )
        webhook.secret = secret
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return Response(WebhookSerializer(services.webhook_get(request.user, self._pk())).data)

    def destroy(self, request, pk=None):
        services.webhook_delete(user=request.user, pk=self._pk())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["get"], pagination_class=NewestFirstCursorPagination)
    def deliveries(self, request, pk=None):
        page = self.paginate_queryset(services.deliveries_of(request.user, self._pk()))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


__all__ = ["WebhookViewSet"]
