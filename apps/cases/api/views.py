from django.db.models import Prefetch

from apps.attachments.api import AttachmentsMixin
from apps.courses.models import Course
from apps.organizations.models import OrganizationKind
from apps.sharing import services
from apps.sharing.api import SharedResourceViewSet
from apps.sharing.choices import Scope

from ..filtersets import CaseFilterSet
from ..models import Case
from .serializers import CaseSerializer


class CaseViewSet(AttachmentsMixin, SharedResourceViewSet):
    """案例库 — the case library."""

    model = Case
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    select = ("place", "contributing_department")
    prefetch = ("domains",)

    def create_resource(self, owner, data):
        """A partner department's case goes straight to the municipal curators' review."""
        if owner.kind == OrganizationKind.DEPARTMENT:
            return services.resource_create_and_submit(
                Case, user=self.request.user, owner_code=owner.code, data=data, scope=Scope.NETWORK
            )
        return super().create_resource(owner, data)

    def get_prefetches(self):
        courses = Course.objects.restrict(self.request.user, "view").only("id")
        return [*self.prefetch, Prefetch("courses", queryset=courses)]
