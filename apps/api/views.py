import django_filters
from drf_spectacular.utils import extend_schema_view
from rest_framework import generics, viewsets

from apps.accounts.models import User
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.openapi import endpoint

from .notifications import MeWithNotificationsSerializer
from .pagination import TreeOrderCursorPagination
from .serializers import OrganizationSerializer


@extend_schema_view(get=endpoint(responses={200: MeWithNotificationsSerializer}))
class MeView(generics.RetrieveAPIView):
    """The signed-in user, their seats (organisation code and role), their unread notifications."""

    serializer_class = MeWithNotificationsSerializer

    def get_object(self):
        return User.objects.prefetch_related("memberships__organization").get(
            pk=self.request.user.pk
        )


class OrganizationFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)
    parent = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Organization
        fields = ["kind", "parent"]


@extend_schema_view(
    list=endpoint(400, 404, responses={200: OrganizationSerializer(many=True)}),
    retrieve=endpoint(404, responses={200: OrganizationSerializer}),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """The network map: every school and partner department (not secret to members)."""

    queryset = Organization.objects.select_related("parent")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    pagination_class = TreeOrderCursorPagination
    lookup_field = "code"
