from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.sharing.api import (
    SharedResourceViewSet,
    expected_version,
    idempotent,
    library_schema,
)
from apps.sharing.openapi import endpoint

from ..filtersets import TeachingSiteFilterSet
from ..models import TeachingSite
from ..services import site_change_lifecycle
from .serializers import (
    LifecycleChangeSerializer,
    LifecycleEventSerializer,
    TeachingSiteSerializer,
)


@library_schema(
    TeachingSiteSerializer,
    create={
        "examples": [
            OpenApiExample(
                "municipal-site",
                summary="市委党校新增教学点 The municipal school's new site",
                value={
                    "owner": "440600",
                    "title": "某产业园改造现场",
                    "category": "industrial-park",
                    "host_organization": "某产业园管委会",
                    "address": "佛山市禅城区某路 1 号",
                    "district": "440604",
                    "teaching_points": "园区改造前后对比。",
                    "domains": ["industrial-system"],
                    "visit_minutes": 60,
                    "capacity": 50,
                },
            )
        ]
    },
)
class TeachingSiteViewSet(SharedResourceViewSet):
    """现场教学库 — the on-site teaching library."""

    model = TeachingSite
    serializer_class = TeachingSiteSerializer
    filterset_class = TeachingSiteFilterSet
    select = ("category", "district", "town")
    prefetch = ("domains",)

    @endpoint(
        404, responses={200: LifecycleEventSerializer(many=True)}, summary=_("Lifecycle history")
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def lifecycle(self, request, pk=None):
        site = self.get_object()
        events = site.events.select_related("user")
        return Response(LifecycleEventSerializer(events, many=True).data)

    @endpoint(
        400,
        403,
        404,
        409,
        if_match=True,
        idempotent=True,
        etag=True,
        request=LifecycleChangeSerializer,
        responses={200: TeachingSiteSerializer},
        summary=_("Move the site along its lifecycle"),
        examples=[
            OpenApiExample(
                "admit",
                summary="入库 Admit",
                value={
                    "to": "admitted",
                    "reason": "经市委党校评审通过。",
                    "effective_on": "2026-11-01",
                },
            )
        ],
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
