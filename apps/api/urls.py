"""``/api/v1/``: one router for every library."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.attachments import api as attachments
from apps.audit.api import AuditEventViewSet
from apps.cases.api.views import CaseViewSet
from apps.courses.api.views import CourseViewSet
from apps.faculty.api.views import LecturerViewSet
from apps.teaching_sites.api.views import TeachingSiteViewSet

from .views import MeView, OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("courses", CourseViewSet, basename="course")
router.register("faculty", LecturerViewSet, basename="lecturer")
router.register("cases", CaseViewSet, basename="case")
router.register("sites", TeachingSiteViewSet, basename="site")
router.register("audit", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("attachments/<uuid:uid>/download/", attachments.download, name="attachment-download"),
    path("attachments/<uuid:uid>/", attachments.remove, name="attachment"),
    *router.urls,
]
