"""``/api/v1/``: one router, one route per library in the registry, and the API's own views."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.sharing.registry import libraries

from . import attachments
from .history import AuditEventViewSet
from .views import MeView, OrganizationViewSet
from .viewsets import library_viewset

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
for library in libraries():
    if library.viewset is not None:
        router.register(library.key, library_viewset(library), basename=library.basename)
router.register("audit", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("attachments/<uuid:uid>/download/", attachments.download, name="attachment-download"),
    path("attachments/<uuid:uid>/", attachments.remove, name="attachment"),
    *router.urls,
]
