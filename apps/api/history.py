"""``/api/v1/<library>/{id}/history/`` and ``/api/v1/audit/``: the audit trail (``apps.audit``)
over HTTP."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action

from apps.accounts.actor import actor_for
from apps.audit.access import history_of, is_municipal_admin
from apps.audit.models import Action, AuditEvent, Source
from apps.sharing.policy import policy
from apps.sharing.registry import libraries

from .pagination import NewestFirstCursorPagination


class AuditEventSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField(help_text=_("Username of who acted (none: system)."))
    token = serializers.SerializerMethodField(
        help_text=_("The API token the request used, shown as its public prefix.")
    )
    organization = serializers.SerializerMethodField(
        help_text=_("Code of the organisation acted for (the resource owner; the seat's school).")
    )
    object_type = serializers.CharField(read_only=True, help_text=_("app_label.model"))
    changes = serializers.JSONField(
        read_only=True, help_text=_("{field: [before, after]} for every field that changed.")
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "action",
            "source",
            "user",
            "token",
            "organization",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "request_id",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_user(self, event) -> str | None:
        if event.user is not None:
            return event.user.get_username()
        return event.username or None

    @extend_schema_field(OpenApiTypes.STR)
    def get_token(self, event) -> str | None:
        if event.token is not None:
            return str(event.token)
        return f"#{event.token_id}" if event.token_id else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_organization(self, event) -> str | None:
        return event.organization.code if event.organization is not None else None


class HistoryViewSetMixin:
    """Adds ``GET {id}/history/`` to a library viewset: curators of the owner or audience."""

    @extend_schema(
        responses=AuditEventSerializer(many=True),
        summary=_("History: who changed what, when"),
        description=_(
            "Curators and admins of the owner or of the audience; others who can see the "
            "resource get 403, everyone else 404. Newest first."
        ),
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=NewestFirstCursorPagination,
        filter_backends=[],
    )
    def history(self, request, pk=None):
        obj = self.get_object()
        policy.check_manage(actor_for(request.user), obj)
        page = self.paginate_queryset(history_of(obj))
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)


# ---- the whole log --------------------------------------------------------------------------


class MomentField(forms.CharField):
    """A date (``2025-03-01``) or an ISO 8601 date and time (``2025-03-01T08:00:00+08:00``)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            if len(value) == 10:  # YYYY-MM-DD: a whole day (parse_datetime would say midnight)
                day = parse_date(value)
                if day is not None:
                    return day
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise ValidationError(_("Enter a date (YYYY-MM-DD) or an ISO 8601 date and time."))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class MomentFilter(django_filters.Filter):
    field_class = MomentField


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_utc(moment: datetime.datetime) -> datetime.datetime | None:
    """``moment`` in UTC, the way the database compares it; None when that falls outside the
    calendar (``0001-01-01`` in Foshan is still year 0 in UTC; ``9999-12-31`` has no next day),
    i.e. before or after every event."""
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        return None


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    pass


class AuditEventFilterSet(django_filters.FilterSet):
    action = CharInFilter(
        field_name="action", help_text=_("One action or several, comma-separated.")
    )
    source = django_filters.ChoiceFilter(choices=Source.choices)
    user = django_filters.CharFilter(method="filter_user", help_text=_("Username."))
    organization = django_filters.CharFilter(
        field_name="organization__code", help_text=_("Organisation code (exact).")
    )
    object_type = django_filters.CharFilter(
        method="filter_object_type",
        help_text=_("A library (courses, faculty, cases, sites) or app_label.model."),
    )
    object_id = django_filters.NumberFilter(field_name="object_id")
    request_id = django_filters.CharFilter(field_name="request_id")
    since = MomentFilter(
        method="filter_since", help_text=_("From this date or moment on (inclusive).")
    )
    until = MomentFilter(
        method="filter_until",
        help_text=_("Up to this moment, or to the end of this date (inclusive)."),
    )

    class Meta:
        model = AuditEvent
        fields = []

    def filter_user(self, queryset, name, value):
        return queryset.filter(Q(username=value) | Q(user__username=value))

    def filter_object_type(self, queryset, name, value):
        keys = {library.key: library.model for library in libraries()}
        if value in keys:
            meta = keys[value]._meta
            app_label, model = meta.app_label, meta.model_name
        else:
            app_label, _dot, model = value.lower().partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)

    def filter_since(self, queryset, name, value: datetime.date | datetime.datetime):
        if not isinstance(value, datetime.datetime):
            value = _start_of(value)
        start = _in_utc(value)
        if start is None:  # from before the calendar: everything; from after it: nothing
            return queryset if value.year == datetime.MINYEAR else queryset.none()
        return queryset.filter(occurred_at__gte=start)

    def filter_until(self, queryset, name, value: datetime.date | datetime.datetime):
        if not isinstance(value, datetime.datetime):
            if value == datetime.date.max:  # to the end of the calendar: everything
                return queryset
            end = _in_utc(_start_of(value + datetime.timedelta(days=1)))
            return queryset.filter(occurred_at__lt=end)
        end = _in_utc(value)
        if end is None:  # up to before the calendar: nothing; up to after it: everything
            return queryset.none() if value.year == datetime.MINYEAR else queryset
        return queryset.filter(occurred_at__lte=end)


class IsMunicipalAdmin(permissions.BasePermission):
    message = _("Only admins of the municipal party school may read the whole audit log.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and is_municipal_admin(
            request.user
        )


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The whole audit log, newest first: admins of the municipal party school only."""

    queryset = AuditEvent.objects.select_related("user", "token", "organization", "content_type")
    serializer_class = AuditEventSerializer
    permission_classes = [permissions.IsAuthenticated, IsMunicipalAdmin]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilterSet
    pagination_class = NewestFirstCursorPagination
    lookup_value_regex = "[0-9]+"  # ASCII digits: no "١", "１" or "+1" (int() reads them all)


__all__ = ["Action", "AuditEventSerializer", "AuditEventViewSet", "HistoryViewSetMixin"]
