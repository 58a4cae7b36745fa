"""``/api/v1/notifications/``: a person's notifications (``apps.notifications``) over HTTP.

Only the reader's own notifications, and of those only the ones about resources they may see
now (``apps.notifications.inbox``); anything else answers 404.
"""

from __future__ import annotations

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from apps.notifications import inbox
from apps.notifications.models import Kind, Notification
from apps.notifications.texts import describe
from apps.sharing.openapi import endpoint
from apps.sharing.registry import find_library

from .pagination import CheckedCursorMixin
from .serializers import MeSerializer

BIGINT = 2**63  # ids are 64-bit: a longer number names nothing (and is no query)


class NotificationCursorPagination(CheckedCursorMixin, CursorPagination):
    """Newest first (the moment of the event, then the row)."""

    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ResourceRefSerializer(serializers.Serializer):
    library = serializers.CharField(
        help_text="资源所在的库（courses、faculty、cases、sites）。The library (its API path)."
    )
    id = serializers.IntegerField(help_text="资源编号。The resource's id in that library.")
    title = serializers.CharField(help_text="事件发生时的标题。Its title when it happened.")


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        read_only=True,
        help_text=(
            "submitted 待审核, published 已发布, rejected 已退回, withdrawn 已撤回, reused 被复用,"
            " source_updated 来源已更新, source_withdrawn 来源已撤回, site_lifecycle 基地状态变化。"
        ),
    )
    read = serializers.SerializerMethodField(help_text="是否已读。Whether it has been read.")
    resource = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField(
        help_text="按请求语言写成的一句话。One sentence, in the request's language."
    )
    data = serializers.JSONField(
        read_only=True,
        help_text=(
            "事件细节：退回理由 reason、复用学校 school、版本 from_version/to_version、"
            "基地状态 to 等。Details: reason, school, from_version/to_version, to …"
        ),
    )

    class Meta:
        model = Notification
        fields = ["id", "kind", "created_at", "read", "resource", "text", "data"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None

    @extend_schema_field(ResourceRefSerializer)
    def get_resource(self, notification) -> dict:
        library = find_library(notification.content_type.model_class())
        return {
            "library": library.key if library is not None else "",
            "id": notification.object_id,
            "title": notification.title,
        }

    def get_text(self, notification) -> str:
        return describe(notification)


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        help_text="true：只列未读的；false：只列已读的。true: unread only; false: read only.",
    )

    class Meta:
        model = Notification
        fields = []

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


MarkedSerializer = inline_serializer(
    "NotificationsMarked",
    {"marked": serializers.IntegerField(help_text="标为已读的条数。How many were marked read.")},
)


@extend_schema_view(
    list=endpoint(
        404,
        responses={200: NotificationSerializer(many=True)},
        summary="我的通知 My notifications",
        description=(
            "最新的在前；只列出您现在仍能看到的资源的通知。"
            " Newest first; only about resources you may still see."
        ),
    ),
    read=endpoint(
        403,
        404,
        request=None,
        responses={200: NotificationSerializer},
        summary="标为已读 Mark read",
        description=(
            "再次标记不改变已读时间。别人的通知、或您已看不到的资源的通知：404。"
            " Marking again changes nothing. Another's, or about a resource you can no longer"
            " see: 404."
        ),
    ),
    read_all=endpoint(
        403,
        request=None,
        responses={200: MarkedSerializer},
        summary="全部标为已读 Mark all read",
    ),
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in person's notifications (通知)."""

    serializer_class = NotificationSerializer
    pagination_class = NotificationCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilterSet
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return inbox.inbox(self.request.user)

    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request, pk=None):
        notification = inbox.mark_read(request.user, pk) if int(pk) < BIGINT else None
        if notification is None:
            raise NotFound()
        return Response(NotificationSerializer(notification).data)

    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request):
        return Response({"marked": inbox.mark_all_read(request.user)})


class MeWithNotificationsSerializer(MeSerializer):
    unread_notifications = serializers.SerializerMethodField(
        help_text=(
            "未读通知数，最多计到 1000（1000 表示 1000 条或更多）。"
            " How many of your notifications are unread, counted up to 1000."
        )
    )

    class Meta(MeSerializer.Meta):
        fields = [*MeSerializer.Meta.fields, "unread_notifications"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_unread_notifications(self, user) -> int:
        request = self.context.get("request")
        if request is not None and request.user.pk == user.pk:
            user = request.user  # its seats are loaded already (no second query for them)
        return inbox.unread_count(user)


__all__ = ["MeWithNotificationsSerializer", "NotificationViewSet"]
