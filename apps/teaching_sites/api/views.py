from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.idempotency import idempotent
from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.sharing.api import IF_MATCH, SharedResourceViewSet, expected_version

from ..filtersets import TeachingSiteFilterSet
from ..models import TeachingSite
from ..services import site_change_lifecycle
from .serializers import (
    LifecycleChangeSerializer,
    LifecycleEventSerializer,
    TeachingSiteSerializer,
)


class TeachingSiteViewSet(SharedResourceViewSet):
    """现场教学库 — the on-site teaching library."""

    model = TeachingSite
    serializer_class = TeachingSiteSerializer
    filterset_class = TeachingSiteFilterSet
    select = ("category", "district", "town")
    prefetch = ("domains",)

    def get_prefetches(self):
        user = self.request.user
        return [
            *self.prefetch,
            Prefetch("lecturers", queryset=Lecturer.objects.restrict(user, "view").only("id")),
            Prefetch("courses", queryset=Course.objects.restrict(user, "view").only("id")),
        ]

    @extend_schema(responses=LifecycleEventSerializer(many=True), summary=_("Lifecycle history"))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def lifecycle(self, request, pk=None):
        site = self.get_object()
        events = site.events.select_related("user")
        return Response(LifecycleEventSerializer(events, many=True).data)

    @extend_schema(
        request=LifecycleChangeSerializer,
        parameters=[IF_MATCH],
        responses=TeachingSiteSerializer,
        summary=_("Move the site along its lifecycle"),
    )
    @lifecycle.mapping.post
    @idempotent
    def change_lifecycle(self, request, pk=None):
        data = self._payload(LifecycleChangeSerializer, request)
        site = site_change_lifecycle(
            user=request.user,
            pk=self.kwargs["pk"],
            to_state=data["to"],
            reason=data["reason"],
            effective_on=data.get("effective_on"),
            expected_version=expected_version(request),
        )
        return self._respond(self._reload(site.pk))
